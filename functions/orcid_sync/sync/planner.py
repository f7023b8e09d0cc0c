"""The sync planner: desired (Orbit) × remembered (work links) × actual (ORCID) → what to do. No I/O.

Rules, per Orbit output:
- wanted, never pushed → create; but if ORCID already holds our item for it (a put-code lost between
  ORCID's 201 and our write) → adopt that put-code and update it, never a second copy;
- wanted, pushed, unchanged → nothing; changed → update;
- wanted, pushed, gone from ORCID → the researcher deleted it: remember that, do not push again
  (unless they ask to restore);
- wanted, refused earlier (rejected, or a duplicate of another output) → try again only if it changed;
- positively unwanted (Orbit says: deleted, no longer eligible, no longer an author) → delete the work
  our link names for this ORCID iD, then forget the link;
- wanted, never pushed, but Pure's own export made a work for it (the put-code Pure recorded, or the
  one legacy work sharing a `self` identifier) → adopt that work; Pure's put-code gone from the record →
  the researcher deleted it: remember that; several legacy candidates → leave them all and report it;
- anything else is left exactly as it is. Unknown is not unwanted: an output Orbit could not tell us
  about keeps its work, and a work of ours that no link of this researcher names for this iD is never
  deleted (another Orbit person's, an earlier export's, a copy whose answer we lost).

A full sync that would delete many works at once is held back by `hold_mass_deletion` until an
operator confirms it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from orcid_sync.domain.links import LinkState, WorkLink

# An identifier as (type, normalized value): two works sharing one are the same work to ORCID.
IdKey = tuple[str, str]


@dataclass(frozen=True)
class DesiredWork:
    """An Orbit output that should be on the researcher's ORCID record, and the hash of its work."""

    publication_id: str
    content_hash: str
    # The work's `self` identifiers other than our source-work-id (DOI, ISBN, PMID, ...).
    self_ids: frozenset[IdKey] = frozenset()
    # The put-code Pure's own export recorded for this output on this researcher's record, if any.
    pure_put_code: int | None = None
    # Not planned by: remembered with the link when the work is pushed (sync/freshness.py).
    orbit_modified: datetime | None = field(default=None, compare=False)
    mapping: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OrcidItem:
    """One of our client's works on the ORCID record (from GET /works), by put-code and source-work-id.

    A work without our source-work-id is legacy: Pure's own export made it with the same client.
    """

    put_code: int
    source_work_id: str | None
    self_ids: frozenset[IdKey] = frozenset()

    @property
    def is_legacy(self) -> bool:
        return self.source_work_id is None


class ActionKind(StrEnum):
    CREATE = "create"  # POST (bulk when several)
    UPDATE = "update"  # PUT put_code
    ADOPT = "adopt"  # record put_code found on ORCID, then PUT it
    DELETE = "delete"  # DELETE put_code, then forget the link
    MARK_REMOVED = "mark_removed"  # no ORCID call: the researcher deleted it
    FORGET = "forget"  # no ORCID call: drop a link that names nothing on ORCID


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    publication_id: str
    put_code: int | None = None
    reason: str = field(default="", compare=False)


