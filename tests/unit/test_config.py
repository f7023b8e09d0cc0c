from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orcid_sync.config import OrcidEnvironment, Settings, SettingsError
from tests.unit.pydantic_settings_oracle import PydanticSettings

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
LOCAL = {"ORCID_ENVIRONMENT": "local", "ORCID_BASE_URL": "http://127.0.0.1:38057", "COOKIE_SECURE": "false"}


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


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("CONSENTS_TABLE", "", "String should have at least 1 character"),
        ("ORBIT_API_SHAPE", "ws5", "String should match pattern '^(ws524|pure-api)$'"),
        ("EMPLOYER_ROR_ID", "https://ror.org/04qtj9h94/", "String should match pattern"),
        ("ORCID_BURST", "twenty", "Input should be a valid integer, unable to parse string as an integer"),
        ("ORCID_BURST", "41", "Input should be less than or equal to 40"),
        ("SESSION_IDLE_MINUTES", "4", "Input should be greater than or equal to 5"),
        (
            "ORCID_REQUESTS_PER_SECOND",
            "fast",
            "Input should be a valid number, unable to parse string as a number",
        ),
        ("ORCID_REQUESTS_PER_SECOND", "0", "Input should be greater than 0"),
        ("MASS_DELETE_MAX_SHARE", "1.5", "Input should be less than or equal to 1"),
        ("COOKIE_SECURE", "maybe", "Input should be a valid boolean, unable to interpret input"),
        ("ORCID_ENVIRONMENT", "test", "Input should be 'sandbox', 'production' or 'local'"),
        ("PUBLIC_BASE_URL", "orcid-sync.dtu.dk", "Input should be a valid URL, relative URL without a base"),
        ("PUBLIC_BASE_URL", "ftp://orcid-sync.dtu.dk", "URL scheme should be 'http' or 'https'"),
        ("ORBIT_BASE_URL", "https://", "Input should be a valid URL, empty host"),
        ("OIDC_ISSUER", "", "Input should be a valid URL, input is empty"),
        ("OIDC_ISSUER", "https://x.dk:99999", "Input should be a valid URL, invalid port number"),
    ],
)
def test_a_bad_value_is_refused_with_its_variable_and_why(variable: str, value: str, why: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**BASE, variable: value})

    assert f"{variable}: {why}" in str(raised.value)


def test_a_missing_required_variable_is_named_as_pydantic_named_it() -> None:
    env = {k: v for k, v in BASE.items() if k != "ORBIT_BASE_URL"}

    with pytest.raises(SettingsError, match=r"^invalid configuration: ORBIT_BASE_URL: Field required$"):
        Settings.from_env(env)


def test_the_urls_are_normalised_as_before_where_they_are_used() -> None:
    settings = Settings.from_env(
        {
            **BASE,
            **LOCAL,
            "PUBLIC_BASE_URL": "https://Orcid-Sync.DTU.dk:443",
            "OIDC_ISSUER": "https://sign-in.dtu.dk",
        }
    )

    assert str(settings.orbit_base_url) == "https://orbit.dtu.dk/"  # connections.py strips the slash again
    assert settings.require("oidc_issuer") == "https://sign-in.dtu.dk/"  # so does the OIDC client
    assert settings.public_origin == "https://orcid-sync.dtu.dk"
    assert settings.redirect_uri == "https://orcid-sync.dtu.dk/orcid/callback"
    assert settings.orcid_api_base == "http://127.0.0.1:38057/v3.0"


# --- the hand-written parsing against pydantic's: the model as it was (pydantic_settings_oracle.py)

PROPERTIES = (
    "orcid_oauth_base",
    "orcid_api_base",
    "redirect_uri",
    "sign_in_redirect_uri",
    "public_origin",
    "orcid_issuer",
    "orcid_jwks_url",
)


def _outcome(settings_class: Any, env: dict[str, str]) -> tuple[str, Any]:
    """What reading `env` gives: the error message, or every field and property as text."""
    try:
        settings = settings_class.from_env(env)
    except SettingsError as exc:
        return "error", str(exc)
    names = [f.name for f in dataclasses.fields(Settings)] + list(PROPERTIES)
    return "settings", {name: str(getattr(settings, name)) for name in names}


def assert_read_as_pydantic_did(env: dict[str, str]) -> None:
    assert _outcome(Settings, env) == _outcome(PydanticSettings, env)


def test_the_settings_of_the_local_stack_and_of_a_deployment_read_as_pydantic_read_them() -> None:
    assert_read_as_pydantic_did(BASE)
    assert_read_as_pydantic_did({**BASE, **LOCAL})


