"""Every Orbit output of a researcher, accounted for: what happened to each, grouped. No I/O.

Joins Orbit's side (output_states, written by the worker), ORCID's side (the work links for the
consent's iD) and the researcher's choices. A work our link says is on ORCID is counted there whatever
else holds, so the "On ORCID" group always equals the summary's count and the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.store.consents import Consent
from orcid_sync.store.output_states import OutputState

PAGE_SIZE = 25


class Group(StrEnum):
    """What happened to an output, in the order the page shows the groups."""

    REFUSED = "refused"
    CANNOT_SEND = "cannot_send"
    DUPLICATE = "duplicate"
    REMOVED = "removed"
    WAITING = "waiting"
    ON_ORCID = "on_orcid"
    LEFT_OUT = "left_out"
    STAYS = "stays"


@dataclass(frozen=True)
class OutputRow:
    publication_id: str
    group: Group
    title: str | None
    kind: str | None
    year: int | None
    url: str | None
    # Why, by code: a stays reason, a problem code, "leaving", "left_out", "left_out_kind".
    why: str | None = None
    detail: str | None = None  # ORCID's or Orbit's own words, shown after ours
    put_code: int | None = None
    duplicate_of: str | None = None  # the other output's title (or uuid)
    left_out: bool = False


@dataclass(frozen=True)
class OutputsView:
    groups: dict[Group, list[OutputRow]] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)  # kind → how many of the researcher's outputs

    def count(self, group: Group) -> int:
        return len(self.groups.get(group, []))

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.groups.values())


def _row(
    pid: str, state: OutputState | None, link: WorkLink | None, consent: Consent, titles: Mapping[str, str]
) -> OutputRow:
    kind = state.kind if state else None
    base = OutputRow(
        publication_id=pid,
        group=Group.WAITING,
        title=state.title if state else None,
        kind=kind,
        year=state.year if state else None,
        url=state.url if state else None,
    )
    by_output = pid in consent.choices.excluded_outputs
    by_kind = kind is not None and kind in consent.choices.excluded_kinds
    left_out = by_output or by_kind
    if link is not None and link.state is LinkState.SYNCED and link.put_code is not None:
        return replace(
            base,
            group=Group.ON_ORCID,
            why="leaving" if left_out else None,
            put_code=link.put_code,
            left_out=left_out,
        )
    if left_out:
        why = "left_out" if by_output else "left_out_kind"
        return replace(base, group=Group.LEFT_OUT, why=why, left_out=True)
    if state is not None and state.stays:
        return replace(base, group=Group.STAYS, why=state.stays)
    if state is not None and state.problem:
        return replace(base, group=Group.CANNOT_SEND, why=state.problem, detail=state.detail)
    if link is not None and link.state is LinkState.REJECTED:
        return replace(base, group=Group.REFUSED, detail=link.message)
    if link is not None and link.state is LinkState.DUPLICATE_OF:
        other = titles.get(link.duplicate_of or "") or link.duplicate_of
        return replace(base, group=Group.DUPLICATE, duplicate_of=other)
    if link is not None and link.state is LinkState.REMOVED_BY_RESEARCHER:
        return replace(base, group=Group.REMOVED)
    return replace(base, group=Group.WAITING)


def outputs_view(
    consent: Consent, links: Mapping[str, WorkLink], states: Mapping[str, OutputState]
) -> OutputsView:
    """Each output of the researcher once, in its group; groups sorted newest first, then by title."""
    mine = {pid: link for pid, link in links.items() if consent.orcid and link.is_for(consent.orcid)}
    titles = {pid: state.title for pid, state in states.items() if state.title}
    groups: dict[Group, list[OutputRow]] = {}
    kinds: dict[str, int] = {}
    for pid in sorted(set(states) | set(mine)):
        state = states.get(pid)
        row = _row(pid, state, mine.get(pid), consent, titles)
        groups.setdefault(row.group, []).append(row)
        if row.kind:
            kinds[row.kind] = kinds.get(row.kind, 0) + 1
    for rows in groups.values():
        rows.sort(key=lambda r: (-(r.year or 0), (r.title or "").lower(), r.publication_id))
    ordered = {group: groups[group] for group in Group if group in groups}
    return OutputsView(ordered, dict(sorted(kinds.items())))


def page_of(rows: list[OutputRow], page: int) -> tuple[list[OutputRow], int]:
    """The rows of one page (1-based, clamped) and the number of pages."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], pages
