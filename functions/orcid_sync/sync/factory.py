"""Builds the sync worker's, the event router's and the change-feed poller's services from settings.

Each builder imports what it builds, inside it: a function's cold start then loads only its own service
(the router and the poller never load the ORCID client, the planner or the sync service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from orcid_sync.config import Settings
from orcid_sync.connections import orbit_http
from orcid_sync.orcid.pacing import RetryPolicy, TokenBucket  # the standard library only (a bench patches it)

if TYPE_CHECKING:
    from orcid_sync.orbit.research_outputs import OrbitResearchOutputs
    from orcid_sync.store.consents import ConsentStore
    from orcid_sync.sync.affiliations import AffiliationSync
    from orcid_sync.sync.change_feed import ChangeFeedPoller
    from orcid_sync.sync.employment_jobs import DeferredAffiliationSync
    from orcid_sync.sync.router import EventRouter
    from orcid_sync.sync.service import SyncService


def _orbit(settings: Settings, session: requests.Session) -> OrbitResearchOutputs:
    from orcid_sync.orbit.research_outputs import OrbitApiShape, OrbitResearchOutputs

    return OrbitResearchOutputs(orbit_http(settings, session), OrbitApiShape(settings.orbit_api_shape))


def _affiliations(
    settings: Settings, session: requests.Session, consents: ConsentStore
) -> DeferredAffiliationSync | None:
    """The employment sync, built at the first full job: output jobs never load it."""
    from orcid_sync.sync.employment_jobs import DeferredAffiliationSync

    if not settings.affiliation_links_table:
        return None
    return DeferredAffiliationSync(lambda: _build_affiliations(settings, session, consents))


def _build_affiliations(
    settings: Settings, session: requests.Session, consents: ConsentStore
) -> AffiliationSync:
    from orcid_sync.orbit.research_outputs import OrbitApiShape
    from orcid_sync.orbit.staff import OrbitStaff
    from orcid_sync.store.affiliation_links import AffiliationLinkStore
    from orcid_sync.sync.affiliations import AffiliationSync
    from orcid_sync.sync.employment_mapping import DTU

    return AffiliationSync(
        orbit=OrbitStaff(orbit_http(settings, session), OrbitApiShape(settings.orbit_api_shape)),
        links=AffiliationLinkStore(settings.require("affiliation_links_table")),
        consents=consents,
        employer=DTU.model_copy(update={"ror": settings.employer_ror_id}),
    )


def build_sync_service(settings: Settings, session: requests.Session | None = None) -> SyncService:
    from orcid_sync.orcid.client import OrcidWorksClient
    from orcid_sync.store.consents import ConsentStore
    from orcid_sync.store.output_states import OutputStateStore
    from orcid_sync.store.token_cipher import TokenCipher
    from orcid_sync.store.work_links import WorkLinkStore
    from orcid_sync.sync.outputs import OutputRecorder
    from orcid_sync.sync.planner import DeletionLimits
    from orcid_sync.sync.service import SyncService

    http = session or requests.Session()
    consents = ConsentStore(settings.consents_table)
    return SyncService(
        consents=consents,
        links=WorkLinkStore(settings.require("work_links_table")),
        cipher=TokenCipher(settings.token_key_id),
        orcid=OrcidWorksClient(
            settings.orcid_api_base,
            settings.orcid_client_id,
            session=http,
            # This worker's share of ORCID's limit; the template caps how many workers run at once.
            pacer=TokenBucket(rate=settings.orcid_requests_per_second, burst=settings.orcid_burst),
            timeout=(3.05, settings.orcid_read_timeout_seconds),
            retry=RetryPolicy(base_delay=settings.orcid_retry_base_delay_seconds),
        ),
        orbit=_orbit(settings, http),
        max_contributors=settings.max_contributors,
        deletion_limits=DeletionLimits(settings.mass_delete_min_works, settings.mass_delete_max_share),
        affiliations=_affiliations(settings, http, consents),
        outputs=(
            OutputRecorder(OutputStateStore(settings.output_states_table))
            if settings.output_states_table
            else None
        ),
    )


def build_event_router(settings: Settings, session: requests.Session | None = None) -> EventRouter:
    from orcid_sync.jobs.sync_jobs import SyncJobQueue
    from orcid_sync.store.consents import ConsentStore
    from orcid_sync.store.work_links import WorkLinkStore
    from orcid_sync.sync.router import EventRouter

    http = session or requests.Session()
    return EventRouter(
        consents=ConsentStore(settings.consents_table),
        links=WorkLinkStore(settings.require("work_links_table")),
        orbit=_orbit(settings, http),
        jobs=SyncJobQueue(settings.sync_jobs_queue_url),
    )


def build_change_feed_poller(settings: Settings, session: requests.Session | None = None) -> ChangeFeedPoller:
    from datetime import timedelta

    from orcid_sync.jobs.orbit_events import OrbitEventsQueue
    from orcid_sync.jobs.sync_jobs import SyncJobQueue
    from orcid_sync.orbit.changes import ChangeFeed
    from orcid_sync.store.consents import ConsentStore
    from orcid_sync.store.feed_cursor import FeedCursorStore
    from orcid_sync.sync.change_feed import ChangeFeedPoller, PollLimits

    http = session or requests.Session()
    return ChangeFeedPoller(
        feed=ChangeFeed(orbit_http(settings, http)),
        cursors=FeedCursorStore(settings.require("feed_cursor_table")),
        events=OrbitEventsQueue(
            settings.require("orbit_events_queue_url"), settings.require("orbit_events_dlq_url")
        ),
        jobs=SyncJobQueue(settings.sync_jobs_queue_url),
        consents=ConsentStore(settings.consents_table),
        limits=PollLimits(
            max_pages=settings.change_feed_max_pages,
            retention=timedelta(days=settings.change_feed_retention_days),
        ),
    )
