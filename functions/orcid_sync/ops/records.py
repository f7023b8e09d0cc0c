"""Reading the sync's state as an operator: one researcher in full, or everyone who needs attention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from orcid_sync.domain.orcid_ids import InvalidOrcidId, normalize_orcid_id
from orcid_sync.ops.resources import Resources
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore
from orcid_sync.store.work_links import WorkLinkStore

ERASURE_PREFIX = "erasure#"


class NotFound(LookupError):
    """No consent for that person or ORCID iD."""


@dataclass(frozen=True)
class Problem:
    """One researcher needing attention, by a stable kind."""

    person_id: str
    orcid: str | None
    status: str
    kind: str  # revoked, a run problem code, refused, duplicates, unsendable
    detail: str

    def line(self) -> str:
        return (
            f"{self.person_id}  {self.orcid or '-':19}  {self.status:12}  {self.kind:22}  {self.detail[:70]}"
        )


@dataclass
class ResearcherView:
    consent: Consent
    links: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        data = self.consent.model_dump(mode="json", exclude={"access_token", "refresh_token"})
        data["connected"] = self.consent.access_token is not None
        data["links"] = dict(self.links)
        return data

    def lines(self) -> Iterator[str]:
        c = self.consent
        yield f"{c.name or '(no name)'} · person {c.person_id} · ORCID {c.orcid or '-'} · {c.status.value}"
        yield f"  changed {c.changed_at:%Y-%m-%d %H:%M} UTC · scopes {' '.join(sorted(c.scopes)) or '-'}"
        if c.sync is not None:
            s = c.sync
            yield (
                f"  last run {s.last_run_at:%Y-%m-%d %H:%M} UTC · on ORCID {s.on_orcid} · "
                f"created {s.created} updated {s.updated} deleted {s.deleted} refused {s.failed} · "
                f"left alone {s.left_alone} · private {s.private}"
            )
            if s.run_problem:
                yield f"  run problem: {s.run_problem} — {s.run_problem_text or ''}"
            if s.held_deletions:
                yield f"  deletions held back by the guard: {s.held_deletions}"
            for pid, why in sorted(s.problems.items()):
                yield f"  problem {pid}: {why}"
        yield "  links: " + (", ".join(f"{k} {v}" for k, v in sorted(self.links.items())) or "none")
        yield "  audit trail (newest last):"
        for event in c.history[-15:]:
            yield f"    {event.at:%Y-%m-%d %H:%M} {event.event} {event.orcid or ''}".rstrip()


def find_person(consents: ConsentStore, who: str) -> str:
    """A person uuid for PERSON or ORCID-ID (an iD is looked up in the consents' by-orcid index)."""
    try:
        orcid = normalize_orcid_id(who)
    except InvalidOrcidId:
        return who.lower()
    people = consents.person_ids_for(orcid)
    if not people:
        raise NotFound(f"no consent names ORCID iD {orcid}")
    for person in people:  # the active one first, if several (an iD reconnected by someone else)
        consent = consents.get(person)
        if consent is not None and consent.status is ConsentStatus.ACTIVE:
            return person
    return people[0]


def researcher(resources: Resources, who: str) -> ResearcherView:
    consents = ConsentStore(resources.consents_table)
    person = find_person(consents, who)
    consent = consents.get(person)
    if consent is None:
        raise NotFound(f"no consent for {who}")
    links = WorkLinkStore(resources.work_links_table).of_person(person)
    states = Counter(
        link.state.value for link in links.values() if consent.orcid is None or link.is_for(consent.orcid)
    )
    return ResearcherView(consent, states)


def problems(resources: Resources) -> Iterator[Problem]:
    """Everyone needing attention: revoked consents and every active consent whose summary names a problem."""
    consents = ConsentStore(resources.consents_table)
    for consent in consents.all_consents():
        if consent.person_id.startswith(ERASURE_PREFIX):
            continue
        yield from _problems_of(consent)


def _problems_of(consent: Consent) -> Iterator[Problem]:
    def problem(kind: str, detail: str) -> Problem:
        return Problem(consent.person_id, consent.orcid, consent.status.value, kind, detail)

    if consent.status is ConsentStatus.REVOKED:
        yield problem("revoked", "the researcher removed DTU Orbit on orcid.org; they must connect again")
        return
    if consent.status is not ConsentStatus.ACTIVE or consent.sync is None:
        return
    summary = consent.sync
    if summary.run_problem:
        yield problem(summary.run_problem, summary.run_problem_text or "")
    refused = {pid: why for pid, why in summary.problems.items() if why.startswith("ORCID refused")}
    duplicates = {pid: why for pid, why in summary.problems.items() if "same identifier" in why}
    if refused:
        yield problem("refused", f"{len(refused)} work(s) refused; first: {sorted(refused.items())[0][1]}")
    if duplicates:
        yield problem("duplicates", f"{len(duplicates)} output(s) share an identifier with another")
    if summary.unsendable:
        first = sorted(summary.unsendable.items())[0]
        yield problem(
            "unsendable", f"{len(summary.unsendable)} output(s) kept as they are; first: {first[1]}"
        )
