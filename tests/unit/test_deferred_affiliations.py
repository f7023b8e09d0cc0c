"""The worker builds its employment sync at the first full job; a job about one output never needs it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from orcid_sync.jobs.sync_jobs import JobKind, SyncJob
from orcid_sync.store.consents import Consent, ConsentStatus
from orcid_sync.sync.employment_jobs import (
    FORMER_STAFF_PAUSE,
    AffiliationReport,
    DeferredAffiliationSync,
    Prepared,
)

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _consent(former_staff: bool = False) -> Consent:
    return Consent(
        person_id="p",
        status=ConsentStatus.ACTIVE,
        orcid="0000-0002-1825-0097",
        changed_at=NOW,
        former_staff_since=NOW if former_staff else None,
    )


def _job(kind: JobKind) -> SyncJob:
    output = "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10" if kind is JobKind.OUTPUT else None
    return SyncJob(kind=kind, person_id="p", publication_id=output, reason="event", version="1")


class FakeEmploymentSync:
    """Stands for AffiliationSync: notes what it was asked."""

    def __init__(self) -> None:
        self.prepared: list[SyncJob] = []

    def prepare(self, job: SyncJob, consent: Consent) -> Prepared:
        self.prepared.append(job)
        return Prepared(None)

    def sync(self, prepared: Prepared, consent: Consent, runner: Any, restore: bool) -> AffiliationReport:
        return AffiliationReport(employments=1)


class Builds:
    def __init__(self) -> None:
        self.count = 0
        self.built = FakeEmploymentSync()

    def __call__(self) -> FakeEmploymentSync:
        self.count += 1
        return self.built


def test_a_job_about_one_output_builds_nothing_and_goes_on() -> None:
    build = Builds()
    deferred = DeferredAffiliationSync(build)

    prepared = deferred.prepare(_job(JobKind.OUTPUT), _consent())

    assert prepared == Prepared(None)
    assert build.count == 0


def test_a_job_about_one_output_of_former_staff_is_skipped_without_building() -> None:
    build = Builds()

    prepared = DeferredAffiliationSync(build).prepare(_job(JobKind.OUTPUT), _consent(former_staff=True))

    assert prepared.skip == FORMER_STAFF_PAUSE
    assert build.count == 0


def test_full_jobs_build_the_employment_sync_once_and_use_it() -> None:
    build = Builds()
    deferred = DeferredAffiliationSync(build)

    deferred.prepare(_job(JobKind.FULL), _consent())
    deferred.prepare(_job(JobKind.FULL), _consent())
    report = deferred.sync(Prepared(None), _consent(), runner=None, restore=False)

    assert build.count == 1
    assert len(build.built.prepared) == 2
    assert report.employments == 1


def test_full_jobs_on_many_threads_at_once_build_it_once() -> None:
    build = Builds()
    deferred = DeferredAffiliationSync(build)
    start = threading.Barrier(8)

    def full_job() -> None:
        start.wait(timeout=30)
        deferred.prepare(_job(JobKind.FULL), _consent())

    threads = [threading.Thread(target=full_job) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert build.count == 1
    assert len(build.built.prepared) == 8
