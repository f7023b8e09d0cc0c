"""The nightly fan-out: one full-sync job per researcher with an active consent. No ORCID call here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job
from orcid_sync.store.consents import ConsentStore


@dataclass(frozen=True)
class FanOutResult:
    night: str
    jobs: int


def fan_out(consents: ConsentStore, jobs: SyncJobQueue, night: date) -> FanOutResult:
    queued = 0
    for page in consents.active_person_ids():
        jobs.enqueue_many([nightly_job(person, night.isoformat()) for person in page])
        queued += len(page)
    return FanOutResult(night.isoformat(), queued)
