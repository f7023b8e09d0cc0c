"""The nightly fan-out: one full-sync job per researcher with an active consent. No ORCID call here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from orcid_sync.jobs.sync_jobs import BATCH_SIZE, SyncJob, SyncJobQueue, nightly_job
from orcid_sync.store.consents import ConsentStore


@dataclass(frozen=True)
class FanOutResult:
    night: str
    jobs: int


def fan_out(consents: ConsentStore, jobs: SyncJobQueue, night: date) -> FanOutResult:
    """Queue the night's jobs, one per active consent."""
    count = queue_full_syncs(consents, jobs, lambda person: nightly_job(person, night.isoformat()))
    return FanOutResult(night.isoformat(), count)


def queue_full_syncs(consents: ConsentStore, jobs: SyncJobQueue, job_for: Callable[[str], SyncJob]) -> int:
    """One job per active consent, in full batches of 10 (a page's last few wait for the next page's).

    Also the change-feed poller's full reconciliation, when the feed lost changes. Returns the count.
    """
    queued = 0
    waiting: list[SyncJob] = []
    for page in consents.active_person_ids():
        waiting.extend(job_for(person) for person in page)
        full = len(waiting) - len(waiting) % BATCH_SIZE
        jobs.enqueue_many(waiting[:full])
        queued += full
        waiting = waiting[full:]
    jobs.enqueue_many(waiting)
    return queued + len(waiting)