@dataclass(frozen=True)
class SyncPlan:
    actions: tuple[Action, ...] = field(default_factory=tuple)
    # Deletions the mass-deletion guard held back (not in `actions`).
    held: tuple[Action, ...] = field(default_factory=tuple)
    # Outputs that match several works of Pure's earlier export: none is adopted, nothing is created.
    ambiguous: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # Works of Pure's earlier export (our client, no source-work-id) that no output adopts: left alone.
    legacy_left_alone: tuple[int, ...] = ()

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
    orcid: str | None = None,
    unwanted: Collection[str] = (),
    scope: Collection[str] | None = None,
    keep: Collection[str] = (),
    restore: bool = False,
) -> SyncPlan:
    """Plan one researcher's sync.

    `desired` are the outputs Orbit wants on ORCID; `unwanted` those Orbit positively says it no longer
    wants for this researcher. Any other output is unknown and left as it is. `orcid` is the iD of the
    consent: links made for another iD are ignored (None: every link counts, for tests of one record).
    `actual` is None when ORCID was not read (a job about one output): links are then trusted.
    `scope` limits the plan to some outputs (a job about one output). `keep` names outputs to leave
    exactly as they are (their work could not be built this time). `restore` re-pushes works the
    researcher removed.
    """
    links = {pid: link for pid, link in remembered.items() if orcid is None or link.is_for(orcid)}
    candidates = set(desired) | set(links) | set(unwanted)
    in_scope = (candidates & set(scope) if scope is not None else candidates) - set(keep)
    ours_by_source = _by_source(actual) if actual is not None else {}
    legacy = _LegacyMatch.of(desired, links, actual)
    actions: list[Action] = []
    for publication_id in sorted(in_scope):
        wanted = desired.get(publication_id)
        link = links.get(publication_id)
        action: Action | None = None
        if wanted is not None:
            action = _plan_wanted(wanted, link, actual, ours_by_source, legacy, restore)
        elif publication_id in unwanted:
            action = _plan_unwanted(publication_id, link, actual)
        if action is not None:
            actions.append(action)
    adopted = {a.put_code for a in actions if a.kind is ActionKind.ADOPT}
    left_alone = tuple(sorted(pc for pc in legacy.items if pc not in adopted)) if scope is None else ()
    ambiguous = {pid: pcs for pid, pcs in legacy.ambiguous.items() if pid in in_scope}
    return SyncPlan(tuple(actions), ambiguous=ambiguous, legacy_left_alone=left_alone)


def _plan_wanted(
    wanted: DesiredWork,
    link: WorkLink | None,
    actual: Mapping[int, OrcidItem] | None,
    ours_by_source: Mapping[str, int],
    legacy: _LegacyMatch,
    restore: bool,
) -> Action | None:
    pid = wanted.publication_id
    if _still_on_orcid(link, actual):
        assert link is not None  # for the type checker: _still_on_orcid is False without a link
        if link.content_hash == wanted.content_hash:
            return None
        return Action(ActionKind.UPDATE, pid, link.put_code, "changed in Orbit")
    if _refused_unchanged(wanted, link):
        return None  # refused before and unchanged since: asking again would be refused again
    # From here on we hold no put-code that ORCID still has. If ORCID holds our item for this output
    # anyway (a write whose answer we lost), take it over rather than create a second copy.
    if pid in ours_by_source:
        return Action(ActionKind.ADOPT, pid, ours_by_source[pid], "our own copy, whose answer was lost")
    if link is None:
        return _take_over(wanted, actual, legacy, restore)
    if link.state in (LinkState.SYNCED, LinkState.REMOVED_BY_RESEARCHER):
        if restore:
            return Action(ActionKind.CREATE, pid, reason="restored at the researcher's request")
        if link.state is LinkState.SYNCED:
            return Action(ActionKind.MARK_REMOVED, pid, link.put_code, "the researcher deleted it on ORCID")
        return None
    return Action(ActionKind.CREATE, pid, reason="changed since ORCID refused it")  # try again


def _take_over(
    wanted: DesiredWork, actual: Mapping[int, OrcidItem] | None, legacy: _LegacyMatch, restore: bool
) -> Action | None:
    """A wanted output we never pushed: adopt the work Pure's export made for it, or create one."""
    pid, recorded = wanted.publication_id, wanted.pure_put_code
    if recorded is not None:
        if actual is None or recorded in actual:
            # Without a read of the record the PUT finds out: 404 means the researcher deleted it.
            return Action(
                ActionKind.ADOPT, pid, recorded, "made by Pure's export (put-code recorded in Orbit)"
            )
        if not restore:
            return Action(
                ActionKind.MARK_REMOVED,
                pid,
                recorded,
                "made by Pure's export, since deleted by the researcher",
            )
        return Action(ActionKind.CREATE, pid, reason="restored at the researcher's request")
    if pid in legacy.adopt:
        return Action(ActionKind.ADOPT, pid, legacy.adopt[pid], "made by Pure's export (same identifier)")
    if pid in legacy.ambiguous:
        return None  # several works of the earlier export match: leave them all, report it
    return Action(ActionKind.CREATE, pid, reason="new in Orbit")


def _refused_unchanged(wanted: DesiredWork, link: WorkLink | None) -> bool:
    if link is None or link.state not in (LinkState.REJECTED, LinkState.DUPLICATE_OF):
        return False
    return link.content_hash == wanted.content_hash


