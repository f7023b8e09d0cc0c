"""The event router: which researchers with an active consent does a change to one output concern?

The authors of the output as Orbit has it now, plus every researcher holding a link to it (a deletion
names only the uuid, and a removed author must have the work deleted from their record). One job per
researcher goes to `sync-jobs`; the worker re-reads Orbit, so the event itself carries no content, only
when Orbit last changed the output as the router read it: a job about a change already pushed is
dropped by the worker without a read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, SyncJobQueue
from orcid_sync.orbit.research_outputs import OrbitResearchOutputs, OutputRead
from orcid_sync.store.consents import ConsentStatus, ConsentStore
from orcid_sync.store.work_links import WorkLinkStore
from orcid_sync.sync.events import ChangeKind, OrbitEvent


@dataclass
class EventRouter:
    consents: ConsentStore
    links: WorkLinkStore
    orbit: OrbitResearchOutputs
    jobs: SyncJobQueue
    # Orbit's answers in this batch, by output: events of one batch were all sent before it was
    # received, so one read made while routing it holds every change they are about.
    _reads: dict[str, OutputRead] = field(default_factory=dict)

    def new_batch(self) -> None:
        """Forget the previous batch's reads (call before routing each batch)."""
        self._reads.clear()

    def route(self, event: OrbitEvent, fallback_version: str) -> list[SyncJob]:
        """Queue one job per affected, consenting researcher; returns the jobs queued.

        `fallback_version` (the message id) stands in when Orbit sent no version, so two distinct
        version-less events are not taken for duplicates.
        """
        pid = event.publication_id
        affected = set(self.links.holders_of(pid))
        modified = None
        if event.change is not ChangeKind.DELETED:
            read = self._reads.get(pid) or self._reads.setdefault(pid, self.orbit.read(pid))
            if read.publication is not None:
                affected |= {a.person_uuid.lower() for a in read.publication.authors if a.person_uuid}
                modified = read.modified  # the worker needs no read if it already pushed this
        version = str(event.version) if event.version is not None else fallback_version
        jobs = [
            SyncJob(
                kind=JobKind.OUTPUT,
                person_id=person,
                publication_id=pid,
                reason="event",
                version=version,
                orbit_modified=modified,
            )
            for person in sorted(affected)
            if self._consents_actively(person)
        ]
        self.jobs.enqueue_many(jobs)
        return jobs

    def _consents_actively(self, person_id: str) -> bool:
        consent = self.consents.get(person_id)
        return consent is not None and consent.status is ConsentStatus.ACTIVE
