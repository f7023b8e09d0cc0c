"""The employment part of a sync job as the sync service sees it, without what doing it needs.

`AffiliationSync` (sync/affiliations.py) does that part of a full job; loading it loads Orbit's staff
models and the employment planner, about a twentieth of the worker's cold start. A job about one output
only asks whether the researcher is paused as former staff, which their consent answers: so the worker
builds AffiliationSync at its first full job (`DeferredAffiliationSync`), and a cold start that begins
with output jobs never loads it (docs/decisions.md, 2026-11-29).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from orcid_sync.jobs.sync_jobs import JobKind, SyncJob

if TYPE_CHECKING:
    from orcid_sync.orbit.staff import PersonStaff
    from orcid_sync.store.consents import Consent, SyncSummary
    from orcid_sync.sync.apply import PlanRunner

FORMER_STAFF_PAUSE = "paused: the researcher left DTU"


@dataclass
class AffiliationReport:
    """What the affiliation part of a job found and did, for the summary and the logs."""

    employments: int = 0  # ours on the record for this iD after the job, by our links
    problems: dict[str, str] = field(default_factory=dict)  # association → what keeps it off or unsure
    created: int = 0
    updated: int = 0
    paused: bool = False
    resumed: bool = False


@dataclass(frozen=True)
class Prepared:
    """The start of a job: the person's associations (full jobs), or why the job does nothing."""

    staff: PersonStaff | None
    skip: str | None = None
    problem: str | None = None  # why the associations are unknown (nothing about them is concluded)
    resumed: bool = False


def prepared_without_reading(consent: Consent) -> Prepared:
    """The start of a job that reads no associations (not a full job): paused former staff skip it."""
    return Prepared(None, skip=FORMER_STAFF_PAUSE if consent.former_staff_since is not None else None)


class EmploymentSync(Protocol):
    def prepare(self, job: SyncJob, consent: Consent) -> Prepared: ...

    def sync(
        self, prepared: Prepared, consent: Consent, runner: PlanRunner, restore: bool
    ) -> AffiliationReport: ...


class DeferredAffiliationSync:
    """An EmploymentSync that builds the real one (`build`) at the first full job, once, for all threads."""

    def __init__(self, build: Callable[[], EmploymentSync]) -> None:
        self._build = build
        self._built: EmploymentSync | None = None
        self._building = threading.Lock()

    def prepare(self, job: SyncJob, consent: Consent) -> Prepared:
        if job.kind is not JobKind.FULL:
            return prepared_without_reading(consent)
        return self._sync().prepare(job, consent)

    def sync(
        self, prepared: Prepared, consent: Consent, runner: PlanRunner, restore: bool
    ) -> AffiliationReport:
        return self._sync().sync(prepared, consent, runner, restore)

    @property
    def built(self) -> bool:
        return self._built is not None

    def _sync(self) -> EmploymentSync:
        with self._building:
            if self._built is None:
                self._built = self._build()
            return self._built


def with_affiliations(
    summary: SyncSummary, previous: SyncSummary | None, report: AffiliationReport | None
) -> SyncSummary:
    """The summary with the employment part of this job, or the previous one's (jobs that did not look)."""
    if report is not None:
        return summary.model_copy(
            update={"employments": report.employments, "employment_problems": report.problems}
        )
    if previous is None:
        return summary
    return summary.model_copy(
        update={"employments": previous.employments, "employment_problems": previous.employment_problems}
    )