INTEGERS = [
    "1",
    " 5 ",
    "1.0",
    "1.00",
    "1.",
    "1.5",
    "0",
    "-1",
    "+3",
    "abc",
    "",
    "0x10",
    "1e3",
    "１２",
    "007",
    "-0",
    "99999999999999999999",
    "\t7\n",
    ".0",
]
NUMBERS = [
    "7",
    "7.5",
    " 7 ",
    "1e1",
    "1E-1",
    "inf",
    "-inf",
    "Infinity",
    "nan",
    "NaN",
    "0",
    "24",
    "24.0001",
    "",
    "abc",
    "-0",
    ".5",
    "5.",
    "0x1",
    "１",
    "1e",
    "e1",
    "+.5",
    "24.0",
]
BOOLEANS = [
    "true",
    "True",
    "TRUE",
    "tRuE",
    "1",
    "yes",
    "YES",
    "on",
    "t",
    "y",
    "false",
    "0",
    "off",
    "no",
    "f",
    "n",
    " true",
    "true ",
    "2",
    "",
    "tru",
    "Y",
    "None",
    "null",
]
URLS = [
    "https://orcid-sync.dtu.dk",
    "https://orcid-sync.dtu.dk/",
    "https://Orcid-Sync.DTU.dk",
    "HTTPS://x.dk",
    "https://x.dk:443",
    "http://x.dk:80/",
    "http://127.0.0.1:8000/",
    "http://127.0.0.1:8000",
    "https://x.dk:8443/a/b",
    "https://x.dk/a b",
    "ftp://x.dk",
    "https://",
    "x.dk",
    "",
    " https://x.dk ",
    "https:x.dk",
    "https:\\\\x.dk",
    "https://user:pw@x.dk",
    "https://x.dk?q=1",
    "https://x.dk#f",
    "https://æøå.dk",
    "https://x.dk:99999",
    "https://[::1]:8000",
    "https://x_y.dk",
    "https://x.dk:0",
    "http://localhost",
    "https://x.dk/%7e",
    "https://X.dk/A",
    "mailto:a@x.dk",
    "file:///etc/passwd",
    "https://x.dk/" + "a" * 2083,
    "http://[::1",
    "https://x.dk:80",
    "http://x.dk:443",
]


@pytest.mark.parametrize(
    "variable", ["CONSENT_RETENTION_DAYS", "CHANGE_FEED_MAX_PAGES", "MASS_DELETE_MIN_WORKS"]
)
@pytest.mark.parametrize("value", INTEGERS)
def test_an_integer_setting_reads_as_pydantic_read_it(variable: str, value: str) -> None:
    assert_read_as_pydantic_did({**BASE, variable: value})


@pytest.mark.parametrize(
    "variable", ["ORCID_REQUESTS_PER_SECOND", "MASS_DELETE_MAX_SHARE", "ORCID_READ_TIMEOUT_SECONDS"]
)
@pytest.mark.parametrize("value", NUMBERS)
def test_a_number_setting_reads_as_pydantic_read_it(variable: str, value: str) -> None:
    assert_read_as_pydantic_did({**BASE, variable: value})


@pytest.mark.parametrize("value", BOOLEANS)
def test_a_boolean_setting_reads_as_pydantic_read_it(value: str) -> None:
    assert_read_as_pydantic_did({**BASE, "COOKIE_SECURE": value})


@pytest.mark.parametrize("variable", ["PUBLIC_BASE_URL", "ORBIT_BASE_URL", "OIDC_ISSUER", "ORCID_BASE_URL"])
@pytest.mark.parametrize("value", URLS)
def test_a_url_setting_reads_and_normalises_as_pydantic_did(variable: str, value: str) -> None:
    assert_read_as_pydantic_did({**BASE, **LOCAL, variable: value})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ORCID_ENVIRONMENT", "production"),
        ("ORCID_ENVIRONMENT", "Sandbox"),
        ("ORCID_ENVIRONMENT", ""),
        ("ORBIT_API_SHAPE", "pure-api"),
        ("ORBIT_API_SHAPE", "ws524 "),
        ("ORBIT_API_SHAPE", "ws524\n"),
        ("EMPLOYER_ROR_ID", "https://ror.org/04qtj9h9"),
        ("EMPLOYER_ROR_ID", "https://ror.org/04qtj9h94\n"),
        ("EMPLOYER_ROR_ID", "https://ror.org/02qtj9h94"),
        ("CONSENTS_TABLE", ""),
        ("CONSENTS_TABLE", " "),
        ("OIDC_CLIENT_ID", ""),
        ("ORBIT_PROFILE_URL", ""),
    ],
)
def test_a_text_or_choice_setting_reads_as_pydantic_read_it(variable: str, value: str) -> None:
    assert_read_as_pydantic_did({**BASE, variable: value})


def test_every_bad_variable_is_named_in_one_error_in_the_order_pydantic_gave() -> None:
    env = {k: v for k, v in BASE.items() if k != "ORBIT_BASE_URL"}
    env.update(ORCID_BURST="0", COOKIE_SECURE="maybe", PUBLIC_BASE_URL="ftp://x.dk", ORCID_ENVIRONMENT="test")

    assert_read_as_pydantic_did(env)
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    for variable in (
        "ORCID_ENVIRONMENT",
        "PUBLIC_BASE_URL",
        "ORCID_BURST",
        "ORBIT_BASE_URL",
        "COOKIE_SECURE",
    ):
        assert f"{variable}: " in str(raised.value)


@given(st.from_regex(r"\A\s?[+-]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,3})?\s?\Z"))
def test_any_number_as_people_write_it_reads_as_pydantic_read_it(value: str) -> None:
    assert_read_as_pydantic_did({**BASE, "ORCID_BURST": value, "MASS_DELETE_MAX_SHARE": value})


@pytest.mark.parametrize("value", ["1_000", "1_0.5", "0-1", "00-1"])
def test_numbers_pydantic_read_in_its_own_way_are_refused(value: str) -> None:
    # pydantic took underscores in some places and not others, and read "0-1" as -1.
    with pytest.raises(SettingsError, match="MASS_DELETE_MIN_WORKS: Input should be a valid integer"):
        Settings.from_env({**BASE, "MASS_DELETE_MIN_WORKS": value})


@given(st.text(alphabet="hts:/\\pHxX.dk@[]:0189 #?%a", max_size=20))
def test_any_url_looking_text_reads_as_pydantic_read_it(value: str) -> None:
    assert_read_as_pydantic_did({**BASE, "PUBLIC_BASE_URL": value})
