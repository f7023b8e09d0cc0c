"""Desired state: the works Orbit's outputs should be on the researcher's record, as the planner needs them.

Each eligible output the researcher wrote (and did not leave out) is built into its ORCID work and
hashed, unless its link shows that Orbit has not changed it since its work was pushed by the same
mapping (sync/freshness.py): then the link's hash stands for the work, which is built only if an
action turns out to need it. No I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from orcid_sync.domain.identifiers import external_id_key
from orcid_sync.domain.links import WorkLink
from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.publication import Publication
from orcid_sync.orcid.work import Work, WorkNotSendable
from orcid_sync.orcid.work_xml import content_hash
from orcid_sync.store.consents import Consent
from orcid_sync.sync.apply import SOURCE_WORK_ID
from orcid_sync.sync.choices import left_out
from orcid_sync.sync.freshness import mapping_stamp, unchanged_since_push
from orcid_sync.sync.outputs import OutputProblem
from orcid_sync.sync.planner import ActionKind, DesiredWork, IdKey, SyncPlan
from orcid_sync.sync.work_builder import work_from_publication

# Actions that send the work itself: an output not rebuilt must be built for them.
_SENDS_WORK = frozenset({ActionKind.CREATE, ActionKind.UPDATE, ActionKind.ADOPT})


@dataclass(frozen=True)
class DesiredState:
    desired: dict[str, DesiredWork]
    works: dict[str, Work]
    unbuildable: dict[str, str]  # publication → why its work could not be built
    # The researcher left these out (by output or by kind): not desired, whatever Orbit says.
    left_out: frozenset[str] = frozenset()
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)  # for output_states, by code
    # Desired outputs not rebuilt: Orbit has not changed them since their work was pushed.
    reused: frozenset[str] = frozenset()

    def must_build(self, plan: SyncPlan) -> set[str]:
        """Outputs not rebuilt that an action of `plan` sends the work of (rare: an adoption)."""
        return {a.publication_id for a in plan.actions if a.kind in _SENDS_WORK} & self.reused


@dataclass(frozen=True)
class DesiredBuilder:
    """Builds desired state for one consent; `night` chooses which outputs are rebuilt anyway."""

    consent: Consent
    max_contributors: int
    night: date

    @property
    def mapping(self) -> str:
        return mapping_stamp(self.max_contributors)

    def build(
        self,
        publications: Iterable[Publication],
        modified: Mapping[str, datetime] | None = None,
        links: Mapping[str, WorkLink] | None = None,
        rebuild: Collection[str] = (),
    ) -> DesiredState:
        """Desired state of `publications`. With `links` (and Orbit's `modified` times), an output
        unchanged since its push is not rebuilt, unless named in `rebuild`.
        """
        publications = list(publications)
        state = DesiredState({}, {}, {}, frozenset(left_out(self.consent, publications)))
        reused: set[str] = set()
        for publication in publications:
            pid = publication.uuid.lower()
            if pid in state.left_out or not self._wanted(publication):
                continue
            stamp = (modified or {}).get(pid)
            link = (links or {}).get(pid)
            if pid not in rebuild and self._unchanged(link, stamp):
                assert link is not None
                assert link.content_hash is not None
                state.desired[pid] = self._desired(publication, link.content_hash, frozenset(), stamp)
                reused.add(pid)
                continue
            self._build_one(publication, stamp, state)
        return DesiredState(
            state.desired, state.works, state.unbuildable, state.left_out, state.problems, frozenset(reused)
        )

    def _wanted(self, publication: Publication) -> bool:
        return check_eligibility(publication).eligible and _is_author(publication, self.consent.person_id)

    def _unchanged(self, link: WorkLink | None, stamp: datetime | None) -> bool:
        assert self.consent.orcid is not None
        return unchanged_since_push(link, self.consent.orcid, stamp, self.mapping, self.night)

    def _build_one(self, publication: Publication, stamp: datetime | None, state: DesiredState) -> None:
        pid = publication.uuid.lower()
        try:
            build = work_from_publication(
                publication,
                person_uuid=self.consent.person_id,
                orcid_id=self.consent.orcid,
                max_contributors=self.max_contributors,
            )
        except WorkNotSendable as exc:
            state.unbuildable[pid] = f"its work could not be built: {exc.reason}"
            state.problems[pid] = (OutputProblem.UNBUILDABLE, exc.reason)
            return
        state.works[pid] = build.work
        self_ids = self_id_keys(
            (i.type, i.value) for i in build.work.external_ids if i.relationship == "self"
        )
        state.desired[pid] = self._desired(publication, content_hash(build.work), self_ids, stamp)

    def _desired(
        self, publication: Publication, hashed: str, self_ids: frozenset[IdKey], stamp: datetime | None
    ) -> DesiredWork:
        orcid = self.consent.orcid
        return DesiredWork(
            publication.uuid.lower(),
            hashed,
            self_ids=self_ids,
            pure_put_code=publication.put_code_on(orcid) if orcid else None,
            orbit_modified=stamp,
            mapping=self.mapping,
        )


def self_id_keys(ids: Iterable[tuple[str, str]]) -> frozenset[IdKey]:
    """A work's `self` identifiers as comparable keys, our source-work-id left out."""
    keys = (external_id_key(kind, value) for kind, value in ids if kind != SOURCE_WORK_ID)
    return frozenset(key for key in keys if key is not None)


def _is_author(publication: Publication, person_id: str) -> bool:
    return any((author.person_uuid or "").lower() == person_id.lower() for author in publication.authors)
