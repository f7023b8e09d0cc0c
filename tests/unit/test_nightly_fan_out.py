"""The nightly fan-out sends full batches of 10 across scan pages: ceil(jobs / 10) SendMessageBatch calls."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from orcid_sync.jobs.sync_jobs import JobKind, SyncJob
from orcid_sync.sync.nightly import fan_out


class Pages:
    def __init__(self, *sizes: int) -> None:
        self.sizes = sizes

    def active_person_ids(self, page_size: int = 1000) -> Iterator[list[str]]:
        number = 0
        for size in self.sizes:
            yield [f"person-{number + i}" for i in range(size)]
            number += size


class Sent:
    def __init__(self) -> None:
        self.batches: list[int] = []
        self.jobs: list[SyncJob] = []

    def enqueue_many(self, jobs: Sequence[SyncJob]) -> None:
        for start in range(0, len(jobs), 10):
            self.batches.append(len(jobs[start : start + 10]))
        self.jobs.extend(jobs)


def test_pages_that_do_not_end_on_a_multiple_of_ten_still_fill_every_batch_but_the_last() -> None:
    sent = Sent()

    result = fan_out(Pages(7, 5, 13, 1), sent, date(2026, 11, 25))  # type: ignore[arg-type]

    assert sent.batches == [10, 10, 6]
    assert result.jobs == 26
    assert [job.person_id for job in sent.jobs] == [f"person-{n}" for n in range(26)]
    assert {(job.kind, job.version) for job in sent.jobs} == {(JobKind.FULL, "2026-11-25")}


def test_no_active_consent_sends_nothing() -> None:
    sent = Sent()

    assert fan_out(Pages(), sent, date(2026, 11, 25)).jobs == 0  # type: ignore[arg-type]
    assert sent.batches == []
