"""ORCID's three-legged OAuth: authorize URL, code exchange and revocation.

Every failure becomes one of the typed errors below, so the consent service never inspects status
codes. No token, code or client secret is ever put into an exception message or a log line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import requests
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from orcid_sync.domain.errors import TryLater
from orcid_sync.domain.orcid_ids import is_valid_orcid_id, normalize_orcid_id

if TYPE_CHECKING:
    from orcid_sync.oidc.id_token import IdTokenVerifier

# Both are needed: read-limited to see our items on the record, activities/update to write works.
REQUIRED_SCOPES = frozenset({"/read-limited", "/activities/update"})
# Asked for with them so ORCID answers with an id_token carrying our nonce: it binds the code to the
# browser's flow (ORCID has no PKCE), see docs/decisions.md.
OPENID_SCOPE = "openid"
# Asked for, not required: it lets the Orbit profile link go on the person section. A researcher who
# does not grant it (or an older consent) keeps everything else.
PERSON_UPDATE_SCOPE = "/person/update"


class OAuthError(Exception):
    """Base of everything that can go wrong talking to ORCID's OAuth server."""


class InvalidGrant(OAuthError):
    """ORCID refused the authorization code: unknown, expired, or already used."""

    def __init__(self, reused: bool) -> None:
        self.reused = reused
        super().__init__("authorization code was already used" if reused else "authorization code is invalid")


class OrcidUnavailable(OAuthError, TryLater):
    """ORCID could not be reached or answered with a server error; trying again later may work."""


class ClientRejected(OAuthError):
    """ORCID refused our client credentials or request (a configuration problem on our side)."""


class UnexpectedAnswer(OAuthError):
    """ORCID answered 200 with something we cannot use (missing fields, an iD with a bad checksum)."""


class FlowMismatch(OAuthError):
    """ORCID's id_token is missing, invalid, for another iD, or lacks this browser's nonce: the code
    was not issued to this flow (a leaked code redeemed with someone else's state). The token is revoked."""


class TokenResponse(BaseModel):
    """ORCID's answer to a successful code exchange."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    access_token: str = Field(min_length=1, repr=False)
    refresh_token: str = Field(min_length=1, repr=False)
    token_type: str = "bearer"
    expires_in: int = Field(ge=0)
    scope: frozenset[str]
    orcid: str
    name: str | None = None
    id_token: str | None = Field(default=None, repr=False)

    @field_validator("scope", mode="before")
    @classmethod
    def _split_scope(cls, value: object) -> object:
        return frozenset(value.split()) if isinstance(value, str) else value

    @field_validator("orcid")
    @classmethod
    def _checked_orcid(cls, value: str) -> str:
        return normalize_orcid_id(value)

    @property
    def missing_scopes(self) -> frozenset[str]:
        return REQUIRED_SCOPES - self.scope


class OrcidOAuthClient:
    """Talks to `{base}/oauth/...` for one registered member client."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: Callable[[], str],
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        id_tokens: IdTokenVerifier | None = None,
    ) -> None:
        self._id_tokens = id_tokens
        self._base = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._session = session or requests.Session()
        self._timeout = timeout

    def authorize_url(
        self,
        *,
        redirect_uri: str,
        state: str,
        register: bool = False,
        given_names: str | None = None,
        family_names: str | None = None,
        email: str | None = None,
        lang: str | None = None,
        nonce: str | None = None,
    ) -> str:
        """The URL to send the browser to. `register` shows ORCID's registration form, prefilled.
        With a `nonce`, the `openid` scope is asked for too and the nonce goes along."""
        scopes = [*sorted(REQUIRED_SCOPES, reverse=True), PERSON_UPDATE_SCOPE] + (
            [OPENID_SCOPE] if nonce else []
        )
        params: dict[str, str] = {
            "client_id": self._client_id,
            "response_type": "code",
            "scope": " ".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        }
        if nonce:
            params["nonce"] = nonce
        if register:
            params["show_login"] = "false"
        prefill = {"given_names": given_names, "family_names": family_names, "email": email}
        params.update({key: value for key, value in prefill.items() if value})
        if lang:
            params["lang"] = lang
        return f"{self._base}/oauth/authorize?{urlencode(params)}"

    def exchange_code(self, code: str, redirect_uri: str, nonce: str | None = None) -> TokenResponse:
        """Redeem the code. With a `nonce` (and a verifier), the answer's id_token must carry it."""
        answer = self._post(
            "/oauth/token",
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        )
        if answer.status_code == 400 and _oauth_error(answer) == "invalid_grant":
            description = _json(answer).get("error_description", "")
            raise InvalidGrant(reused="reused" in str(description).lower())
        self._raise_for_client_errors(answer, "token exchange")
        try:
            grant = TokenResponse.model_validate(_json(answer))
        except ValidationError as exc:
            fields = ", ".join(str(err["loc"][0]) for err in exc.errors() if err["loc"])
            raise UnexpectedAnswer(f"ORCID's token answer is unusable (fields: {fields})") from None
        if nonce is not None and self._id_tokens is not None:
            self._check_flow(grant, nonce)
        return grant

    def _check_flow(self, grant: TokenResponse, nonce: str) -> None:
        from orcid_sync.oidc.id_token import IdTokenRejected

        problem = None
        if grant.id_token is None:
            problem = "ORCID's answer has no id_token"
        else:
            try:
                claims = self._id_tokens.verify(grant.id_token, nonce) if self._id_tokens else {}
            except IdTokenRejected as exc:
                problem = f"ORCID's id_token is {exc}"
            else:
                if not is_valid_orcid_id(str(claims.get("sub", ""))) or (
                    normalize_orcid_id(str(claims["sub"])) != grant.orcid
                ):
                    problem = "ORCID's id_token names another iD"
        if problem is not None:
            with contextlib.suppress(OAuthError):  # the refusal stands even if revoking fails
                self.revoke(grant.access_token)
            raise FlowMismatch(problem)

    def revoke(self, token: str) -> None:
        """Revoke an access token (ORCID revokes its refresh token with it)."""
        answer = self._post("/oauth/revoke", {"token": token})
        self._raise_for_client_errors(answer, "revocation")

    def _post(self, path: str, form: dict[str, str]) -> requests.Response:
        body = {"client_id": self._client_id, "client_secret": self._client_secret(), **form}
        try:
            answer = self._session.post(
                f"{self._base}{path}",
                data=body,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # The exception text may contain the URL but never the form body; keep only its type.
            raise OrcidUnavailable(f"ORCID OAuth did not answer ({type(exc).__name__})") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise OrcidUnavailable(f"ORCID OAuth answered {answer.status_code}")
        return answer

    @staticmethod
    def _raise_for_client_errors(answer: requests.Response, what: str) -> None:
        if answer.status_code in (401, 403):
            raise ClientRejected(f"ORCID refused our client credentials during {what} ({answer.status_code})")
        if answer.status_code >= 300:
            error = _oauth_error(answer) or "no error code"
            raise ClientRejected(f"ORCID refused the {what}: {answer.status_code} {error}")


def _json(answer: requests.Response) -> dict[str, object]:
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _oauth_error(answer: requests.Response) -> str | None:
    error = _json(answer).get("error")
    return error if isinstance(error, str) else None
