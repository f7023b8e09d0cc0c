"""The employment planner (pure): Orbit's associations × our links × our employments on the record → actions.

It never deletes. An association that ends is an end date written (an update); one Orbit no longer
lists is left on the record as it is (reported, not removed: nothing proves it wrong); an employment
the researcher deleted on ORCID is remembered and not created again unless they ask for a restore.
Only links made for the consent's current iD count; our employments on the record are known by the
association id in their `self` source-work-id, so one whose answer was lost is adopted, not repeated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from orcid_sync.domain.affiliation_links import AffiliationLink
from orcid_sync.domain.links import LinkState


class EmploymentActionKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"  # a change in Orbit (an end date, a new department name, …)
    ADOPT = "adopt"  # ours on the record for this association, but not (or not so) in our links
    MARK_REMOVED = "removed"  # the researcher deleted it on ORCID: remember, do not create again


@dataclass(frozen=True)
class DesiredEmployment:
    association_id: str
    content_hash: str
    ended: bool


@dataclass(frozen=True)
class EmploymentAction:
    kind: EmploymentActionKind
    association_id: str
    put_code: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class EmploymentPlan:
    actions: list[EmploymentAction] = field(default_factory=list)
    # Synced links whose association Orbit no longer lists: left on the record as they are.
    left_alone: list[str] = field(default_factory=list)

    def of_kind(self, kind: EmploymentActionKind) -> list[EmploymentAction]:
        return [action for action in self.actions if action.kind is kind]


def plan_employments(
    desired: Mapping[str, DesiredEmployment],
    remembered: Mapping[str, AffiliationLink],
    actual: Mapping[int, str | None],
    *,
    orcid: str,
    restore: bool = False,
) -> EmploymentPlan:
    """Actions that bring our employments on `orcid`'s record in step with `desired`.

    `remembered`: employment links by association id (any iD: only those for `orcid` count).
    `actual`: our employments on the record now, put-code → the association their external id names.
    """
    mine = {aid: link for aid, link in remembered.items() if link.is_for(orcid)}
    on_record: dict[str, int] = {}
    for put_code in sorted(actual):
        association = actual[put_code]
        if association is not None:
            on_record.setdefault(association, put_code)
    actions = [
        action
        for aid in sorted(desired)
        if (action := _plan_one(aid, desired[aid], mine.get(aid), on_record.get(aid), actual, restore))
    ]
    left_alone = sorted(
        aid for aid, link in mine.items() if aid not in desired and link.state is LinkState.SYNCED
    )
    return EmploymentPlan(actions, left_alone)


def _plan_one(
    aid: str,
    wanted: DesiredEmployment,
    link: AffiliationLink | None,
    found: int | None,
    actual: Mapping[int, str | None],
    restore: bool,
) -> EmploymentAction | None:
    """One association: `found` is the put-code of our employment for it on the record, if any."""
    create = EmploymentActionKind.CREATE
    if link is None:
        if found is not None:
            return _adopt(aid, found, "ours on the record already (an answer we did not get)")
        return EmploymentAction(create, aid, reason="new in Orbit")
    if link.state is LinkState.REMOVED_BY_RESEARCHER:
        if not restore:
            return None
        if found is not None:
            return _adopt(aid, found, "restored on request")
        return EmploymentAction(create, aid, reason="restored on request")
    if link.state is LinkState.SYNCED and link.put_code is not None and link.put_code not in actual:
        if found is not None:
            return _adopt(aid, found, "ours on the record under another put-code")
        if restore:
            return EmploymentAction(create, aid, reason="restored on request")
        return EmploymentAction(
            EmploymentActionKind.MARK_REMOVED,
            aid,
            link.put_code,
            "no longer on the record: the researcher deleted it",
        )
    if link.content_hash == wanted.content_hash:
        return None  # unchanged (or refused as it is): nothing to send
    target = link.put_code if link.put_code in actual else found
    if target is None:
        return EmploymentAction(create, aid, reason="changed; sending again")
    why = "the association ended: its end date" if wanted.ended and not link.ended else "changed in Orbit"
    return EmploymentAction(EmploymentActionKind.UPDATE, aid, target, why)


def _adopt(aid: str, put_code: int, reason: str) -> EmploymentAction:
    return EmploymentAction(EmploymentActionKind.ADOPT, aid, put_code, reason)
