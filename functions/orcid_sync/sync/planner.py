"""The sync planner: desired (Orbit) × remembered (work links) × actual (ORCID) → what to do. No I/O.

Rules, per Orbit output:
- wanted, never pushed → create; but if ORCID already holds our item for it (a put-code lost between
  ORCID's 201 and our write) → adopt that put-code and update it, never a second copy;
- wanted, pushed, unchanged → nothing; changed → update;
- wanted, pushed, gone from ORCID → the researcher deleted it: remember that, do not push again
  (unless they ask to restore);
- wanted, refused earlier (rejected, or a duplicate of another output) → try again only if it changed;
- not wanted (deleted, no longer eligible, no longer an author) → delete from ORCID, forget the link;
- our item on ORCID that no output wants and no link names → delete it (full sync only).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from orcid_sync.store.work_links import LinkState, WorkLink


@dataclass(frozen=True)
class DesiredWork:
    """An Orbit output that should be on the researcher's ORCID record, and the hash of its work."""

    publication_id: str
    content_hash: str


@dataclass(frozen=True)
class OrcidItem:
    """One of our own works on the ORCID record (from GET /works), by put-code and source-work-id."""

    put_code: int
    source_work_id: str | None


class ActionKind(StrEnum):
    CREATE = "create"  # POST (bulk when several)
    UPDATE = "update"  # PUT put_code
    ADOPT = "adopt"  # record put_code found on ORCID, then PUT it
    DELETE = "delete"  # DELETE put_code, then forget the link
    MARK_REMOVED = "mark_removed"  # no ORCID call: the researcher deleted it
    FORGET = "forget"  # no ORCID call: drop a link that names nothing on ORCID


# Actions that call ORCID; the others only touch our own table.
ORCID_CALLS = frozenset({ActionKind.CREATE, ActionKind.UPDATE, ActionKind.ADOPT, ActionKind.DELETE})


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    publication_id: str
    put_code: int | None = None


@dataclass(frozen=True)
class SyncPlan:
    actions: tuple[Action, ...] = field(default_factory=tuple)

    def of_kind(self, kind: ActionKind) -> list[Action]:
        return [action for action in self.actions if action.kind is kind]

    @property
    def is_empty(self) -> bool:
        return not self.actions


def plan_sync(
    desired: Mapping[str, DesiredWork],
    remembered: Mapping[str, WorkLink],
    actual: Mapping[int, OrcidItem] | None,
    *,
    scope: Collection[str] | None = None,
    keep: Collection[str] = (),
    restore: bool = False,
) -> SyncPlan:
    """Plan one researcher's sync.

    `actual` is None when ORCID was not read (a job about one output): links are then trusted.
    `scope` limits the plan to some outputs (a job about one output); None means the whole record,
    which also cleans up our orphaned items on ORCID. `keep` names outputs to leave exactly as they are
    (their work could not be built this time). `restore` re-pushes works the researcher removed.
    """
    in_scope = (set(scope) if scope is not None else set(desired) | set(remembered)) - set(keep)
    ours_by_source = _by_source(actual) if actual is not None else {}
    actions: list[Action] = []
    for publication_id in sorted(in_scope):
        wanted = desired.get(publication_id)
        link = remembered.get(publication_id)
        action = (
            _plan_wanted(wanted, link, actual, ours_by_source, restore)
            if wanted is not None
            else _plan_unwanted(publication_id, link, actual)
        )
        if action is not None:
            actions.append(action)
    if actual is not None and scope is None:
        # A copy on ORCID of a work we leave alone stays: kept outputs, and refused ones that did not change
        # (ORCID refused an update; the version it has is still the researcher's).
        untouched = set(keep) | {
            pid for pid, wanted in desired.items() if _refused_unchanged(wanted, remembered)
        }
        kept = {put_code for put_code, item in actual.items() if item.source_work_id in untouched}
        actions.extend(_orphans(remembered, actual, actions, kept))
    return SyncPlan(tuple(actions))


def _plan_wanted(
    wanted: DesiredWork,
    link: WorkLink | None,
    actual: Mapping[int, OrcidItem] | None,
    ours_by_source: Mapping[str, int],
    restore: bool,
) -> Action | None:
    pid = wanted.publication_id
    if _still_on_orcid(link, actual):
        assert link is not None  # for the type checker: _still_on_orcid is False without a link
        return (
            Action(ActionKind.UPDATE, pid, link.put_code)
            if link.content_hash != wanted.content_hash
            else None
        )
    if _refused_unchanged(wanted, {pid: link} if link else {}):
        return None  # refused before and unchanged since: asking again would be refused again
    # From here on we hold no put-code that ORCID still has. If ORCID holds our item for this output
    # anyway (a write whose answer we lost), take it over rather than create a second copy.
    if pid in ours_by_source:
        return Action(ActionKind.ADOPT, pid, ours_by_source[pid])
    if link is None:
        return Action(ActionKind.CREATE, pid)
    if link.state in (LinkState.SYNCED, LinkState.REMOVED_BY_RESEARCHER):
        if restore:
            return Action(ActionKind.CREATE, pid)
        if link.state is LinkState.SYNCED:
            return Action(ActionKind.MARK_REMOVED, pid, link.put_code)
        return None
    return Action(ActionKind.CREATE, pid)  # refused before, changed since: try again


def _refused_unchanged(wanted: DesiredWork, remembered: Mapping[str, WorkLink]) -> bool:
    link = remembered.get(wanted.publication_id)
    refused = link is not None and link.state in (LinkState.REJECTED, LinkState.DUPLICATE_OF)
    return refused and link is not None and link.content_hash == wanted.content_hash


def _still_on_orcid(link: WorkLink | None, actual: Mapping[int, OrcidItem] | None) -> bool:
    """A synced link whose put-code ORCID still has (or, without a read of ORCID, is trusted to have)."""
    if link is None or link.state is not LinkState.SYNCED or link.put_code is None:
        return False
    return actual is None or link.put_code in actual


def _plan_unwanted(
    publication_id: str, link: WorkLink | None, actual: Mapping[int, OrcidItem] | None
) -> Action | None:
    if link is None:
        return None
    if link.state is LinkState.SYNCED and link.put_code is not None:
        if actual is not None and link.put_code not in actual:
            return Action(ActionKind.FORGET, publication_id, link.put_code)
        return Action(ActionKind.DELETE, publication_id, link.put_code)
    return Action(ActionKind.FORGET, publication_id)


def _orphans(
    remembered: Mapping[str, WorkLink], actual: Mapping[int, OrcidItem], planned: list[Action], kept: set[int]
) -> list[Action]:
    """Our items on ORCID that no link names and no planned action claims: delete them."""
    claimed = {link.put_code for link in remembered.values() if link.put_code is not None} | kept
    claimed |= {action.put_code for action in planned if action.put_code is not None}
    return [
        Action(ActionKind.DELETE, item.source_work_id or f"put-code:{put_code}", put_code)
        for put_code, item in sorted(actual.items())
        if put_code not in claimed
    ]


def _by_source(actual: Mapping[int, OrcidItem]) -> dict[str, int]:
    """source-work-id → put-code, lowest put-code first if ORCID somehow holds two."""
    found: dict[str, int] = {}
    for put_code, item in sorted(actual.items()):
        if item.source_work_id is not None:
            found.setdefault(item.source_work_id, put_code)
    return found
