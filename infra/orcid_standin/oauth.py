"""ORCID's OAuth server, stood in on loopback: the authorize page, /oauth/token and /oauth/revoke.

Behaves as orcid-api.md describes: 6-character single-use codes; a reused code answers invalid_grant
("Reused authorization code") and disables the tokens issued for it; bad client credentials are 401.
A registered client has one secret and a list of allowed redirect URIs.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.oidc_standin.keys import SigningKey, jwks
from infra.orcid_standin.state import StandInState

CODE_ALPHABET = string.ascii_letters + string.digits
TOKEN_LIFETIME_SECONDS = 631138518  # what ORCID answers: about 20 years
KNOWN_SCOPES = frozenset(
    {"/authenticate", "/read-limited", "/activities/update", "/person/update", "/read-public", "openid"}
)
# ORCID's OpenID Connect: with the `openid` scope the token answer carries an RS256 id_token whose
# `sub` is the iD and whose `nonce` is the one the authorize request carried.
ID_TOKEN_LIFETIME_SECONDS = 600


@dataclass
class RegisteredClient:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = "DTU Orbit"


@dataclass
class IssuedCode:
    code: str
    client_id: str
    orcid: str
    scopes: frozenset[str]
    redirect_uri: str
    used: bool = False
    nonce: str | None = None


@dataclass
class OAuthFaults:
    """Switches a test flips to make the token endpoint misbehave."""

    token_status: int | None = None  # e.g. 503: answer every token request with this status
    grant_only: frozenset[str] | None = None  # the "user" unticks scopes: grant only these


@dataclass
class OAuthStandIn:
    state: StandInState
    clients: dict[str, RegisteredClient] = field(default_factory=dict)
    codes: dict[str, IssuedCode] = field(default_factory=dict)
    faults: OAuthFaults = field(default_factory=OAuthFaults)
    # Counts of calls by endpoint, for tests that assert how often ORCID was asked.
    calls: dict[str, int] = field(default_factory=dict)
    key: SigningKey = field(default_factory=SigningKey)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register_client(self, client_id: str, client_secret: str, redirect_uris: tuple[str, ...]) -> None:
        self.clients[client_id] = RegisteredClient(client_id, client_secret, redirect_uris)

    # --- the browser part -------------------------------------------------------------------------
    def authorize_page(self, request: Request) -> Response:
        args = request.args
        client = self.clients.get(args.get("client_id", ""))
        redirect_uri = args.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            return _page("Invalid client or redirect URI", "<p>The application is not registered.</p>", 400)
        if args.get("response_type") != "code":
            return _page("Unsupported response type", "<p>Only response_type=code is supported.</p>", 400)
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in args.items()
            if k in ("client_id", "redirect_uri", "scope", "state", "nonce")
        )
        scopes = ", ".join(escape(s) for s in args.get("scope", "").split())
        if args.get("show_login") == "false":
            identity = (
                "<h2>Register for an ORCID iD</h2>"
                f'<label>First name <input name="given_names" value="{escape(args.get("given_names", ""))}">'
                "</label> "
                f'<label>Last name <input name="family_names" value="{escape(args.get("family_names", ""))}">'
                "</label> "
                f'<label>E-mail <input name="email" value="{escape(args.get("email", ""))}"></label>'
                '<input type="hidden" name="mode" value="register">'
            )
        else:
            options = "".join(
                f'<option value="{escape(r.orcid)}">{escape(r.name)} ({escape(r.orcid)})</option>'
                for r in sorted(self.state.records.values(), key=lambda r: r.name)
            )
            identity = (
                "<h2>Sign in</h2>"
                f'<label>Your ORCID record <select name="orcid">{options}</select></label>'
                '<input type="hidden" name="mode" value="signin">'
            )
        body = (
            f'<form method="post" action="/oauth/authorize">{hidden}{identity}'
            f"<p><strong>{escape(client.name)}</strong> asks for: {scopes}</p>"
            '<button name="decision" value="authorize" id="authorize">Authorize access</button> '
            '<button name="decision" value="deny" id="deny">Deny access</button></form>'
        )
        return _page("ORCID (local stand-in): authorize", body)

    def authorize_decision(self, request: Request) -> Response:
        form = request.form
        client = self.clients.get(form.get("client_id", ""))
        redirect_uri = form.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            return _page("Invalid client or redirect URI", "<p>The application is not registered.</p>", 400)
        state = form.get("state", "")
        if form.get("decision") != "authorize":
            query = {"error": "access_denied", "error_description": "User denied access", "state": state}
            return _redirect(redirect_uri, query)
        if form.get("mode") == "register":
            record = self.state.add_record(
                form.get("given_names", "").strip() or "New",
                form.get("family_names", "").strip() or "Researcher",
                form.get("email") or None,
            )
            orcid = record.orcid
        else:
            orcid = form.get("orcid", "")
            if orcid not in self.state.records:
                return _page("Unknown record", "<p>Choose a record to sign in with.</p>", 400)
        scopes = frozenset(form.get("scope", "").split()) & KNOWN_SCOPES
        if self.faults.grant_only is not None:
            scopes &= self.faults.grant_only | {"openid"}
        code = self.issue_code(client.client_id, orcid, scopes, redirect_uri, form.get("nonce") or None)
        return _redirect(redirect_uri, {"code": code, "state": state})

    def issue_code(
        self,
        client_id: str,
        orcid: str,
        scopes: frozenset[str],
        redirect_uri: str,
        nonce: str | None = None,
    ) -> str:
        """What the Authorize button does; tests call it to skip the page."""
        with self._lock:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            self.codes[code] = IssuedCode(code, client_id, orcid, scopes, redirect_uri, nonce=nonce)
            return code

    # --- the server-to-server part ----------------------------------------------------------------
    def token(self, request: Request) -> Response:
        self._count("token")
        if self.faults.token_status is not None:
            return _json({"error": "server_error"}, self.faults.token_status)
        form = request.form
        client = self._authenticated_client(form)
        if client is None:
            return _json({"error": "invalid_client", "error_description": "Bad client credentials"}, 401)
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        code_value = form.get("code", "")
        with self._lock:
            issued = self.codes.get(code_value)
            if issued is None or issued.client_id != client.client_id:
                return _invalid_grant(f"Invalid authorization code: {code_value}")
            if issued.used:
                # ORCID disables the tokens already issued for a code that is presented twice.
                for grant in self.state.tokens.values():
                    if grant.code == code_value:
                        grant.revoked = True
                return _invalid_grant(f"Reused authorization code: {code_value}")
            if issued.redirect_uri != form.get("redirect_uri"):
                return _invalid_grant("Redirect URI mismatch")
            issued.used = True
        grant = self.state.issue_token(issued.orcid, client.client_id, issued.scopes, code=code_value)
        record = self.state.records[issued.orcid]
        answer: dict[str, Any] = {
            "access_token": grant.access_token,
            "token_type": "bearer",
            "refresh_token": grant.refresh_token,
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "scope": " ".join(sorted(issued.scopes)),
            "name": record.name,
            "orcid": record.orcid,
        }
        if "openid" in issued.scopes:
            answer["id_token"] = self._id_token(request.host_url.rstrip("/"), client.client_id, issued)
        return _json(answer)

    def _id_token(self, issuer: str, client_id: str, issued: IssuedCode) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": client_id,
            "sub": issued.orcid,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME_SECONDS,
            "auth_time": now,
        }
        if issued.nonce is not None:
            claims["nonce"] = issued.nonce
        return self.key.sign(claims)

    def jwks(self, request: Request) -> Response:
        return _json(jwks(self.key))

    def revoke(self, request: Request) -> Response:
        self._count("revoke")
        if self.faults.token_status is not None:
            return _json({"error": "server_error"}, self.faults.token_status)
        client = self._authenticated_client(request.form)
        if client is None:
            return _json({"error": "invalid_client", "error_description": "Bad client credentials"}, 401)
        value = request.form.get("token", "")
        with self.state.lock:
            for grant in self.state.tokens.values():
                if grant.client_id == client.client_id and value in (grant.access_token, grant.refresh_token):
                    grant.revoked = True
        return Response(status=200)

    def _authenticated_client(self, form: Any) -> RegisteredClient | None:
        client = self.clients.get(form.get("client_id", ""))
        if client is None or not secrets.compare_digest(form.get("client_secret", ""), client.client_secret):
            return None
        return client

    def _count(self, name: str) -> None:
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1

    # --- WSGI ---------------------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response | None:
        """Answer OAuth paths; None for anything else, so another app can serve it."""
        urls = _ROUTES.bind_to_environ(request.environ)
        try:
            endpoint, _ = urls.match()
        except HTTPException:
            return None
        handler = getattr(self, str(endpoint))
        response: Response = handler(request)
        return response


_ROUTES = Map(
    [
        Rule("/oauth/authorize", endpoint="authorize_page", methods=["GET"]),
        Rule("/oauth/authorize", endpoint="authorize_decision", methods=["POST"]),
        Rule("/oauth/token", endpoint="token", methods=["POST"]),
        Rule("/oauth/revoke", endpoint="revoke", methods=["POST"]),
        Rule("/oauth/jwks", endpoint="jwks", methods=["GET"]),
    ]
)


def _invalid_grant(description: str) -> Response:
    return _json({"error": "invalid_grant", "error_description": description}, 400)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def _redirect(uri: str, query: dict[str, str]) -> Response:
    separator = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": f"{uri}{separator}{urlencode(query)}"})


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><header><strong>ORCID</strong> · local stand-in</header><main><h1>{escape(title)}</h1>"
        f"{body}</main></body></html>"
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")
