"""The nightly fan-out: one full-sync job per researcher with an active consent. No ORCID call here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orcid_sync.jobs.sync_jobs import BATCH_SIZE, SyncJob, SyncJobQueue, nightly_job
from orcid_sync.store.consents import ConsentStore


@dataclass(frozen=True)
class FanOutResult:
    night: str
    jobs: int


def fan_out(consents: ConsentStore, jobs: SyncJobQueue, night: date) -> FanOutResult:
    """Queue the night's jobs in full batches of 10; a page's last few wait for the next page's."""
    queued = 0
    waiting: list[SyncJob] = []
    for page in consents.active_person_ids():
        waiting.extend(nightly_job(person, night.isoformat()) for person in page)
        full = len(waiting) - len(waiting) % BATCH_SIZE
        jobs.enqueue_many(waiting[:full])
        queued += full
        waiting = waiting[full:]
    jobs.enqueue_many(waiting)
    return FanOutResult(night.isoformat(), queued + len(waiting))
