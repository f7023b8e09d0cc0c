"""ORCID's token answer, parsed and checked before anything is stored."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from orcid_sync.orcid.oauth import OrcidOAuthClient, TokenResponse

ANSWER: dict[str, Any] = {
    "access_token": "f5af9f51-07e6-4332-8f1a-c0c11c1e3728",
    "token_type": "bearer",
    "refresh_token": "f725f747-3a65-49f6-a231-3e8944ce464d",
    "expires_in": 631138518,
    "scope": "/activities/update /read-limited",
    "name": "Sofia Garcia",
    "orcid": "0000-0001-2345-6789",
}


def test_a_full_grant_has_no_missing_scopes() -> None:
    grant = TokenResponse.model_validate(ANSWER)

    assert grant.missing_scopes == frozenset()
    assert grant.orcid == "0000-0001-2345-6789"


def test_a_grant_without_activities_update_is_missing_it() -> None:
    grant = TokenResponse.model_validate({**ANSWER, "scope": "/read-limited"})

    assert grant.missing_scopes == {"/activities/update"}


def test_an_orcid_id_with_a_bad_checksum_is_refused() -> None:
    with pytest.raises(ValidationError):
        TokenResponse.model_validate({**ANSWER, "orcid": "0000-0001-2345-6788"})


def test_a_null_name_is_accepted_because_orcid_hides_private_names() -> None:
    assert TokenResponse.model_validate({**ANSWER, "name": None}).name is None


def test_tokens_never_show_in_the_grants_repr() -> None:
    shown = repr(TokenResponse.model_validate(ANSWER))

    assert ANSWER["access_token"] not in shown and ANSWER["refresh_token"] not in shown


def test_the_registration_url_prefills_names_and_email_and_hides_sign_in() -> None:
    client = OrcidOAuthClient("https://sandbox.orcid.org", "APP-X", lambda: "secret")

    url = client.authorize_url(
        redirect_uri="https://x/orcid/callback",
        state="s",
        register=True,
        given_names="Sofie",
        family_names="Kjær Nielsen",
        email="sokn@dtu.dk",
    )

    assert url.startswith("https://sandbox.orcid.org/oauth/authorize?")
    assert "show_login=false" in url and "given_names=Sofie" in url and "email=sokn%40dtu.dk" in url
    assert "secret" not in url
