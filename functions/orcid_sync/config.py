"""Environment → typed settings. The only module that reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError


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


class Settings(BaseModel):
    """What every function needs to know about its deployment."""

    model_config = ConfigDict(frozen=True)

    orcid_environment: OrcidEnvironment = OrcidEnvironment.SANDBOX
    orcid_client_id: str = Field(min_length=1)
    # Name (or ARN) of the Secrets Manager secret holding the ORCID client secret.
    orcid_client_secret_name: str = Field(min_length=1)
    # Only for ORCID_ENVIRONMENT=local: the stand-in's base URL (OAuth and API under it).
    orcid_base_url: HttpUrl | None = None
    # Public base URL of the HTTP API, e.g. https://orbit-orcid.dtu.dk — builds the redirect URI.
    public_base_url: HttpUrl
    consents_table: str = Field(min_length=1)
    oauth_states_table: str = Field(min_length=1)
    token_key_id: str = Field(min_length=1)
    sync_jobs_queue_url: str = Field(min_length=1)
    # Only the functions that need them set these (the HTTP function has no work links).
    work_links_table: str | None = None
    affiliation_links_table: str | None = None
    # The employer on researchers' ORCID employments: DTU, with its ROR id (template parameter).
    employer_ror_id: str = Field(
        default="https://ror.org/04qtj9h94", pattern=r"^https://ror\.org/0[a-z0-9]{8}$"
    )
    # The table naming the one Orbit person each ORCID iD belongs to (the HTTP function's).
    orcid_claims_table: str | None = None
    # Days a disconnected or declined consent is kept before DynamoDB's TTL deletes it.
    consent_retention_days: int = Field(default=365, ge=1)
    # Orbit's side of every output of a researcher, for the status page (the worker writes it).
    output_states_table: str | None = None
    # A researcher's Orbit profile page; {person} is their Orbit uuid (the status page links to it).
    orbit_profile_url: str = "https://orbit.dtu.dk/en/persons/{person}"
    orbit_events_queue_url: str | None = None
    orbit_events_dlq_url: str | None = None
    sync_jobs_dlq_url: str | None = None
    # The change-feed poller: its cursor table, the queue it feeds (orbit_events_queue_url), its bounds.
    feed_cursor_table: str | None = None
    change_feed_max_pages: int = Field(default=20, ge=1, le=1000)
    # How long Orbit's Pure keeps changes (its audit log); an older cursor triggers a full reconciliation.
    change_feed_retention_days: int = Field(default=30, ge=1)
    orbit_api_shape: str = Field(default="ws524", pattern="^(ws524|pure-api)$")
    # Each worker's share of ORCID's 24 requests/s; the template sets it with the worker concurrency.
    orcid_requests_per_second: float = Field(default=10.0, gt=0, le=24)
    orcid_burst: int = Field(default=20, ge=1, le=40)
    max_contributors: int = Field(default=50, ge=1)
    # The mass-deletion guard: a full sync deleting more than this many works and more than this
    # share of ours on the record deletes nothing until an operator confirms.
    mass_delete_min_works: int = Field(default=10, ge=0)
    mass_delete_max_share: float = Field(default=0.25, ge=0, le=1)
    # ORCID member API: read timeout per request, and the first backoff delay of in-call retries.
    orcid_read_timeout_seconds: float = Field(default=30.0, gt=0)
    orcid_retry_base_delay_seconds: float = Field(default=0.5, ge=0)
    orbit_base_url: HttpUrl
    orbit_api_key_name: str = Field(min_length=1)
    # The ID token claim carrying the signed-in person's Orbit uuid (or employee number resolved via Orbit).
    person_id_claim: str = "sub"
    # DTU's sign-in (any OpenID Connect provider): its issuer (discovery is under it), our client there,
    # and the Secrets Manager secret with the client secret. Only the HTTP function signs people in.
    oidc_issuer: HttpUrl | None = None
    oidc_client_id: str | None = None
    oidc_client_secret_name: str | None = None
    oidc_scopes: str = "openid profile email"
    # Sessions: an opaque id in a browser cookie, the session in this table (TTL sweeps expired ones).
    sessions_table: str | None = None
    session_idle_minutes: int = Field(default=30, ge=5, le=240)
    session_max_hours: int = Field(default=8, ge=1, le=24)
    state_ttl_seconds: int = Field(default=600, ge=60, le=3600)
    # Secure cookies need https; the local stack on http://localhost turns this off.
    cookie_secure: bool = True
    http_timeout_seconds: float = Field(default=10.0, gt=0)

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
        env = os.environ if environ is None else environ
        fields = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        try:
            settings = cls.model_validate(fields)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
            )
            raise SettingsError(f"invalid configuration: {problems}") from None
        if settings.orcid_environment is OrcidEnvironment.LOCAL and settings.orcid_base_url is None:
            raise SettingsError("ORCID_BASE_URL is required when ORCID_ENVIRONMENT=local")
        return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once per Lambda execution environment."""
    return Settings.from_env()
