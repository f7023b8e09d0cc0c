"""The session cookie as deployed (https): __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/."""

from __future__ import annotations

import pytest

from orcid_sync.config import Settings
from orcid_sync.handlers import http

DEPLOYED = {
    "ORCID_CLIENT_ID": "APP-0000000000000001",
    "ORCID_CLIENT_SECRET_NAME": "s",
    "PUBLIC_BASE_URL": "https://orbit-orcid.dtu.dk",
    "CONSENTS_TABLE": "c",
    "OAUTH_STATES_TABLE": "o",
    "TOKEN_KEY_ID": "k",
    "SYNC_JOBS_QUEUE_URL": "q",
    "ORBIT_BASE_URL": "https://orbit.dtu.dk",
    "ORBIT_API_KEY_NAME": "a",
}


def test_the_deployed_session_cookie_is_host_only_secure_http_only_and_lax(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings.from_env(DEPLOYED)
    monkeypatch.setattr(http, "get_settings", lambda: settings)

    cookie = str(http._session_cookie("opaque-256-bit-id", 1800))

    assert cookie.startswith("__Host-orcid_session=opaque-256-bit-id")
    for part in ("Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=1800"):
        assert part in cookie
    assert "Domain" not in cookie


def test_the_public_origin_is_what_browsers_send() -> None:
    assert Settings.from_env(DEPLOYED).public_origin == "https://orbit-orcid.dtu.dk"
    local = Settings.from_env({**DEPLOYED, "PUBLIC_BASE_URL": "http://127.0.0.1:8000/"})
    assert local.public_origin == "http://127.0.0.1:8000"
