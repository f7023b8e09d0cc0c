"""The pure planner: each rule by example, and a property over random desired/remembered/actual states."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.sync.planner import (
    Action,
    ActionKind,
    DeletionLimits,
    DesiredWork,
    OrcidItem,
    SyncPlan,
    hold_mass_deletion,
    plan_sync,
)

NOW = datetime(2026, 11, 24, tzinfo=UTC)
P = "person"


def link(
    pub: str,
    state: LinkState = LinkState.SYNCED,
    put_code: int | None = 1,
    content_hash: str = "h",
    orcid: str | None = None,
) -> WorkLink:
    return WorkLink(
        person_id=P,
        publication_id=pub,
        state=state,
        orcid=orcid,
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
    assert plan_sync(want("a"), {"a": link("a")}, {1: OrcidItem(1, "a")}).is_empty is True
    assert plan_sync(want("a"), {"a": link("a")}, None).is_empty is True


def test_a_changed_work_is_updated_under_its_put_code() -> None:
    plan = plan_sync(want("a", content_hash="new"), {"a": link("a", put_code=7)}, None)

    assert kinds(plan) == [(ActionKind.UPDATE, "a", 7)]


def test_a_lost_put_code_is_adopted_not_duplicated() -> None:
    plan = plan_sync(want("a"), {}, {42: OrcidItem(42, "a")})

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 42)]


def test_a_work_the_researcher_deleted_is_remembered_and_not_recreated() -> None:
    plan = plan_sync(want("a"), {"a": link("a", put_code=7)}, {})

    assert kinds(plan) == [(ActionKind.MARK_REMOVED, "a", 7)]
    assert plan_sync(want("a"), {"a": link("a", LinkState.REMOVED_BY_RESEARCHER, None)}, {}).is_empty is True


def test_restore_pushes_removed_works_again() -> None:
    removed = {"a": link("a", LinkState.REMOVED_BY_RESEARCHER, None)}

    assert kinds(plan_sync(want("a"), removed, {}, restore=True)) == [(ActionKind.CREATE, "a", None)]


def test_an_output_no_longer_wanted_is_deleted_and_forgotten() -> None:
    remembered = {"a": link("a", put_code=7)}

    assert kinds(plan_sync({}, remembered, None, unwanted=["a"])) == [(ActionKind.DELETE, "a", 7)]
    assert kinds(plan_sync({}, remembered, {7: OrcidItem(7, "a")}, unwanted=["a"])) == [
        (ActionKind.DELETE, "a", 7)
    ]


def test_an_unwanted_output_already_gone_from_orcid_is_only_forgotten() -> None:
    plan = plan_sync({}, {"a": link("a", put_code=7)}, {}, unwanted=["a"])

    assert kinds(plan) == [(ActionKind.FORGET, "a", 7)]


def test_an_output_orbit_said_nothing_about_keeps_its_work() -> None:
    remembered = {"a": link("a", put_code=7)}

    assert plan_sync({}, remembered, None).is_empty is True
    assert plan_sync({}, remembered, {7: OrcidItem(7, "a")}).is_empty is True


def test_a_put_code_now_holding_another_output_is_forgotten_not_deleted() -> None:
    plan = plan_sync({}, {"a": link("a", put_code=7)}, {7: OrcidItem(7, "b")}, unwanted=["a"])

    assert kinds(plan) == [(ActionKind.FORGET, "a", 7)]


def test_a_put_code_now_holding_a_work_without_our_source_id_is_not_deleted() -> None:
    plan = plan_sync({}, {"a": link("a", put_code=7)}, {7: OrcidItem(7, None)}, unwanted=["a"])

    assert kinds(plan) == [(ActionKind.FORGET, "a", 7)]


def test_an_unwanted_output_without_a_link_deletes_nothing() -> None:
    assert plan_sync({}, {}, {7: OrcidItem(7, "a")}, unwanted=["a"]).is_empty is True
    assert plan_sync({}, {}, None, unwanted=["a"]).is_empty is True


def test_an_unwanted_output_whose_link_names_no_work_is_forgotten() -> None:
    for state in (LinkState.REJECTED, LinkState.REMOVED_BY_RESEARCHER, LinkState.DUPLICATE_OF):
        plan = plan_sync({}, {"a": link("a", state, None)}, {}, unwanted=["a"])
        assert kinds(plan) == [(ActionKind.FORGET, "a", None)]
    plan = plan_sync({}, {"a": link("a", LinkState.REJECTED, 7)}, {7: OrcidItem(7, "a")}, unwanted=["a"])
    assert kinds(plan) == [(ActionKind.FORGET, "a", None)]


def test_links_made_for_another_orcid_id_are_ignored() -> None:
    old = {"a": link("a", put_code=7, orcid="0000-0002-0000-0001")}
    new_id = "0000-0002-0000-0002"

    assert kinds(plan_sync(want("a"), old, {}, orcid=new_id)) == [(ActionKind.CREATE, "a", None)]
    assert kinds(plan_sync(want("a"), old, None, orcid=new_id)) == [(ActionKind.CREATE, "a", None)]
    assert plan_sync({}, old, None, orcid=new_id, unwanted=["a"]).is_empty is True
    assert kinds(plan_sync({}, old, None, orcid="0000-0002-0000-0001", unwanted=["a"])) == [
        (ActionKind.DELETE, "a", 7)
    ]


def test_links_from_before_ids_were_recorded_count_for_the_current_id() -> None:
    plan = plan_sync({}, {"a": link("a", put_code=7)}, None, orcid="0000-0002-0000-0002", unwanted=["a"])

    assert kinds(plan) == [(ActionKind.DELETE, "a", 7)]


def test_a_rejected_work_is_retried_only_when_it_changed() -> None:
    rejected = {"a": link("a", LinkState.REJECTED, None, "h")}

    assert plan_sync(want("a"), rejected, None).is_empty is True
    assert kinds(plan_sync(want("a", content_hash="fixed"), rejected, None)) == [
        (ActionKind.CREATE, "a", None)
    ]


def test_works_of_ours_that_no_link_names_are_left_alone() -> None:
    actual = {9: OrcidItem(9, "someone-elses"), 10: OrcidItem(10, None)}

    assert plan_sync({}, {}, actual).is_empty is True
    assert plan_sync({}, {}, actual, unwanted=["someone-elses"]).is_empty is True
    assert plan_sync({}, {}, actual, scope=["other"]).is_empty is True


def test_outputs_kept_as_they_are_cost_nothing_and_are_not_orphans() -> None:
    plan = plan_sync(
        {},
        {"a": link("a", put_code=7)},
        {7: OrcidItem(7, "a"), 8: OrcidItem(8, "b")},
        keep=["a", "b"],
        unwanted=["a", "b"],
    )

    assert plan.is_empty is True


def test_a_refused_work_that_did_not_change_is_not_retried_even_if_orcid_has_a_copy() -> None:
    refused = {"a": link("a", LinkState.REJECTED, 7, "h")}

    assert plan_sync(want("a"), refused, {7: OrcidItem(7, "a")}).is_empty is True


def test_a_scoped_plan_touches_only_its_outputs() -> None:
    plan = plan_sync(want("a", "b"), {}, None, scope=["b"])

    assert kinds(plan) == [(ActionKind.CREATE, "b", None)]


# --- the mass-deletion guard ----------------------------------------------------------------------


def deleting(count: int) -> SyncPlan:
    deletes = [Action(ActionKind.DELETE, f"p{n}", n) for n in range(count)]
    return SyncPlan((*deletes, Action(ActionKind.CREATE, "new")))


def test_a_plan_deleting_many_of_the_works_deletes_none_and_goes_on_with_the_rest() -> None:
    held = hold_mass_deletion(deleting(11), ours_on_record=40, limits=DeletionLimits(10, 0.25))

    assert kinds(held) == [(ActionKind.CREATE, "new", None)]
    assert len(held.held) == 11


def test_a_plan_deleting_at_most_the_minimum_goes_ahead() -> None:
    plan = deleting(10)

    assert hold_mass_deletion(plan, ours_on_record=10, limits=DeletionLimits(10, 0.25)) == plan


def test_a_plan_deleting_a_small_share_of_a_large_record_goes_ahead() -> None:
    plan = deleting(11)

    assert hold_mass_deletion(plan, ours_on_record=44, limits=DeletionLimits(10, 0.25)) == plan
    assert hold_mass_deletion(plan, ours_on_record=43, limits=DeletionLimits(10, 0.25)).held


def test_the_guard_limits_are_configurable() -> None:
    assert hold_mass_deletion(deleting(3), ours_on_record=4, limits=DeletionLimits(2, 0.5)).held
    assert not hold_mass_deletion(deleting(3), ours_on_record=6, limits=DeletionLimits(2, 0.5)).held
    assert not hold_mass_deletion(deleting(3), ours_on_record=4, limits=DeletionLimits(3, 0.5)).held


# --- property: applying the plan to a simulated ORCID never loses what it cannot prove is unwanted ---

PUBS = ["p1", "p2", "p3", "p4"]
State = tuple[dict[str, DesiredWork], dict[str, WorkLink], dict[int, OrcidItem], set[str]]


@st.composite
def states(draw: st.DrawFn) -> State:
    desired = {p: DesiredWork(p, draw(st.sampled_from(["h1", "h2"]))) for p in PUBS if draw(st.booleans())}
    unwanted = {p for p in PUBS if p not in desired and draw(st.booleans())}
    actual: dict[int, OrcidItem] = {}
    remembered: dict[str, WorkLink] = {}
    next_code = 100
    for pub in PUBS:
        on_orcid = draw(st.booleans())
        if on_orcid:
            next_code += 1
            actual[next_code] = OrcidItem(next_code, pub)
        memory = draw(st.sampled_from(["none", "synced", "stale", "removed", "rejected", "other-id"]))
        if memory == "synced" and on_orcid:
            remembered[pub] = link(pub, put_code=next_code, content_hash=draw(st.sampled_from(["h1", "h2"])))
        elif memory == "stale":  # a put-code ORCID no longer has
            remembered[pub] = link(pub, put_code=999 + len(remembered), content_hash="h1")
        elif memory == "removed":
            remembered[pub] = link(pub, LinkState.REMOVED_BY_RESEARCHER, None, "h1")
        elif memory == "rejected":
            remembered[pub] = link(pub, LinkState.REJECTED, None, "h1")
        elif memory == "other-id" and on_orcid:  # made for the researcher's earlier iD
            remembered[pub] = link(pub, put_code=next_code, orcid="0000-0002-9999-9999")
    # Works of our client that carry no source-work-id (an earlier export's) or another person's.
    for extra in draw(st.lists(st.sampled_from([None, "someone-elses"]), max_size=2)):
        next_code += 1
        actual[next_code] = OrcidItem(next_code, extra)
    return desired, remembered, actual, unwanted


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


ID = "0000-0002-0000-0002"


@settings(max_examples=400, deadline=None)
@given(states(), st.booleans())
def test_a_full_sync_leaves_the_wanted_works_once_each_and_deletes_only_what_it_proves(
    state: State, restore: bool
) -> None:
    desired, remembered, actual, unwanted = state
    mine = {pub: lk for pub, lk in remembered.items() if lk.is_for(ID)}

    plan = plan_sync(desired, remembered, actual, orcid=ID, unwanted=unwanted, restore=restore)
    after = apply(plan, actual)

    deletable = {
        lk.put_code
        for pub, lk in mine.items()
        if pub in unwanted
        and lk.state is LinkState.SYNCED
        and lk.put_code in actual
        and actual[lk.put_code].source_work_id == pub
    }
    assert set(actual) - set(after) == deletable, "deletes exactly the proven, unwanted works of ours"
    wanted_sources = [item.source_work_id for item in after.values() if item.source_work_id in desired]
    assert len(wanted_sources) == len(set(wanted_sources)), "no duplicate on ORCID"
    on_orcid_before = {i.source_work_id for i in actual.values()}
    removed_by_researcher = {
        pub
        for pub, lk in mine.items()
        if not restore
        and pub not in on_orcid_before
        and (lk.state is LinkState.REMOVED_BY_RESEARCHER or lk.state is LinkState.SYNCED)
    }
    rejected_unchanged = {
        pub
        for pub, lk in mine.items()
        if lk.state is LinkState.REJECTED
        and pub in desired
        and desired[pub].content_hash == lk.content_hash
        and pub not in on_orcid_before
    }
    assert set(wanted_sources) == set(desired) - removed_by_researcher - rejected_unchanged
    assert all(isinstance(a, Action) for a in plan.actions)


# --- pinned by mutation testing: each test below kills a mutant that changed what is created/deleted ---


def test_a_changed_work_is_updated_whichever_way_its_hash_sorts() -> None:
    for old, new in (("h", "new"), ("z", "a")):
        plan = plan_sync(want("a", content_hash=new), {"a": link("a", put_code=7, content_hash=old)}, None)
        assert kinds(plan) == [(ActionKind.UPDATE, "a", 7)]


def test_a_refusal_is_compared_by_hash_value_not_identity() -> None:
    stored = "".join(["h", "1"])  # equal to "h1", but another string object
    refused = {"a": link("a", LinkState.REJECTED, None, stored)}

    assert plan_sync(want("a", content_hash="h1"), refused, None).is_empty is True


def test_a_refused_link_with_a_put_code_is_not_taken_for_a_work_on_orcid() -> None:
    refused = {"a": link("a", LinkState.REJECTED, 7, "old")}

    plan = plan_sync(want("a", content_hash="new"), refused, {7: OrcidItem(7, "a")})

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 7)]


def test_the_guard_lets_a_few_deletions_through_even_on_a_small_record() -> None:
    plan = deleting(3)

    assert hold_mass_deletion(plan, ours_on_record=4, limits=DeletionLimits(10, 0.25)) == plan


def test_the_guard_lets_a_small_share_through_below_the_exact_limit() -> None:
    plan = deleting(11)

    assert hold_mass_deletion(plan, ours_on_record=100, limits=DeletionLimits(10, 0.25)) == plan


def test_the_guard_holds_only_deletions_and_keeps_every_other_action() -> None:
    others = (
        Action(ActionKind.UPDATE, "u", 500),
        Action(ActionKind.FORGET, "f"),
        Action(ActionKind.MARK_REMOVED, "m", 501),
        Action(ActionKind.ADOPT, "x", 502),
    )
    plan = SyncPlan((*deleting(11).actions, *others))

    held = hold_mass_deletion(plan, ours_on_record=12, limits=DeletionLimits(10, 0.25))

    assert [a.kind for a in held.actions] == [ActionKind.CREATE, *(a.kind for a in others)]


def test_the_default_guard_is_more_than_ten_works_and_more_than_a_quarter() -> None:
    limits = DeletionLimits()

    assert hold_mass_deletion(deleting(11), 40, limits).held
    assert not hold_mass_deletion(deleting(10), 10, limits).held
    assert not hold_mass_deletion(deleting(11), 44, limits).held
    assert hold_mass_deletion(deleting(11), 43, limits).held


# --- taking over Pure's earlier export (legacy works: our client, no source-work-id) -----------------

DOI = ("doi", "10.1/x")
PMID = ("pmid", "123")


def wanted(pub: str, *ids: tuple[str, str], recorded: int | None = None) -> DesiredWork:
    return DesiredWork(pub, "h", self_ids=frozenset(ids), pure_put_code=recorded)


def legacy(put_code: int, *ids: tuple[str, str]) -> OrcidItem:
    return OrcidItem(put_code, None, frozenset(ids))


def test_the_put_code_pure_recorded_is_adopted() -> None:
    plan = plan_sync({"a": wanted("a", recorded=5)}, {}, {5: legacy(5, DOI)})

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 5)]
    assert plan.legacy_left_alone == ()


def test_a_recorded_put_code_gone_from_the_record_is_remembered_as_removed_not_created() -> None:
    plan = plan_sync({"a": wanted("a", recorded=5)}, {}, {})

    assert kinds(plan) == [(ActionKind.MARK_REMOVED, "a", 5)]
    assert kinds(plan_sync({"a": wanted("a", recorded=5)}, {}, {}, restore=True)) == [
        (ActionKind.CREATE, "a", None)
    ]


def test_without_a_read_of_the_record_the_recorded_put_code_is_adopted_and_the_put_finds_out() -> None:
    plan = plan_sync({"a": wanted("a", recorded=5)}, {}, None, scope=["a"])

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 5)]


def test_the_one_legacy_work_sharing_an_identifier_is_adopted() -> None:
    actual = {5: legacy(5, DOI), 6: legacy(6, ("doi", "10.1/other"))}

    plan = plan_sync({"a": wanted("a", DOI)}, {}, actual)

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 5)]
    assert plan.legacy_left_alone == (6,)


def test_an_output_matching_two_legacy_works_adopts_neither_and_creates_nothing() -> None:
    actual = {5: legacy(5, DOI), 6: legacy(6, PMID)}

    plan = plan_sync({"a": wanted("a", DOI, PMID)}, {}, actual)

    assert plan.is_empty is True
    assert dict(plan.ambiguous) == {"a": (5, 6)}
    assert plan.legacy_left_alone == (5, 6)


def test_a_legacy_work_two_outputs_match_is_adopted_by_neither() -> None:
    plan = plan_sync({"a": wanted("a", DOI), "b": wanted("b", DOI)}, {}, {5: legacy(5, DOI)})

    assert plan.is_empty is True
    assert dict(plan.ambiguous) == {"a": (5,), "b": (5,)}


def test_a_legacy_work_pure_recorded_for_one_output_is_not_matched_to_another() -> None:
    desired = {"a": wanted("a", recorded=5), "b": wanted("b", DOI)}

    plan = plan_sync(desired, {}, {5: legacy(5, DOI)})

    assert kinds(plan) == [(ActionKind.ADOPT, "a", 5), (ActionKind.CREATE, "b", None)]


def test_our_own_works_are_never_taken_for_legacy_ones() -> None:
    plan = plan_sync({"a": wanted("a", DOI)}, {}, {5: OrcidItem(5, "b", frozenset({DOI}))})

    assert kinds(plan) == [(ActionKind.CREATE, "a", None)]
    assert plan.legacy_left_alone == ()


def test_an_output_with_a_link_does_not_adopt_a_legacy_work() -> None:
    removed = {"a": link("a", LinkState.REMOVED_BY_RESEARCHER, None)}

    plan = plan_sync({"a": wanted("a", DOI)}, removed, {5: legacy(5, DOI)})

    assert plan.is_empty is True
    assert plan.legacy_left_alone == (5,)


def test_legacy_works_matching_nothing_are_left_alone_and_never_deleted() -> None:
    actual = {5: legacy(5, DOI), 6: legacy(6)}

    plan = plan_sync({}, {}, actual, unwanted=["a"])

    assert plan.is_empty is True
    assert plan.legacy_left_alone == (5, 6)


def test_an_unchanged_work_is_compared_by_hash_value_not_identity() -> None:
    stored = "".join(["h", "1"])  # equal to "h1", but another string object

    assert (
        plan_sync(
            want("a", content_hash="h1"), {"a": link("a", put_code=7, content_hash=stored)}, None
        ).is_empty
        is True
    )


def test_a_work_is_proven_ours_by_source_id_value_not_identity() -> None:
    on_orcid = {7: OrcidItem(7, "".join(["p", "1"]))}  # equal to "p1", but another string object

    plan = plan_sync({}, {"p1": link("p1", put_code=7)}, on_orcid, unwanted=["p1"])

    assert kinds(plan) == [(ActionKind.DELETE, "p1", 7)]


def test_outputs_with_a_link_do_not_compete_for_legacy_works() -> None:
    desired = {"a": wanted("a", DOI), "b": wanted("b", DOI)}
    actual = {7: OrcidItem(7, "a", frozenset({DOI})), 5: legacy(5, DOI)}

    plan = plan_sync(desired, {"a": link("a", put_code=7)}, actual)

    assert kinds(plan) == [(ActionKind.ADOPT, "b", 5)]


def test_a_legacy_work_a_stale_link_points_at_is_still_counted_as_left_alone() -> None:
    plan = plan_sync({}, {"a": link("a", put_code=5)}, {5: legacy(5, DOI)}, unwanted=["a"])

    assert kinds(plan) == [(ActionKind.FORGET, "a", 5)]
    assert plan.legacy_left_alone == (5,)


def test_the_guard_counts_only_deletions() -> None:
    plan = SyncPlan(
        (*deleting(10).actions, Action(ActionKind.UPDATE, "u", 99), Action(ActionKind.FORGET, "f"))
    )

    assert hold_mass_deletion(plan, ours_on_record=10, limits=DeletionLimits(10, 0.25)) == plan