def _still_on_orcid(link: WorkLink | None, actual: Mapping[int, OrcidItem] | None) -> bool:
    """A synced link whose put-code ORCID still has (or, without a read of ORCID, is trusted to have)."""
    if link is None or link.state is not LinkState.SYNCED or link.put_code is None:
        return False
    return actual is None or link.put_code in actual


def _plan_unwanted(
    publication_id: str, link: WorkLink | None, actual: Mapping[int, OrcidItem] | None
) -> Action | None:
    """Orbit positively no longer wants this output: delete the work our link names, if it is ours."""
    if link is None:
        return None  # nothing of ours that we can prove: leave the record alone
    if link.state is not LinkState.SYNCED or link.put_code is None:
        return Action(ActionKind.FORGET, publication_id, reason="no longer wanted; nothing on ORCID")
    if actual is None:  # the link is our proof
        return Action(ActionKind.DELETE, publication_id, link.put_code, "Orbit no longer wants it")
    item = actual.get(link.put_code)
    if item is not None and item.source_work_id == publication_id:
        return Action(ActionKind.DELETE, publication_id, link.put_code, "Orbit no longer wants it")
    # Gone already (the researcher deleted it), or the put-code now holds something that is not this
    # output's work: nothing to delete; the link names nothing of ours.
    return Action(ActionKind.FORGET, publication_id, link.put_code, "no longer wanted; already gone")


@dataclass(frozen=True)
class _LegacyMatch:
    """Which works of Pure's earlier export (our client, no source-work-id) each output takes over.

    A work Pure recorded for an output is that output's. Otherwise an output without a link adopts a
    legacy work only when they share a `self` identifier and neither has another candidate; anything
    else is ambiguous and left alone.
    """

    items: frozenset[int] = frozenset()
    adopt: Mapping[str, int] = field(default_factory=dict)
    ambiguous: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        desired: Mapping[str, DesiredWork],
        links: Mapping[str, WorkLink],
        actual: Mapping[int, OrcidItem] | None,
    ) -> _LegacyMatch:
        if actual is None:
            return cls()
        legacy = {pc: item for pc, item in actual.items() if item.is_legacy}
        recorded = {w.pure_put_code for w in desired.values() if w.pure_put_code is not None}
        candidates = {
            pid: tuple(
                sorted(pc for pc, item in legacy.items() if pc not in recorded and item.self_ids & w.self_ids)
            )
            for pid, w in desired.items()
            if pid not in links and w.pure_put_code is None
        }
        claims = Counter(pc for pcs in candidates.values() for pc in pcs)
        adopt = {pid: pcs[0] for pid, pcs in candidates.items() if len(pcs) == 1 and claims[pcs[0]] == 1}
        ambiguous = {pid: pcs for pid, pcs in candidates.items() if pcs and pid not in adopt}
        return cls(frozenset(legacy), adopt, ambiguous)


def _by_source(actual: Mapping[int, OrcidItem]) -> dict[str, int]:
    """source-work-id → put-code, lowest put-code first if ORCID somehow holds two."""
    found: dict[str, int] = {}
    for put_code, item in sorted(actual.items()):
        if item.source_work_id is not None:
            found.setdefault(item.source_work_id, put_code)
    return found


@dataclass(frozen=True)
class DeletionLimits:
    """A full sync may delete at most `min_works` works, or `max_share` of ours on the record if more."""

    min_works: int = 10
    max_share: float = 0.25


def hold_mass_deletion(
    plan: SyncPlan, ours_on_record: int, limits: DeletionLimits, *, exempt: Collection[str] = ()
) -> SyncPlan:
    """Hold back every deletion when a plan would delete more than both limits allow.

    A plan that deletes more than `limits.min_works` works *and* more than `limits.max_share` of the
    works of ours on the record deletes nothing; the rest of the plan goes ahead. Deletions of the
    outputs in `exempt` (the researcher asked for them) neither count nor are held.
    """
    asked = set(exempt)
    deletes = [a for a in plan.of_kind(ActionKind.DELETE) if a.publication_id not in asked]
    if len(deletes) <= limits.min_works or len(deletes) <= limits.max_share * ours_on_record:
        return plan
    kept = tuple(action for action in plan.actions if action not in deletes)
    return SyncPlan(kept, held=tuple(deletes))
