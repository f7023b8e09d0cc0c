"""The pure planner: each rule by example, and a property over random desired/remembered/actual states."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from orcid_sync.store.work_links import LinkState, WorkLink
from orcid_sync.sync.planner import Action, ActionKind, DesiredWork, OrcidItem, SyncPlan, plan_sync

NOW = datetime(2026, 11, 24, tzinfo=UTC)
P = "person"


def link(
    pub: str, state: LinkState = LinkState.SYNCED, put_code: int | None = 1, content_hash: str = "h"
) -> WorkLink:
    return WorkLink(
        person_id=P,
        publication_id=pub,
        state=state,
        put_code=put_code,
        content_hash=content_hash,
        changed_at=NOW,
    )


def want(*pubs: str, content_hash: str = "h") -> dict[str, DesiredWork]:
    return {pub: DesiredWork(pub, content_hash) for pub in pubs}


def kinds(plan: SyncPlan) -> list[tuple[ActionKind, str, int | None]]:
    return [(a.kind, a.publication_id, a.put_code) for a in plan.actions]


def test_a_new_output_is_created() -> None:
    assert kinds(plan_sync(want("a"), {}, {})) == [(ActionKind.CREATE, "a", None)]


def test_an_unchanged_work_costs_nothing() -> None:
    assert plan_sync(want("a"), {"a": link("a")}, {1: OrcidItem(1, "a")}).is_empty
    assert plan_sync(want("a"), {"a": link("a")}, None).is_empty


def test_a_changed_work_is_updated_under_its_put_code() -> None:
    plan = plan_sync(want("a", content_hash="new"), {"a": link("a", put_code=7)}, None)

    assert kinds(plan) == [(ActionKind.UPDATE, "a", 7)]


def test_a_lost_put_code_is_adopted_not_duplicated() -> None:
    plan = plan_sync(want("a"), {}, {42: OrcidItem(42, "a")})

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 42)]


def test_a_work_the_researcher_deleted_is_remembered_and_not_recreated() -> None:
    plan = plan_sync(want("a"), {"a": link("a", put_code=7)}, {})

    assert kinds(plan) == [(ActionKind.MARK_REMOVED, "a", 7)]
    assert plan_sync(want("a"), {"a": link("a", LinkState.REMOVED_BY_RESEARCHER, None)}, {}).is_empty


def test_restore_pushes_removed_works_again() -> None:
    removed = {"a": link("a", LinkState.REMOVED_BY_RESEARCHER, None)}

    assert kinds(plan_sync(want("a"), removed, {}, restore=True)) == [(ActionKind.CREATE, "a", None)]


def test_an_output_no_longer_wanted_is_deleted_and_forgotten() -> None:
    assert kinds(plan_sync({}, {"a": link("a", put_code=7)}, None)) == [(ActionKind.DELETE, "a", 7)]


def test_an_unwanted_output_already_gone_from_orcid_is_only_forgotten() -> None:
    assert kinds(plan_sync({}, {"a": link("a", put_code=7)}, {})) == [(ActionKind.FORGET, "a", 7)]


def test_a_rejected_work_is_retried_only_when_it_changed() -> None:
    rejected = {"a": link("a", LinkState.REJECTED, None, "h")}

    assert plan_sync(want("a"), rejected, None).is_empty
    assert kinds(plan_sync(want("a", content_hash="fixed"), rejected, None)) == [
        (ActionKind.CREATE, "a", None)
    ]


def test_an_orphan_of_ours_on_orcid_is_deleted_in_a_full_sync_only() -> None:
    actual = {9: OrcidItem(9, "gone")}

    assert kinds(plan_sync({}, {}, actual)) == [(ActionKind.DELETE, "gone", 9)]
    assert plan_sync({}, {}, actual, scope=["other"]).is_empty


def test_outputs_kept_as_they_are_cost_nothing_and_are_not_orphans() -> None:
    plan = plan_sync(
        {}, {"a": link("a", put_code=7)}, {7: OrcidItem(7, "a"), 8: OrcidItem(8, "b")}, keep=["a", "b"]
    )

    assert plan.is_empty


def test_a_refused_work_that_did_not_change_is_not_retried_even_if_orcid_has_a_copy() -> None:
    refused = {"a": link("a", LinkState.REJECTED, 7, "h")}

    assert plan_sync(want("a"), refused, {7: OrcidItem(7, "a")}).is_empty


def test_a_scoped_plan_touches_only_its_outputs() -> None:
    plan = plan_sync(want("a", "b"), {}, None, scope=["b"])

    assert kinds(plan) == [(ActionKind.CREATE, "b", None)]


# --- property: applying the plan to a simulated ORCID yields exactly the wanted works -------------

PUBS = ["p1", "p2", "p3", "p4"]


@st.composite
def states(draw: st.DrawFn) -> tuple[dict[str, DesiredWork], dict[str, WorkLink], dict[int, OrcidItem]]:
    desired = {p: DesiredWork(p, draw(st.sampled_from(["h1", "h2"]))) for p in PUBS if draw(st.booleans())}
    actual: dict[int, OrcidItem] = {}
    remembered: dict[str, WorkLink] = {}
    next_code = 100
    for pub in PUBS:
        on_orcid = draw(st.booleans())
        if on_orcid:
            next_code += 1
            actual[next_code] = OrcidItem(next_code, pub)
        memory = draw(st.sampled_from(["none", "synced", "stale", "removed", "rejected"]))
        if memory == "synced" and on_orcid:
            remembered[pub] = link(pub, put_code=next_code, content_hash=draw(st.sampled_from(["h1", "h2"])))
        elif memory == "stale":  # a put-code ORCID no longer has
            remembered[pub] = link(pub, put_code=999 + len(remembered), content_hash="h1")
        elif memory == "removed":
            remembered[pub] = link(pub, LinkState.REMOVED_BY_RESEARCHER, None, "h1")
        elif memory == "rejected":
            remembered[pub] = link(pub, LinkState.REJECTED, None, "h1")
    return desired, remembered, actual


def apply(plan: SyncPlan, actual: dict[int, OrcidItem]) -> dict[int, OrcidItem]:
    """ORCID as the planner sees it: create adds our item, delete removes it, update/adopt keep it."""
    result = dict(actual)
    next_code = 10_000
    for action in plan.actions:
        if action.kind is ActionKind.CREATE:
            next_code += 1
            result[next_code] = OrcidItem(next_code, action.publication_id)
        elif action.kind is ActionKind.DELETE:
            assert action.put_code is not None
            result.pop(action.put_code, None)
        elif action.kind in (ActionKind.UPDATE, ActionKind.ADOPT):
            assert action.put_code in result, "updates only what ORCID has"
    return result


@settings(max_examples=300, deadline=None)
@given(states(), st.booleans())
def test_a_full_sync_leaves_exactly_the_wanted_works_once_each(
    state: tuple[dict[str, DesiredWork], dict[str, WorkLink], dict[int, OrcidItem]], restore: bool
) -> None:
    desired, remembered, actual = state

    plan = plan_sync(desired, remembered, actual, restore=restore)
    after = apply(plan, actual)

    sources = [item.source_work_id for item in after.values()]
    assert len(sources) == len(set(sources)), "no duplicate on ORCID"
    removed_by_researcher = {
        pub
        for pub, lk in remembered.items()
        if not restore
        and pub not in {i.source_work_id for i in actual.values()}
        and (lk.state is LinkState.REMOVED_BY_RESEARCHER or lk.state is LinkState.SYNCED)
    }
    rejected_unchanged = {
        pub
        for pub, lk in remembered.items()
        if lk.state is LinkState.REJECTED
        and pub in desired
        and desired[pub].content_hash == lk.content_hash
        and pub not in {i.source_work_id for i in actual.values()}
    }
    assert set(sources) == set(desired) - removed_by_researcher - rejected_unchanged
    assert all(isinstance(a, Action) for a in plan.actions)
