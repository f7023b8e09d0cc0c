"""Environment → typed settings. The only module that reads os.environ.

A frozen dataclass parsed by hand, not a pydantic model: building a model's schema of ~50 constrained
fields at import cost every cold start about 40 ms (docs/decisions.md, 2026-11-29). The parsing keeps
pydantic's lax rules and messages for what an environment variable can hold (tests/unit/test_config.py
holds the old model as the oracle), and URLs are parsed by pydantic-core's own `Url`, so they are
normalised exactly as `HttpUrl` did (`https://orbit.dtu.dk` → `https://orbit.dtu.dk/`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic_core import Url, ValidationError


class OrcidEnvironment(StrEnum):
    SANDBOX = "sandbox"
    PRODUCTION = "production"
    # The loopback stand-in of the local stack and the tests; hosts come from ORCID_BASE_URL.
    LOCAL = "local"


_ORCID_HOSTS = {
    OrcidEnvironment.SANDBOX: ("https://sandbox.orcid.org", "https://api.sandbox.orcid.org/v3.0"),
    OrcidEnvironment.PRODUCTION: ("https://orcid.org", "https://api.orcid.org/v3.0"),
}


class SettingsError(RuntimeError):
    """The function's configuration is incomplete or invalid; the message names the variable."""


class _Invalid(ValueError):
    """One variable's value is invalid; the message says why (pydantic's words)."""


Parse = Callable[[str], Any]

# --- parsers: one per kind of setting, with pydantic's lax rules for strings -----------------------------


def _text(min_length: int = 0, pattern: str | None = None) -> Parse:
    compiled = re.compile(pattern) if pattern else None

    def parse(value: str) -> str:
        if len(value) < min_length:
            plural = "" if min_length == 1 else "s"
            raise _Invalid(f"String should have at least {min_length} character{plural}")
        # The whole value: pydantic's `$` (Rust's) does not match before a final newline, as Python's does.
        if compiled is not None and not compiled.fullmatch(value):
            raise _Invalid(f"String should match pattern '{pattern}'")
        return value

    return parse


def _bounded(value: float, gt: float | None, ge: float | None, le: float | None) -> None:
    """pydantic's bounds, checked in its order (the upper bound first, so NaN fails it)."""
    if le is not None and not value <= le:
        raise _Invalid(f"Input should be less than or equal to {le}")
    if ge is not None and not value >= ge:
        raise _Invalid(f"Input should be greater than or equal to {ge}")
    if gt is not None and not value > gt:
        raise _Invalid(f"Input should be greater than {gt}")


# The whitespace pydantic trims around a number: Unicode's White_Space (Python's strip() takes \x1c-\x1f too).
_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# What pydantic reads as an int or a float from a string, written as people write numbers: ASCII
# digits, a sign, surrounding whitespace; an int may end in ".0" (its value is whole). Underscores
# between digits, which pydantic took in some places and not others, are refused.
_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0+)?", re.ASCII)
_NUMBER = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.ASCII | re.I
)


def _integer(ge: int | None = None, le: int | None = None) -> Parse:
    def parse(value: str) -> int:
        text = value.strip(_SPACE)
        if not _INTEGER.fullmatch(text):
            raise _Invalid("Input should be a valid integer, unable to parse string as an integer")
        number = int(text.split(".")[0])
        _bounded(number, None, ge, le)
        return number

    return parse


def _number(gt: float | None = None, ge: float | None = None, le: float | None = None) -> Parse:
    def parse(value: str) -> float:
        text = value.strip(_SPACE)
        if not _NUMBER.fullmatch(text):
            raise _Invalid("Input should be a valid number, unable to parse string as a number")
        number = float(text)
        _bounded(number, gt, ge, le)
        return number

    return parse


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _boolean(value: str) -> bool:
    word = value.lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise _Invalid("Input should be a valid boolean, unable to interpret input")


def _orcid_environment(value: str) -> OrcidEnvironment:
    try:
        return OrcidEnvironment(value)
    except ValueError:
        raise _Invalid("Input should be 'sandbox', 'production' or 'local'") from None


def _http_url(value: str) -> Url:
    """An absolute http(s) URL with a host, parsed and normalised as pydantic's `HttpUrl` does."""
    if len(value) > 2083:
        raise _Invalid("URL should have at most 2083 characters")
    try:
        url = Url(value)
    except ValidationError as exc:
        raise _Invalid(exc.errors()[0]["msg"]) from None
    if url.scheme not in ("http", "https"):
        raise _Invalid("URL scheme should be 'http' or 'https'")
    return url


