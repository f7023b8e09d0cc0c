"""What the status page shows after a job: counts and problems derived from the links and the run. No I/O.

The summary is rebuilt after every job, event jobs included, so that it is always true:
- `on_orcid` counts our links for this iD that say the work is on the record;
- per-output problems come from the links (refused, duplicate) and from the outputs whose work could
  not be built or whose Orbit record could not be read; an event job replaces only its output's entry;
- a run problem stays until a run shows it is gone: a full sync decides all of them; an event job
  clears only those an event job can disprove (the record took a write again, ORCID accepted a call).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.store.consents import SyncSummary

if TYPE_CHECKING:
    from orcid_sync.sync.employment_jobs import AffiliationReport


class RunProblem(StrEnum):
    """What stopped or limited a run. Codes are stable: the status page and operators read them."""

    REVOKED = "revoked"
    RECORD_UNAVAILABLE = "record_unavailable"  # locked, deactivated, unclaimed, not found
    RECORD_MERGED = "record_merged"
    ORCID_REFUSED = "orcid_refused"  # a refusal of the whole call that no retry fixes
    ORBIT_LIST_UNKNOWN = "orbit_list_unknown"  # the person's list of outputs could not be read
    ORBIT_LIST_INCOMPLETE = "orbit_list_incomplete"  # an output in it could not be identified
    MASS_DELETION_HELD = "mass_deletion_held"


# Only a full sync can show these are gone: an event job reads neither the list nor the whole record.
FULL_SYNC_ONLY = frozenset(
    {RunProblem.ORBIT_LIST_UNKNOWN, RunProblem.ORBIT_LIST_INCOMPLETE, RunProblem.MASS_DELETION_HELD}
)


@dataclass
class RunReport:
    """One job's outcome, as the summary needs it."""

    full: bool
    created: int = 0
    updated: int = 0
    deleted: int = 0
    failed: int = 0
    problem: RunProblem | None = None
    problem_text: str | None = None
    problem_args: dict[str, str] = field(default_factory=dict)  # see SyncSummary.run_problem_args
    # Outputs this job looked at (an event job: one) and, of those, the ones it could not send.
    looked_at: Collection[str] = ()
    unsendable: dict[str, str] = field(default_factory=dict)
    held_deletions: int = 0
    left_alone: int | None = None  # None: not counted (no read of the record)
    private: int | None = None
    affiliations: AffiliationReport | None = None  # None: this job did not look at employment


def summarize(
    previous: SyncSummary | None,
    links: Mapping[str, WorkLink],
    orcid: str,
    report: RunReport,
    now: datetime,
) -> SyncSummary:
    """The summary after a job: counts from `links` (read after the job), problems carried or replaced."""
    mine = [link for link in links.values() if link.is_for(orcid)]
    if report.full or previous is None:
        unsendable = dict(report.unsendable)
    else:
        unsendable = {
            pid: why for pid, why in previous.unsendable.items() if pid not in set(report.looked_at)
        }
        unsendable.update(report.unsendable)
    problems = {link.publication_id: _link_problem(link) for link in mine if _link_problem(link)}
    problems.update(unsendable)
    run_problem, run_text, run_args = _run_problem(previous, report)
    return SyncSummary(
        last_run_at=now,
        on_orcid=sum(1 for link in mine if link.state is LinkState.SYNCED and link.put_code is not None),
        created=report.created,
        updated=report.updated,
        deleted=report.deleted,
        failed=report.failed,
        problem=_headline(run_text, problems, _carry(previous, report.private, "private")),
        run_problem=run_problem,
        run_problem_text=run_text,
        run_problem_args=run_args,
        problems=problems,
        unsendable=unsendable,
        held_deletions=report.held_deletions if report.full else _carry(previous, None, "held_deletions"),
        left_alone=_carry(previous, report.left_alone, "left_alone"),
        private=_carry(previous, report.private, "private"),
    )


def _link_problem(link: WorkLink) -> str:
    if link.state is LinkState.REJECTED:
        return f"ORCID refused it: {link.message or 'no reason given'}"
    if link.state is LinkState.DUPLICATE_OF:
        return link.message or f"same identifier as Orbit output {link.duplicate_of}"
    return ""


def _run_problem(
    previous: SyncSummary | None, report: RunReport
) -> tuple[str | None, str | None, dict[str, str]]:
    if report.problem is not None:
        return report.problem.value, report.problem_text, dict(report.problem_args)
    if report.full or previous is None or previous.run_problem is None:
        return None, None, {}
    if previous.run_problem in FULL_SYNC_ONLY:
        return previous.run_problem, previous.run_problem_text, dict(previous.run_problem_args)
    return None, None, {}


def _carry(previous: SyncSummary | None, value: int | None, name: str) -> int:
    if value is not None:
        return value
    return int(getattr(previous, name)) if previous is not None else 0


def _headline(run_text: str | None, problems: Mapping[str, str], private: int) -> str | None:
    if run_text:
        return run_text
    if problems:
        first_pid, first = sorted(problems.items())[0]
        more = len(problems) - 1
        return f"Orbit output {first_pid}: {first}" + (f" (and {more} more)" if more else "")
    if private:
        return (
            f"{private} of your works on ORCID are private, so nobody else can see them; "
            "you can change their visibility (or your default visibility) on orcid.org"
        )
    return None
