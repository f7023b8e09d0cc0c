"""An OpenID Connect relying party for DTU's sign-in (Microsoft Entra ID, or any standard provider):
discovery, the authorization code flow with PKCE, `state` and `nonce`, and the ID token verified.

Every failure becomes a typed error; no code, token, verifier or client secret goes into a message.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import requests
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orcid_sync.domain.errors import TryLater
from orcid_sync.oidc.id_token import IdTokenVerifier


class ProviderUnavailable(TryLater):
    """The identity provider could not be reached or answered with a server error."""


class SignInRefused(Exception):
    """The provider refused our request (bad client, redirect URI, an invalid or reused code)."""


class Discovery(BaseModel):
    """The parts of `/.well-known/openid-configuration` we use."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods_supported: list[str] = Field(default_factory=lambda: ["client_secret_basic"])
    code_challenge_methods_supported: list[str] = Field(default_factory=list)


class TokenAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id_token: str = Field(min_length=1, repr=False)


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636): base64url(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: Callable[[], str],
        *,
        scopes: str = "openid profile email",
        session: requests.Session | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self._scopes = scopes
        self._session = session or requests.Session()
        self._timeout = timeout
        self._discovery: Discovery | None = None
        self._verifier: IdTokenVerifier | None = None
        self._lock = threading.Lock()

    def discovery(self) -> Discovery:
        """Read once per execution environment; the issuer it names must be the one we trust."""
        with self._lock:
            if self._discovery is None:
                data = self._get_json(self.issuer + "/.well-known/openid-configuration")
                try:
                    found = Discovery.model_validate(data)
                except ValidationError:
                    raise ProviderUnavailable("the provider's discovery document is unusable") from None
                if found.issuer.rstrip("/") != self.issuer:
                    raise SignInRefused("the discovery document names another issuer")
                self._discovery = found
            return self._discovery

    def id_tokens(self) -> IdTokenVerifier:
        if self._verifier is None:
            found = self.discovery()
            self._verifier = IdTokenVerifier(
                found.jwks_uri, found.issuer, self.client_id, timeout=self._timeout
            )
        return self._verifier

    def authorize_url(self, *, redirect_uri: str, state: str, nonce: str, verifier: str) -> str:
        params = {
            "client_id": self.client_id,
            "response_type": "code",
            "scope": self._scopes,
            "redirect_uri": redirect_uri,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return f"{self.discovery().authorization_endpoint}?{urlencode(params)}"

    def exchange(self, *, code: str, redirect_uri: str, verifier: str, nonce: str) -> dict[str, Any]:
        """Redeem the code with the PKCE verifier; the verified ID token's claims (IdTokenRejected)."""
        found = self.discovery()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        auth: tuple[str, str] | None = None
        if "client_secret_basic" in found.token_endpoint_auth_methods_supported:
            auth = (self.client_id, self._client_secret())
        else:
            form.update(client_id=self.client_id, client_secret=self._client_secret())
        try:
            answer = self._session.post(
                found.token_endpoint,
                data=form,
                auth=auth,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"the token endpoint did not answer ({type(exc).__name__})") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise ProviderUnavailable(f"the token endpoint answered {answer.status_code}")
        if answer.status_code != 200:
            raise SignInRefused(f"the token endpoint refused: {answer.status_code} {_error(answer)}")
        try:
            token = TokenAnswer.model_validate(answer.json())
        except (ValueError, ValidationError):
            raise SignInRefused("the token answer has no ID token") from None
        return self.id_tokens().verify(token.id_token, nonce)

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = self._session.get(url, timeout=self._timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"{url} did not answer ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise ProviderUnavailable(f"{url} answered {answer.status_code}")
        try:
            data = answer.json()
        except ValueError:
            raise ProviderUnavailable(f"{url} is not JSON") from None
        if not isinstance(data, dict):
            raise ProviderUnavailable(f"{url} is not a JSON object")
        return data


def _error(answer: requests.Response) -> str:
    try:
        data = answer.json()
    except ValueError:
        return "no error code"
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, str) else "no error code"