def _read_by(parse: Parse) -> dict[str, Parse]:
    """A field's metadata: it is read from the variable of its name in capitals, by `parse`."""
    return {"parse": parse}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What every function needs to know about its deployment."""

    orcid_environment: OrcidEnvironment = field(
        default=OrcidEnvironment.SANDBOX, metadata=_read_by(_orcid_environment)
    )
    orcid_client_id: str = field(metadata=_read_by(_text(min_length=1)))
    # Name (or ARN) of the Secrets Manager secret holding the ORCID client secret.
    orcid_client_secret_name: str = field(metadata=_read_by(_text(min_length=1)))
    # Only for ORCID_ENVIRONMENT=local: the stand-in's base URL (OAuth and API under it).
    orcid_base_url: Url | None = field(default=None, metadata=_read_by(_http_url))
    # Public base URL of the HTTP API, e.g. https://orbit-orcid.dtu.dk — builds the redirect URI.
    public_base_url: Url = field(metadata=_read_by(_http_url))
    consents_table: str = field(metadata=_read_by(_text(min_length=1)))
    oauth_states_table: str = field(metadata=_read_by(_text(min_length=1)))
    token_key_id: str = field(metadata=_read_by(_text(min_length=1)))
    sync_jobs_queue_url: str = field(metadata=_read_by(_text(min_length=1)))
    # Only the functions that need them set these (the HTTP function has no work links).
    work_links_table: str | None = field(default=None, metadata=_read_by(_text()))
    affiliation_links_table: str | None = field(default=None, metadata=_read_by(_text()))
    # The employer on researchers' ORCID employments: DTU, with its ROR id (template parameter).
    employer_ror_id: str = field(
        default="https://ror.org/04qtj9h94",
        metadata=_read_by(_text(pattern=r"^https://ror\.org/0[a-z0-9]{8}$")),
    )
    # The table naming the one Orbit person each ORCID iD belongs to (the HTTP function's).
    orcid_claims_table: str | None = field(default=None, metadata=_read_by(_text()))
    # Days a disconnected or declined consent is kept before DynamoDB's TTL deletes it.
    consent_retention_days: int = field(default=365, metadata=_read_by(_integer(ge=1)))
    # Orbit's side of every output of a researcher, for the status page (the worker writes it).
    output_states_table: str | None = field(default=None, metadata=_read_by(_text()))
    # A researcher's Orbit profile page; {person} is their Orbit uuid (the status page links to it).
    orbit_profile_url: str = field(
        default="https://orbit.dtu.dk/en/persons/{person}", metadata=_read_by(_text())
    )
    orbit_events_queue_url: str | None = field(default=None, metadata=_read_by(_text()))
    orbit_events_dlq_url: str | None = field(default=None, metadata=_read_by(_text()))
    sync_jobs_dlq_url: str | None = field(default=None, metadata=_read_by(_text()))
    # The change-feed poller: its cursor table, the queue it feeds (orbit_events_queue_url), its bounds.
    feed_cursor_table: str | None = field(default=None, metadata=_read_by(_text()))
    change_feed_max_pages: int = field(default=20, metadata=_read_by(_integer(ge=1, le=1000)))
    # How long Orbit's Pure keeps changes (its audit log); an older cursor triggers a full reconciliation.
    change_feed_retention_days: int = field(default=30, metadata=_read_by(_integer(ge=1)))
    orbit_api_shape: str = field(default="ws524", metadata=_read_by(_text(pattern="^(ws524|pure-api)$")))
    # Each worker's share of ORCID's 24 requests/s; the template sets it with the worker concurrency.
    orcid_requests_per_second: float = field(default=10.0, metadata=_read_by(_number(gt=0, le=24)))
    orcid_burst: int = field(default=20, metadata=_read_by(_integer(ge=1, le=40)))
    max_contributors: int = field(default=50, metadata=_read_by(_integer(ge=1)))
    # The mass-deletion guard: a full sync deleting more than this many works and more than this
    # share of ours on the record deletes nothing until an operator confirms.
    mass_delete_min_works: int = field(default=10, metadata=_read_by(_integer(ge=0)))
    mass_delete_max_share: float = field(default=0.25, metadata=_read_by(_number(ge=0, le=1)))
    # ORCID member API: read timeout per request, and the first backoff delay of in-call retries.
    orcid_read_timeout_seconds: float = field(default=30.0, metadata=_read_by(_number(gt=0)))
    orcid_retry_base_delay_seconds: float = field(default=0.5, metadata=_read_by(_number(ge=0)))
    orbit_base_url: Url = field(metadata=_read_by(_http_url))
    orbit_api_key_name: str = field(metadata=_read_by(_text(min_length=1)))
    # The ID token claim carrying the signed-in person's Orbit uuid (or employee number resolved via Orbit).
    person_id_claim: str = field(default="sub", metadata=_read_by(_text()))
    # DTU's sign-in (any OpenID Connect provider): its issuer (discovery is under it), our client there,
    # and the Secrets Manager secret with the client secret. Only the HTTP function signs people in.
    oidc_issuer: Url | None = field(default=None, metadata=_read_by(_http_url))
    oidc_client_id: str | None = field(default=None, metadata=_read_by(_text()))
    oidc_client_secret_name: str | None = field(default=None, metadata=_read_by(_text()))
    oidc_scopes: str = field(default="openid profile email", metadata=_read_by(_text()))
    # Sessions: an opaque id in a browser cookie, the session in this table (TTL sweeps expired ones).
    sessions_table: str | None = field(default=None, metadata=_read_by(_text()))
    session_idle_minutes: int = field(default=30, metadata=_read_by(_integer(ge=5, le=240)))
    session_max_hours: int = field(default=8, metadata=_read_by(_integer(ge=1, le=24)))
    state_ttl_seconds: int = field(default=600, metadata=_read_by(_integer(ge=60, le=3600)))
    # Secure cookies need https; the local stack on http://localhost turns this off.
    cookie_secure: bool = field(default=True, metadata=_read_by(_boolean))
    http_timeout_seconds: float = field(default=10.0, metadata=_read_by(_number(gt=0)))

    def require(self, name: str) -> str:
        """A setting this function cannot work without; the error names the variable."""
        value = getattr(self, name)
        if not value:
            raise SettingsError(f"{name.upper()} is required by this function")
        return str(value)

    @property
    def orcid_oauth_base(self) -> str:
        if self.orcid_environment is OrcidEnvironment.LOCAL:
            return str(self.orcid_base_url).rstrip("/")
        return _ORCID_HOSTS[self.orcid_environment][0]

    @property
    def orcid_api_base(self) -> str:
        if self.orcid_environment is OrcidEnvironment.LOCAL:
            return str(self.orcid_base_url).rstrip("/") + "/v3.0"
        return _ORCID_HOSTS[self.orcid_environment][1]

    @property
    def redirect_uri(self) -> str:
        return str(self.public_base_url).rstrip("/") + "/orcid/callback"

    @property
    def sign_in_redirect_uri(self) -> str:
        return str(self.public_base_url).rstrip("/") + "/auth/callback"

    @property
    def public_origin(self) -> str:
        """scheme://host[:port] of PUBLIC_BASE_URL, as a browser writes it in `Origin`."""
        url = self.public_base_url
        default = {"https": 443, "http": 80}.get(url.scheme)
        port = f":{url.port}" if url.port and url.port != default else ""
        return f"{url.scheme}://{url.host}{port}"

    @property
    def orcid_issuer(self) -> str:
        """The `iss` of ORCID's OpenID Connect ID tokens: the site's base URL."""
        return self.orcid_oauth_base

    @property
    def orcid_jwks_url(self) -> str:
        return self.orcid_oauth_base + "/oauth/jwks"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from the environment (or `environ`): every invalid or missing variable is named
        in one SettingsError, as `NAME: why`, in the order of the fields.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        problems: list[str] = []
        for setting in dataclasses.fields(cls):
            variable = setting.name.upper()
            if variable not in env:
                if setting.default is dataclasses.MISSING:
                    problems.append(f"{variable}: Field required")
                continue
            try:
                values[setting.name] = setting.metadata["parse"](env[variable])
            except _Invalid as exc:
                problems.append(f"{variable}: {exc}")
        if problems:
            raise SettingsError(f"invalid configuration: {'; '.join(problems)}")
        settings = cls(**values)
        if settings.orcid_environment is OrcidEnvironment.LOCAL and settings.orcid_base_url is None:
            raise SettingsError("ORCID_BASE_URL is required when ORCID_ENVIRONMENT=local")
        return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once per Lambda execution environment."""
    return Settings.from_env()
