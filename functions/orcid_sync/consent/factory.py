"""Builds the consent service from settings: the only place that knows which adapter serves which port."""

from __future__ import annotations

from datetime import timedelta

import requests

from orcid_sync.config import Settings
from orcid_sync.connections import orbit_http, read_secret
from orcid_sync.consent.choices import ChoiceService, OutputsReader
from orcid_sync.consent.service import ConsentService
from orcid_sync.jobs.sync_jobs import SyncJobQueue
from orcid_sync.orbit.persons import OrbitPersons
from orcid_sync.orcid.oauth import OrcidOAuthClient
from orcid_sync.store.consents import ConsentStore
from orcid_sync.store.oauth_states import OAuthStateStore
from orcid_sync.store.output_states import OutputStateStore
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.store.work_links import WorkLinkStore


def build_consent_service(settings: Settings, session: requests.Session | None = None) -> ConsentService:
    # Only the HTTP function verifies ID tokens; PyJWT loads at the first verification (oidc/id_token.py).
    from orcid_sync.oidc.id_token import IdTokenVerifier

    http = session or requests.Session()
    return ConsentService(
        consents=ConsentStore(settings.consents_table, claims_table=settings.orcid_claims_table),
        states=OAuthStateStore(settings.oauth_states_table),
        cipher=TokenCipher(settings.token_key_id),
        oauth=OrcidOAuthClient(
            settings.orcid_oauth_base,
            settings.orcid_client_id,
            lambda: read_secret(settings.orcid_client_secret_name),
            session=http,
            timeout=settings.http_timeout_seconds,
            id_tokens=IdTokenVerifier(
                settings.orcid_jwks_url,
                settings.orcid_issuer,
                settings.orcid_client_id,
                timeout=settings.http_timeout_seconds,
            ),
        ),
        jobs=SyncJobQueue(settings.sync_jobs_queue_url),
        persons=OrbitPersons(orbit_http(settings, http)),
        redirect_uri=settings.redirect_uri,
        state_ttl=timedelta(seconds=settings.state_ttl_seconds),
        retention=timedelta(days=settings.consent_retention_days),
    )


def build_choice_service(settings: Settings, service: ConsentService) -> ChoiceService:
    return ChoiceService(consents=service.consents, jobs=service.jobs, clock=service.clock)


def build_outputs_reader(settings: Settings) -> OutputsReader | None:
    """None when the function is not given both tables (the page then lists no outputs)."""
    if not settings.work_links_table or not settings.output_states_table:
        return None
    links = WorkLinkStore(settings.work_links_table)
    return OutputsReader(links, OutputStateStore(settings.output_states_table))
