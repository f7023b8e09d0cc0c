"""DTU's identity provider (Microsoft Entra ID), stood in on loopback: a real OpenID Connect provider.

Discovery, JWKS, an authorize page with a sign-in form for the demo researchers, and a token endpoint
that checks the client, the redirect URI, the single-use code and PKCE (S256), and answers with an RS256
ID token carrying the nonce. Like Entra, `sub` is an opaque per-application id; the researcher's
employee number comes in its own claim (`employee_id`), which the deployment resolves through Orbit.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from html import escape
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.oidc_standin.keys import SigningKey, jwks

ID_TOKEN_LIFETIME_SECONDS = 3600
# What the authorize page carries from the request into its form.
_FORWARDED = (
    "client_id",
    "response_type",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


@dataclass(frozen=True)
class User:
    """A person who can sign in: the name on the button and the claims about them."""

    name: str
    email: str | None
    employee_id: str


@dataclass
class IssuedCode:
    user: User
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str
    used: bool = False


class IdTokenFault(StrEnum):
    """What a test makes the next ID tokens get wrong."""

    FORGED = "forged"  # signed by a key the provider does not publish, under a published key id
    EXPIRED = "expired"
    OTHER_AUDIENCE = "other_audience"
    WRONG_NONCE = "wrong_nonce"
    UNKNOWN_KEY = "unknown_key"  # signed under a key id the JWKS does not list


@dataclass
class OidcStandIn:
    # The directory: who may sign in (asked on each page, so people added later can sign in too).
    directory: Callable[[], list[User]] = list
    clients: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    key: SigningKey = field(default_factory=SigningKey)
    codes: dict[str, IssuedCode] = field(default_factory=dict)
    fault: IdTokenFault | None = None
    calls: dict[str, int] = field(default_factory=dict)
    _subjects: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""  # set once it listens; the issuer

    @property
    def users(self) -> list[User]:
        return self.directory()

    def register_client(self, client_id: str, client_secret: str, redirect_uris: tuple[str, ...]) -> None:
        self.clients[client_id] = (client_secret, redirect_uris)

    # --- metadata -----------------------------------------------------------------------------------
    def discovery(self, request: Request) -> Response:
        self._count("discovery")
        base = self.base_url
        return _json(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    def keys(self, request: Request) -> Response:
        self._count("jwks")
        return _json(jwks(self.key))

    # --- the browser part ---------------------------------------------------------------------------
    def authorize_page(self, request: Request) -> Response:
        args = request.args
        problem = self._check_request(args)
        if problem:
            return _page("Sign-in request refused", f"<p>{escape(problem)}</p>", 400)
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(args.get(k, ""))}">'
            for k in (
                "client_id",
                "response_type",
                "redirect_uri",
                "state",
                "nonce",
                "code_challenge",
                "code_challenge_method",
            )
        )
        buttons = "".join(
            f'<li><button type="submit" name="user" value="{escape(u.employee_id)}">'
            f"Sign in as {escape(u.name)}</button></li>"
            for u in self.users
        )
        body = (
            "<p>Pick a demo researcher. On AWS, DTU's Microsoft sign-in asks for the password and MFA.</p>"
            f'<form method="post" action="/oauth2/v2.0/authorize">{hidden}<ul>{buttons}</ul>'
            '<p><button type="submit" name="user" value="" id="cancel">Cancel</button></p></form>'
        )
        return _page("DTU sign-in (local stand-in)", body)

    def authorize_decision(self, request: Request) -> Response:
        form = request.form
        problem = self._check_request(form)
        if problem:
            return _page("Sign-in request refused", f"<p>{escape(problem)}</p>", 400)
        redirect_uri, state = form["redirect_uri"], form.get("state", "")
        user = next((u for u in self.users if u.employee_id == form.get("user")), None)
        if user is None:
            query = {"error": "access_denied", "error_description": "The user cancelled", "state": state}
            return _redirect(redirect_uri, query)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = IssuedCode(
                user, form["client_id"], redirect_uri, form.get("nonce") or None, form["code_challenge"]
            )
        return _redirect(redirect_uri, {"code": code, "state": state})

    def _check_request(self, args: Any) -> str | None:
        client = self.clients.get(args.get("client_id", ""))
        if client is None or args.get("redirect_uri") not in client[1]:
            return "The application or its redirect URI is not registered."
        if args.get("response_type") != "code":
            return "Only response_type=code is supported."
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return "PKCE with S256 is required."
        return None

    # --- the server-to-server part ------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        self._count("token")
        form = request.form
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if request.authorization is not None and request.authorization.type == "basic":
            client_id = request.authorization.username or ""
            secret = request.authorization.password or ""
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(secret, client[0]):
            return _json({"error": "invalid_client"}, 401)
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        with self._lock:
            issued = self.codes.get(form.get("code", ""))
            if issued is None or issued.used or issued.client_id != client_id:
                return _json({"error": "invalid_grant", "error_description": "bad or used code"}, 400)
            issued.used = True
        if issued.redirect_uri != form.get("redirect_uri"):
            return _json({"error": "invalid_grant", "error_description": "redirect_uri mismatch"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
        if not secrets.compare_digest(challenge.decode(), issued.code_challenge):
            return _json({"error": "invalid_grant", "error_description": "PKCE verification failed"}, 400)
        return _json(
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": secrets.token_urlsafe(32),
                "id_token": self.id_token(issued.user, client_id, issued.nonce),
            }
        )

    def id_token(self, user: User, audience: str, nonce: str | None) -> str:
        """The ID token for `user`, spoiled as `fault` says (tests use this to forge)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.base_url,
            "aud": audience,
            "sub": self._subject(user),
            "iat": now,
            "nbf": now,
            "exp": now + ID_TOKEN_LIFETIME_SECONDS,
            "name": user.name,
            "preferred_username": user.email or f"{user.employee_id}@dtu.dk",
            "employee_id": user.employee_id,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        fault = self.fault
        if fault is IdTokenFault.EXPIRED:
            claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        elif fault is IdTokenFault.OTHER_AUDIENCE:
            claims["aud"] = "another-application"
        elif fault is IdTokenFault.WRONG_NONCE:
            claims["nonce"] = secrets.token_urlsafe(32)
        if fault is IdTokenFault.FORGED:
            return SigningKey(kid=self.key.kid).sign(claims)
        if fault is IdTokenFault.UNKNOWN_KEY:
            return SigningKey().sign(claims)
        return self.key.sign(claims)

    def _subject(self, user: User) -> str:
        with self._lock:
            return self._subjects.setdefault(user.employee_id, secrets.token_urlsafe(32))

    def _count(self, name: str) -> None:
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1

    # --- WSGI ---------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            endpoint, _ = _ROUTES.bind_to_environ(environ).match()
        except HTTPException as exc:
            return exc(environ, start_response)
        response: Response = getattr(self, str(endpoint))(request)
        return response(environ, start_response)


_ROUTES = Map(
    [
        Rule("/.well-known/openid-configuration", endpoint="discovery", methods=["GET"]),
        Rule("/discovery/v2.0/keys", endpoint="keys", methods=["GET"]),
        Rule("/oauth2/v2.0/authorize", endpoint="authorize_page", methods=["GET"]),
        Rule("/oauth2/v2.0/authorize", endpoint="authorize_decision", methods=["POST"]),
        Rule("/oauth2/v2.0/token", endpoint="token", methods=["POST"]),
    ]
)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def _redirect(uri: str, query: dict[str, str]) -> Response:
    return Response(status=302, headers={"Location": f"{uri}?{urlencode(query)}"})


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><header><strong>DTU</strong> · sign-in stand-in</header><main><h1>{escape(title)}</h1>"
        f"{body}</main></body></html>"
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")
