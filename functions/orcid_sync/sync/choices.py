"""The researcher's choices, as the sync worker honours them. No I/O.

This is the one place where choices become the planner's inputs:
- paused: the job does nothing at all (no ORCID call, no link, no summary);
- a record ORCID merged into another iD takes no more jobs until the researcher connects the new iD;
  a locked or deactivated record takes no event jobs (a full sync, nightly or asked for, checks it);
- an output left out, or of a kind left out, is not desired and is *positively unwanted*: its work, if
  our link names it, is deleted like any other unwanted work, and it is not pushed until taken back.
  A work the researcher removed on ORCID stays remembered as removed (leaving it out forgets nothing).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob
from orcid_sync.orbit.publication import Publication
from orcid_sync.store.consents import Consent
from orcid_sync.sync.summary import RunProblem
from orcid_sync.sync.work_types import orcid_work_type


def why_not_run(consent: Consent, job: SyncJob) -> str | None:
    """Why this job must do nothing for this consent, or None to run it."""
    if consent.choices.paused:
        return "paused by the researcher"
    problem = consent.sync.run_problem if consent.sync is not None else None
    if problem == RunProblem.RECORD_MERGED:
        return "the ORCID record was merged into another iD"
    if problem == RunProblem.RECORD_UNAVAILABLE and job.kind is not JobKind.FULL:
        return "the ORCID record takes no writes (a full sync checks it again)"
    return None


def kind_of(publication: Publication) -> str:
    """The kind of output the researcher chooses by: the ORCID work type it would have."""
    return orcid_work_type(publication.type_uri)


def left_out(consent: Consent, publications: Collection[Publication]) -> set[str]:
    """The outputs among `publications` that the researcher left out, one by one or by their kind."""
    choices = consent.choices
    if not choices.excluded_outputs and not choices.excluded_kinds:
        return set()  # most researchers leave nothing out: no kind to work out for every output
    found = {p.uuid.lower() for p in publications if choices.leaves_out(p.uuid, kind_of(p))}
    return found


def unwanted_by_choice(consent: Consent, left: Collection[str], links: Mapping[str, WorkLink]) -> set[str]:
    """What the planner may treat as positively unwanted because the researcher said so.

    Every output left out by uuid counts, listed by Orbit or not; a removed-by-researcher link is kept
    out of it so that the memory of their removal survives taking the output back.
    """
    chosen = set(left) | set(consent.choices.excluded_outputs)
    return {
        pid
        for pid in chosen
        if (link := links.get(pid)) is None or link.state is not LinkState.REMOVED_BY_RESEARCHER
    }
