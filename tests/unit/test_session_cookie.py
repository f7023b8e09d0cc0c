"""The session cookie as deployed (https): __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/."""

from __future__ import annotations

import pytest

from orcid_sync.config import Settings
from orcid_sync.handlers import http

DEPLOYED = {
    "orcid_client_id": "APP-0000000000000001",
    "orcid_client_secret_name": "s",
    "public_base_url": "https://orbit-orcid.dtu.dk",
    "consents_table": "c",
    "oauth_states_table": "o",
    "token_key_id": "k",
    "sync_jobs_queue_url": "q",
    "orbit_base_url": "https://orbit.dtu.dk",
    "orbit_api_key_name": "a",
}


def test_the_deployed_session_cookie_is_host_only_secure_http_only_and_lax(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings.model_validate(DEPLOYED)
    monkeypatch.setattr(http, "get_settings", lambda: settings)

    cookie = str(http._session_cookie("opaque-256-bit-id", 1800))

    assert cookie.startswith("__Host-orcid_session=opaque-256-bit-id")
    for part in ("Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=1800"):
        assert part in cookie
    assert "Domain" not in cookie


def test_the_public_origin_is_what_browsers_send() -> None:
    assert Settings.model_validate(DEPLOYED).public_origin == "https://orbit-orcid.dtu.dk"
    local = Settings.model_validate({**DEPLOYED, "public_base_url": "http://127.0.0.1:8000/"})
    assert local.public_origin == "http://127.0.0.1:8000"
