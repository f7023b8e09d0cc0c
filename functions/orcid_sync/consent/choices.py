"""The researcher's choices: pause and resume, leave an output out or take it back, leave out a kind.

Stored with the consent (a write guarded by its version) and honoured by every job (sync/choices.py).
Each change queues the job that brings ORCID in step with it: resuming and choices about kinds a full
sync, choices about one output a job for that output. Nothing is queued while paused; resuming syncs
everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from orcid_sync.consent.service import NotConnected
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, SyncJobQueue
from orcid_sync.observability import logger
from orcid_sync.orcid.vocabulary import WORK_TYPES
from orcid_sync.store.consents import MAX_EXCLUDED_OUTPUTS, Consent, ConsentStatus, ConsentStore, SyncChoices
from orcid_sync.store.output_states import OutputState, OutputStateStore
from orcid_sync.store.work_links import WorkLink, WorkLinkStore


class ChoiceAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    EXCLUDE = "exclude"  # leave one output out
    INCLUDE = "include"  # take it back
    EXCLUDE_KIND = "exclude_kind"
    INCLUDE_KIND = "include_kind"


class ChoiceRefused(ValueError):
    """The request names no valid choice; `problem` is a stable code the page translates."""

    def __init__(self, problem: str, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem


def _output_id(value: str | None) -> str:
    try:
        return str(uuid.UUID((value or "").strip()))
    except ValueError:
        raise ChoiceRefused("bad_output", "the output must be an Orbit uuid") from None


def _kind(value: str | None) -> str:
    if value not in WORK_TYPES:
        raise ChoiceRefused("bad_kind", "the kind must be one of ORCID's work types")
    return value


def changed_choices(choices: SyncChoices, action: ChoiceAction, target: str | None) -> SyncChoices:
    """The choices after `action` (pure; raises ChoiceRefused for a malformed target or too many)."""
    if action is ChoiceAction.PAUSE:
        return choices.model_copy(update={"paused": True})
    if action is ChoiceAction.RESUME:
        return choices.model_copy(update={"paused": False})
    if action in (ChoiceAction.EXCLUDE, ChoiceAction.INCLUDE):
        pid = _output_id(target)
        outputs = set(choices.excluded_outputs)
        if action is ChoiceAction.EXCLUDE:
            outputs.add(pid)
        else:
            outputs.discard(pid)
        if len(outputs) > MAX_EXCLUDED_OUTPUTS:
            raise ChoiceRefused(
                "too_many", f"at most {MAX_EXCLUDED_OUTPUTS} outputs can be left out one by one"
            )
        return choices.model_copy(update={"excluded_outputs": frozenset(outputs)})
    kind = _kind(target)
    kinds = set(choices.excluded_kinds)
    if action is ChoiceAction.EXCLUDE_KIND:
        kinds.add(kind)
    else:
        kinds.discard(kind)
    return choices.model_copy(update={"excluded_kinds": frozenset(kinds)})


def parse_action(value: str | None) -> ChoiceAction:
    try:
        return ChoiceAction(value or "")
    except ValueError:
        raise ChoiceRefused("bad_action", "unknown choice") from None


@dataclass
class ChoiceService:
    consents: ConsentStore
    jobs: SyncJobQueue
    clock: Callable[[], datetime]

    def choose(self, person_id: str, action: ChoiceAction, target: str | None = None) -> Consent:
        """Store the choice with the consent (guarded) and queue the job that carries it out."""
        now = self.clock()

        def chosen(current: Consent | None) -> Consent | None:
            if current is None or current.status is not ConsentStatus.ACTIVE:
                raise NotConnected("connect your ORCID iD first")
            choices = changed_choices(current.choices, action, target)
            if choices == current.choices:
                return None  # nothing changes (a second press): nothing written, nothing queued
            return current.with_event(f"choice_{action.value}", now, choices=choices)

        before, after = self.consents.change(person_id, chosen)
        if after is None:
            assert before is not None
            return before
        job = self._job(person_id, action, target, now)
        if job is not None and not after.choices.paused:
            self.jobs.enqueue(job)
        logger.info("researcher's choice stored", extra={"person_id": person_id, "choice": action.value})
        return after

    @staticmethod
    def _job(person_id: str, action: ChoiceAction, target: str | None, now: datetime) -> SyncJob | None:
        if action is ChoiceAction.PAUSE:
            return None
        if action in (ChoiceAction.EXCLUDE, ChoiceAction.INCLUDE):
            return SyncJob(
                kind=JobKind.OUTPUT,
                person_id=person_id,
                publication_id=_output_id(target),
                reason="choice",
                version=now.isoformat(),
            )
        return SyncJob(kind=JobKind.FULL, person_id=person_id, reason=action.value, version=now.isoformat())


@dataclass
class OutputsReader:
    """What the status page lists: the researcher's work links and Orbit output states (two queries)."""

    links: WorkLinkStore
    states: OutputStateStore

    def of(self, person_id: str) -> tuple[dict[str, WorkLink], dict[str, OutputState]]:
        return self.links.of_person(person_id), self.states.of_person(person_id)
