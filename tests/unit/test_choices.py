"""The researcher's choices as pure rules: what they change, what the worker makes of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orcid_sync.consent.choices import ChoiceAction, ChoiceRefused, changed_choices
from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob
from orcid_sync.store.consents import MAX_EXCLUDED_OUTPUTS, Consent, ConsentStatus, SyncChoices, SyncSummary
from orcid_sync.sync.choices import unwanted_by_choice, why_not_run
from orcid_sync.sync.planner import Action, ActionKind, DeletionLimits, SyncPlan, hold_mass_deletion

NOW = datetime(2026, 11, 29, tzinfo=UTC)
OUTPUT = "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10"


def _consent(choices: SyncChoices | None = None, run_problem: str | None = None) -> Consent:
    summary = SyncSummary(last_run_at=NOW, run_problem=run_problem) if run_problem else None
    return Consent(
        person_id="p",
        status=ConsentStatus.ACTIVE,
        orcid="0000-0002-1825-0097",
        changed_at=NOW,
        choices=choices or SyncChoices(),
        sync=summary,
    )


def _job(kind: JobKind) -> SyncJob:
    return SyncJob(
        kind=kind,
        person_id="p",
        publication_id=OUTPUT if kind is JobKind.OUTPUT else None,
        reason="event",
        version="1",
    )


def test_choices_change_as_asked_and_output_ids_are_normalized() -> None:
    choices = changed_choices(SyncChoices(), ChoiceAction.EXCLUDE, OUTPUT.upper())
    assert choices.excluded_outputs == {OUTPUT}
    assert changed_choices(choices, ChoiceAction.INCLUDE, OUTPUT).excluded_outputs == frozenset()
    kinds = changed_choices(SyncChoices(), ChoiceAction.EXCLUDE_KIND, "newspaper-article")
    assert kinds.excluded_kinds == {"newspaper-article"}
    assert changed_choices(SyncChoices(), ChoiceAction.PAUSE, None).paused


@pytest.mark.parametrize(
    ("action", "target", "problem"),
    [
        (ChoiceAction.EXCLUDE, "../etc", "bad_output"),
        (ChoiceAction.INCLUDE, None, "bad_output"),
        (ChoiceAction.EXCLUDE_KIND, "poems", "bad_kind"),
        (ChoiceAction.INCLUDE_KIND, None, "bad_kind"),
    ],
)
def test_a_malformed_choice_is_refused_with_its_code(
    action: ChoiceAction, target: str | None, problem: str
) -> None:
    with pytest.raises(ChoiceRefused) as refused:
        changed_choices(SyncChoices(), action, target)
    assert refused.value.problem == problem


def test_more_single_outputs_than_can_be_stored_are_refused() -> None:
    full = SyncChoices(
        excluded_outputs=frozenset(
            f"{n:08d}-0000-0000-0000-000000000000" for n in range(MAX_EXCLUDED_OUTPUTS)
        )
    )
    with pytest.raises(ChoiceRefused) as refused:
        changed_choices(full, ChoiceAction.EXCLUDE, OUTPUT)
    assert refused.value.problem == "too_many"


def test_paused_runs_nothing_and_a_merged_record_runs_nothing_and_a_locked_one_only_full_syncs() -> None:
    assert why_not_run(_consent(SyncChoices(paused=True)), _job(JobKind.FULL)) is not None
    assert why_not_run(_consent(run_problem="record_merged"), _job(JobKind.FULL)) is not None
    assert why_not_run(_consent(run_problem="record_unavailable"), _job(JobKind.OUTPUT)) is not None
    assert why_not_run(_consent(run_problem="record_unavailable"), _job(JobKind.FULL)) is None
    assert why_not_run(_consent(run_problem="orcid_refused"), _job(JobKind.OUTPUT)) is None


def test_leaving_out_keeps_the_memory_of_a_removal_by_the_researcher() -> None:
    consent = _consent(SyncChoices(excluded_outputs=frozenset({"a", "b"})))
    links = {
        "a": WorkLink(person_id="p", publication_id="a", state=LinkState.SYNCED, put_code=1, changed_at=NOW),
        "b": WorkLink(
            person_id="p", publication_id="b", state=LinkState.REMOVED_BY_RESEARCHER, changed_at=NOW
        ),
    }
    assert unwanted_by_choice(consent, {"c"}, links) == {"a", "c"}


def test_deletions_the_researcher_asked_for_are_neither_counted_nor_held_by_the_guard() -> None:
    asked = [Action(ActionKind.DELETE, f"kind-{n}", n) for n in range(12)]
    plan = SyncPlan(tuple(asked))
    assert hold_mass_deletion(plan, 14, DeletionLimits(), exempt={a.publication_id for a in asked}) == plan
    held = hold_mass_deletion(plan, 14, DeletionLimits())
    assert held.actions == () and len(held.held) == 12
