from __future__ import annotations

import pytest

from orcid_sync.config import OrcidEnvironment, Settings, SettingsError

BASE = {
    "ORCID_CLIENT_ID": "APP-ABCDEFGHIJKLMNOP",
    "ORCID_CLIENT_SECRET_NAME": "orcid-secret",
    "PUBLIC_BASE_URL": "https://orcid-sync.dtu.dk",
    "CONSENTS_TABLE": "consents",
    "OAUTH_STATES_TABLE": "states",
    "TOKEN_KEY_ID": "arn:aws:kms:eu-north-1:1:key/x",
    "SYNC_JOBS_QUEUE_URL": "https://sqs/q.fifo",
    "ORBIT_BASE_URL": "https://orbit.dtu.dk",
    "ORBIT_API_KEY_NAME": "orbit-key",
}


def test_sandbox_settings_point_at_orcids_sandbox_hosts() -> None:
    settings = Settings.from_env(BASE)

    assert settings.orcid_environment is OrcidEnvironment.SANDBOX
    assert settings.orcid_oauth_base == "https://sandbox.orcid.org"
    assert settings.orcid_api_base == "https://api.sandbox.orcid.org/v3.0"
    assert settings.redirect_uri == "https://orcid-sync.dtu.dk/orcid/callback"


def test_production_settings_point_at_orcid_org() -> None:
    settings = Settings.from_env({**BASE, "ORCID_ENVIRONMENT": "production"})

    assert settings.orcid_oauth_base == "https://orcid.org"
    assert settings.orcid_api_base == "https://api.orcid.org/v3.0"


def test_a_missing_variable_is_named_in_the_error() -> None:
    env = {k: v for k, v in BASE.items() if k != "CONSENTS_TABLE"}

    with pytest.raises(SettingsError, match="CONSENTS_TABLE"):
        Settings.from_env(env)


def test_the_local_environment_needs_the_stand_ins_address() -> None:
    with pytest.raises(SettingsError, match="ORCID_BASE_URL"):
        Settings.from_env({**BASE, "ORCID_ENVIRONMENT": "local"})
