"""Keeping `output_states` in step with what Orbit said in this job: only changes are written.

A full sync that read the person's whole list replaces the researcher's states (outputs gone from the
list are dropped; a list cut short drops nothing). A job about one output replaces that output's state,
or drops it when Orbit no longer has it or the researcher is not on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.publication import Publication
from orcid_sync.store.output_states import DETAIL_MAX, TITLE_MAX, OutputState, OutputStateStore, clipped
from orcid_sync.sync.choices import kind_of


class OutputProblem:
    """Why an output that may go to ORCID could not be sent (stable codes: the page translates them)."""

    UNBUILDABLE = "unbuildable"  # Orbit's record does not make a valid ORCID work
    UNREADABLE = "unreadable"  # Orbit's answer for it could not be read
    AMBIGUOUS = "ambiguous"  # it matches several works of Pure's earlier export


# Per output: (problem code, detail).
Problems = Mapping[str, tuple[str, str]]


def state_of(person_id: str, publication: Publication, problems: Problems) -> OutputState:
    pid = publication.uuid.lower()
    eligibility = check_eligibility(publication)
    problem, detail = problems.get(pid, (None, None))
    return OutputState(
        person_id=person_id,
        publication_id=pid,
        title=clipped(publication.title, TITLE_MAX),
        kind=kind_of(publication),
        year=publication.publication_date.year if publication.publication_date else None,
        url=clipped(publication.portal_url, 1000),
        stays=eligibility.reason.value if eligibility.reason else None,
        problem=problem,
        detail=clipped(detail, DETAIL_MAX),
    )


def is_theirs(publication: Publication, person_id: str) -> bool:
    return any((a.person_uuid or "").lower() == person_id.lower() for a in publication.authors)


@dataclass
class OutputRecorder:
    store: OutputStateStore

    def full(
        self,
        person_id: str,
        publications: list[Publication],
        unreadable: Mapping[str, str],
        problems: Problems,
        *,
        complete: bool,
    ) -> int:
        """Record the person's whole list; returns how many items were written or dropped."""
        stored = self.store.of_person(person_id)
        wanted = {
            p.uuid.lower(): state_of(person_id, p, problems) for p in publications if is_theirs(p, person_id)
        }
        for pid, why in unreadable.items():
            before = stored.get(pid) or OutputState(person_id=person_id, publication_id=pid)
            wanted[pid] = before.model_copy(
                update={"problem": OutputProblem.UNREADABLE, "detail": clipped(why, DETAIL_MAX)}
            )
        puts = [state for pid, state in wanted.items() if stored.get(pid) != state]
        drops = [(person_id, pid) for pid in stored if pid not in wanted] if complete else []
        self.store.write(puts, drops)
        return len(puts) + len(drops)

    def one(
        self, person_id: str, publication_id: str, publication: Publication | None, problems: Problems
    ) -> None:
        """Record what Orbit said about one output (None: it has no such output)."""
        pid = publication_id.lower()
        before = self.store.get(person_id, pid)
        if pid in problems and problems[pid][0] == OutputProblem.UNREADABLE:
            code, detail = problems[pid]
            base = before or OutputState(person_id=person_id, publication_id=pid)
            after: OutputState | None = base.model_copy(
                update={"problem": code, "detail": clipped(detail, DETAIL_MAX)}
            )
        elif publication is None or not is_theirs(publication, person_id):
            after = None
        else:
            after = state_of(person_id, publication, problems)
        if after == before:
            return
        if after is None:
            self.store.write([], [(person_id, pid)])
        else:
            self.store.write([after])
