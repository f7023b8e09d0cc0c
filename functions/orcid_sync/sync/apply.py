"""Carrying out a sync plan against ORCID, and remembering each outcome in `work_links`.

Outcomes per work: created/updated/adopted → synced with put-code and hash; 409/9021 → the put-code is
read from the answer, confirmed in GET /activities, recorded, and the work PUT (or, when the put-code is
another Orbit output's, the duplicate is recorded on both); 404 on PUT → removed by the researcher;
permanent 400s → rejected with ORCID's message. Transient failures propagate: the job is retried and,
because the planner diffs against what was recorded, work already done is not done twice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from orcid_sync.observability import logger
from orcid_sync.orcid.activities import Activities
from orcid_sync.orcid.client import BULK_LIMIT, OrcidWorksClient
from orcid_sync.orcid.errors import (
    NotOurItem,
    OrcidError,
    PutCodeGone,
    RecordMerged,
    RecordUnavailable,
    TokenRevoked,
    Transient,
    WorkConflict,
)
from orcid_sync.orcid.summaries import WorkSummary
from orcid_sync.orcid.work import Work
from orcid_sync.store.work_links import LinkState, WorkLink, WorkLinkStore
from orcid_sync.sync.planner import Action, ActionKind, DesiredWork, SyncPlan

SOURCE_WORK_ID = "source-work-id"

# These stop the whole run; every other OrcidError is about one work. A merged record answers 301/9007
# to any write: that is about the record, never a refusal of the work.
_STOPPERS = (Transient, TokenRevoked, RecordUnavailable, RecordMerged)


def source_work_id(summary: WorkSummary) -> str | None:
    """The Orbit uuid our work carries as its `self` source-work-id."""
    for external_id in summary.self_ids:
        if external_id.type == SOURCE_WORK_ID:
            return external_id.value.lower()
    return None


@dataclass
class RunCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    adopted: int = 0
    removed_by_researcher: int = 0
    duplicates: int = 0
    failed: int = 0


@dataclass
class PlanRunner:
    person_id: str
    orcid_id: str
    # Decrypts the access token; called once, and only when the run calls ORCID.
    token_source: Callable[[], str]
    client: OrcidWorksClient
    links: WorkLinkStore
    clock: Callable[[], datetime]
    counts: RunCounts = field(default_factory=RunCounts)
    deleted: set[int] = field(default_factory=set)  # put-codes this run deleted
    touched: set[str] = field(default_factory=set)  # outputs whose link this run wrote
    _ours: dict[int, WorkSummary] | None = None
    _activities: Activities | None = None
    _token: str | None = field(default=None, repr=False)

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.token_source()
        return self._token

    def activities(self) -> Activities:
        """Our works and employments on the record: one `GET /activities` per run at most."""
        if self._activities is None:
            self._activities = self.client.read_activities(self.orcid_id, self.token)
        return self._activities

    def our_works(self) -> list[WorkSummary]:
        """Our works on the record (read with the employments, once per run)."""
        if self._ours is None:
            self._ours = {s.put_code: s for s in self.activities().works}
        return list(self._ours.values())

    def run(self, plan: SyncPlan, desired: Mapping[str, DesiredWork], works: Mapping[str, Work]) -> None:
        creates = plan.of_kind(ActionKind.CREATE)
        if len(creates) >= 2:
            self._create_in_bulk(creates, desired, works)
        for action in creates if len(creates) < 2 else []:
            self._create(action.publication_id, desired[action.publication_id], works[action.publication_id])
        for action in plan.actions:
            if action.kind in (ActionKind.UPDATE, ActionKind.ADOPT):
                self._update(action, desired[action.publication_id], works[action.publication_id])
            elif action.kind is ActionKind.DELETE:
                self._delete(action)
            elif action.kind is ActionKind.MARK_REMOVED:
                self.links.put(self._link(action.publication_id, LinkState.REMOVED_BY_RESEARCHER, None, None))
                self.counts.removed_by_researcher += 1
            elif action.kind is ActionKind.FORGET:
                self.links.delete(self.person_id, action.publication_id)

    # --- one kind of action each ----------------------------------------------------------------------
    def _create(self, pid: str, wanted: DesiredWork, work: Work) -> None:
        try:
            put_code = self.client.add_work(self.orcid_id, self.token, work)
        except WorkConflict as conflict:
            self._resolve_conflict(pid, wanted, work, conflict)
            return
        except _STOPPERS:
            raise
        except OrcidError as exc:
            self._reject(pid, wanted, None, exc)
            return
        self.links.put(self._link(pid, LinkState.SYNCED, put_code, wanted.content_hash, wanted=wanted))
        self.counts.created += 1

    def _create_in_bulk(
        self, creates: list[Action], desired: Mapping[str, DesiredWork], works: Mapping[str, Work]
    ) -> None:
        pids = [action.publication_id for action in creates]
        for start in range(0, len(pids), BULK_LIMIT):
            chunk = pids[start : start + BULK_LIMIT]
            results = self.client.add_works(self.orcid_id, self.token, [works[pid] for pid in chunk])
            # Record every created work (25 to a DynamoDB call) before anything else can stop the run.
            created = [
                self._link(pid, LinkState.SYNCED, result, desired[pid].content_hash, wanted=desired[pid])
                for pid, result in zip(chunk, results, strict=True)
                if isinstance(result, int)
            ]
            self.links.put_many(created)
            self.counts.created += len(created)
            for pid, result in zip(chunk, results, strict=True):
                if isinstance(result, int):
                    continue
                if isinstance(result, WorkConflict):
                    self._resolve_conflict(pid, desired[pid], works[pid], result)
                elif isinstance(result, _STOPPERS):
                    raise result
                else:
                    self._reject(pid, desired[pid], None, result)

    def _update(self, action: Action, wanted: DesiredWork, work: Work) -> None:
        pid, put_code = action.publication_id, action.put_code
        assert put_code is not None
        if action.kind is ActionKind.ADOPT:
            # Record the found put-code first: if we crash now, the next run updates instead of creating.
            self.links.put(self._link(pid, LinkState.SYNCED, put_code, None))
        try:
            self.client.update_work(self.orcid_id, self.token, put_code, work)
        except PutCodeGone:
            self.links.put(self._link(pid, LinkState.REMOVED_BY_RESEARCHER, None, None))
            self.counts.removed_by_researcher += 1
            return
        except NotOurItem:
            # Not ours after all: forget the put-code; the next run matches the output again.
            self.links.delete(self.person_id, pid)
            return
        except _STOPPERS:
            raise
        except OrcidError as exc:
            self._reject(pid, wanted, put_code, exc)
            return
        self.links.put(self._link(pid, LinkState.SYNCED, put_code, wanted.content_hash, wanted=wanted))
        if action.kind is ActionKind.ADOPT:
            self.counts.adopted += 1
        else:
            self.counts.updated += 1

    def _delete(self, action: Action) -> None:
        assert action.put_code is not None
        with contextlib.suppress(NotOurItem):  # someone else's item: nothing of ours to delete
            self.client.delete_work(self.orcid_id, self.token, action.put_code)
        self.links.delete(self.person_id, action.publication_id)
        self.deleted.add(action.put_code)
        self.counts.deleted += 1

    def _resolve_conflict(self, pid: str, wanted: DesiredWork, work: Work, conflict: WorkConflict) -> None:
        """409/9021: ORCID already holds a work from us with the same self identifier."""
        self.our_works()
        assert self._ours is not None
        if conflict.put_code is not None and conflict.put_code not in self._ours:
            # Read before this run's own writes (a bulk call can conflict with a work it just made):
            # read the record again, once per conflict, rather than call ORCID's answer a refusal.
            self._ours, self._activities = None, None
            self.our_works()
            assert self._ours is not None
        summary = self._ours.get(conflict.put_code or -1)
        if summary is None:
            self._reject(pid, wanted, None, conflict)
            return
        holder = source_work_id(summary)
        if holder == pid or holder is None:
            # Our own earlier write whose answer was lost, or the work Pure's earlier export made with
            # our client for this output (it shares a self identifier): take it over, bring it up to date.
            self._update(Action(ActionKind.ADOPT, pid, summary.put_code), wanted, work)
            return
        # Another Orbit output holds the same identifier (e.g. the same DOI): record it on both, push neither.
        message = f"same identifier as Orbit output {holder} (ORCID work {summary.put_code})"
        self.links.put(
            self._link(pid, LinkState.DUPLICATE_OF, None, wanted.content_hash, message, holder, wanted=wanted)
        )
        other = self.links.get(self.person_id, holder) if holder else None
        if other is not None:
            self.links.put(other.model_copy(update={"message": f"same identifier as Orbit output {pid}"}))
            self.touched.add(other.publication_id)
        self.counts.duplicates += 1
        logger.warning(
            "two Orbit outputs share an identifier", extra={"publication_id": pid, "other": holder}
        )

    def _reject(self, pid: str, wanted: DesiredWork, put_code: int | None, exc: OrcidError) -> None:
        code = f"{exc.error_code}: " if exc.error_code else ""
        self.links.put(
            self._link(
                pid, LinkState.REJECTED, put_code, wanted.content_hash, f"{code}{exc.message}", wanted=wanted
            )
        )
        self.counts.failed += 1
        logger.warning("ORCID refused a work", extra={"publication_id": pid, "error_code": exc.error_code})

    def _link(
        self,
        pid: str,
        state: LinkState,
        put_code: int | None,
        content_hash: str | None,
        message: str | None = None,
        duplicate_of: str | None = None,
        *,
        wanted: DesiredWork | None = None,
    ) -> WorkLink:
        """The link to write for `pid`; built from `wanted`, it remembers when Orbit last changed the
        output and the mapping (sync/freshness.py)."""
        self.touched.add(pid)
        return WorkLink(
            person_id=self.person_id,
            publication_id=pid,
            state=state,
            orcid=self.orcid_id,
            put_code=put_code,
            content_hash=content_hash,
            duplicate_of=duplicate_of,
            message=message,
            changed_at=self.clock(),
            orbit_modified=wanted.orbit_modified if wanted else None,
            mapping=wanted.mapping if wanted else None,
        )
