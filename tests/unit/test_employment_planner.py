"""The employment planner: never a deletion; end dates as updates; the researcher's deletions respected."""

from __future__ import annotations

from datetime import UTC, datetime

from orcid_sync.domain.affiliation_links import AffiliationLink
from orcid_sync.domain.links import LinkState
from orcid_sync.sync.affiliation_planner import DesiredEmployment, EmploymentActionKind, plan_employments

ORCID = "0000-0002-1825-0097"
OTHER = "0000-0001-5109-3700"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def want(aid: str, digest: str = "h1", ended: bool = False) -> dict[str, DesiredEmployment]:
    return {aid: DesiredEmployment(aid, digest, ended)}


def link(
    aid: str,
    put_code: int | None = 7,
    digest: str = "h1",
    state: LinkState = LinkState.SYNCED,
    orcid: str = ORCID,
) -> dict[str, AffiliationLink]:
    return {
        aid: AffiliationLink(
            person_id="p",
            item=f"employment#{aid}",
            state=state,
            orcid=orcid,
            put_code=put_code,
            content_hash=digest,
            changed_at=NOW,
        )
    }


def kinds(plan: object) -> list[tuple[str, str, int | None]]:
    return [(a.kind.value, a.association_id, a.put_code) for a in plan.actions]  # type: ignore[attr-defined]


def test_new_association_is_created_and_unchanged_costs_nothing() -> None:
    assert kinds(plan_employments(want("1"), {}, {}, orcid=ORCID)) == [("create", "1", None)]
    assert kinds(plan_employments(want("1"), link("1"), {7: "1"}, orcid=ORCID)) == []


def test_an_end_date_is_an_update_never_a_deletion() -> None:
    plan = plan_employments(want("1", "h2", ended=True), link("1"), {7: "1"}, orcid=ORCID)
    assert kinds(plan) == [("update", "1", 7)]
    assert "end date" in plan.actions[0].reason


def test_gone_from_orbit_is_left_alone_not_deleted() -> None:
    plan = plan_employments({}, link("1"), {7: "1"}, orcid=ORCID)
    assert plan.actions == [] and plan.left_alone == ["1"]


def test_deleted_by_the_researcher_is_remembered_and_not_created_again() -> None:
    assert kinds(plan_employments(want("1"), link("1"), {}, orcid=ORCID)) == [("removed", "1", 7)]
    removed = link("1", None, state=LinkState.REMOVED_BY_RESEARCHER)
    assert kinds(plan_employments(want("1", "h2"), removed, {}, orcid=ORCID)) == []
    assert kinds(plan_employments(want("1", "h2"), removed, {}, orcid=ORCID, restore=True)) == [
        ("create", "1", None)
    ]


def test_ours_on_the_record_without_a_link_is_adopted() -> None:
    assert kinds(plan_employments(want("1"), {}, {9: "1"}, orcid=ORCID)) == [("adopt", "1", 9)]


def test_links_for_another_id_do_not_count() -> None:
    assert kinds(plan_employments(want("1"), link("1", orcid=OTHER), {}, orcid=ORCID)) == [
        ("create", "1", None)
    ]


def test_a_refused_employment_is_sent_again_only_when_it_changed() -> None:
    refused = link("1", None, state=LinkState.REJECTED)
    assert kinds(plan_employments(want("1"), refused, {}, orcid=ORCID)) == []
    assert kinds(plan_employments(want("1", "h2"), refused, {}, orcid=ORCID)) == [("create", "1", None)]


def test_employments_of_unknown_associations_on_the_record_are_never_touched() -> None:
    plan = plan_employments(want("1"), link("1"), {7: "1", 8: None, 9: "2"}, orcid=ORCID)
    assert plan.actions == [] and plan.left_alone == []
    assert EmploymentActionKind.CREATE not in {a.kind for a in plan.actions}
