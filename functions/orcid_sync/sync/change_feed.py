"""The change-feed poller: reads Pure's change feed from the cursor and turns it into work.

- ResearchOutput changes go on `orbit-events` unchanged (the router's contract accepts Pure's items);
- Person changes (an ORCID iD set, an affiliation started or ended) become a full sync of that
  researcher, when they have an active consent;
- other families are counted and dropped; an unreadable item goes to the dead-letter queue with its
  reason, and the rest of its page goes on.

Page by page: the page's messages are sent, then the cursor is saved (conditionally, on the revision
read). A crash in between sends that page again on the next run: duplicates are harmless downstream
(the worker re-reads Orbit and diffs), lost changes would not be. Pure down: nothing is saved, and the
next run starts from the same cursor. A cursor older than Pure keeps changes for: start from now and
queue a full reconciliation of every consent, since the changes in between are lost to the feed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from orcid_sync.domain.feed import FeedPosition
from orcid_sync.jobs.orbit_events import OrbitEventsQueue
from orcid_sync.jobs.sync_jobs import SyncJob, SyncJobQueue, feed_reset_job, person_changed_job
from orcid_sync.observability import logger
from orcid_sync.orbit.changes import ChangeFeed, ChangePage, FeedPositionExpired
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.store.consents import ConsentStatus, ConsentStore
from orcid_sync.store.feed_cursor import CursorMoved, FeedCursor, FeedCursorStore
from orcid_sync.sync.events import MalformedEvent, parse_event
from orcid_sync.sync.nightly import queue_full_syncs

RESEARCH_OUTPUT = "ResearchOutput"
PERSON = "Person"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SOURCE = "pure-change-feed"


@dataclass(frozen=True)
class PollLimits:
    # Bounded work per run: at most this many pages, and none started with less time left than this.
    max_pages: int = 20
    time_reserve_seconds: float = 20.0
    # How long Pure keeps changes (its audit log); a cursor older than this has lost some.
    retention: timedelta = timedelta(days=30)
    # A new cursor starts this far back: Pure's clock (and zone) is not ours, and repeats are harmless.
    start_margin: timedelta = timedelta(minutes=1)


@dataclass
class PollResult:
    pages: int = 0
    families: Counter[str] = field(default_factory=Counter)
    outputs_sent: int = 0
    person_jobs: int = 0
    unreadable: int = 0
    caught_up: bool = False
    # The cursor was too old (or Pure forgot its token): started again from now, everyone reconciled.
    reset: str | None = None
    reconciliation_jobs: int = 0
    # Pure down, slow or answering nonsense: nothing was saved for the page that failed.
    failure: str | None = None
    # Another poller saved the cursor first: this run stopped (what it sent is sent again or was not new).
    cursor_moved: bool = False
    # Now minus when the poller last read to the end of the feed (Pure's items carry no time).
    lag_seconds: float = 0.0
    # Now minus when Pure last answered a page.
    unreachable_seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "families": dict(self.families),
            "outputs_sent": self.outputs_sent,
            "person_jobs": self.person_jobs,
            "unreadable": self.unreadable,
            "caught_up": self.caught_up,
            "reset": self.reset,
            "reconciliation_jobs": self.reconciliation_jobs,
            "failure": self.failure,
            "cursor_moved": self.cursor_moved,
            "lag_seconds": round(self.lag_seconds, 3),
            "unreachable_seconds": round(self.unreachable_seconds, 3),
        }


@dataclass
class _PageWork:
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # uuid → its last item on the page
    persons: dict[str, str] = field(default_factory=dict)  # person uuid → version of its last change
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (body, reason)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ChangeFeedPoller:
    feed: ChangeFeed
    cursors: FeedCursorStore
    events: OrbitEventsQueue
    jobs: SyncJobQueue
    consents: ConsentStore
    limits: PollLimits = field(default_factory=PollLimits)
    clock: Callable[[], datetime] = _now

    def poll(self, seconds_left: Callable[[], float]) -> PollResult:
        """One run: from the cursor, page by page, until caught up or out of budget."""
        result = PollResult()
        stored = self.cursors.get()
        cursor = stored
        try:
            cursor = self._usable_cursor(stored, result)
            while result.pages < self.limits.max_pages and seconds_left() > self.limits.time_reserve_seconds:
                asked_at = self.clock()
                try:
                    page = self.feed.read(cursor.position)
                except FeedPositionExpired as exc:
                    if result.reset is not None:  # once per run: a fresh token refused too is Pure's trouble
                        result.failure = f"Orbit refused a fresh position too: {exc}"
                        break
                    cursor = self._reset(cursor, f"Orbit no longer knows the cursor's token: {exc}", result)
                    continue
                except OrbitUnavailable as exc:
                    result.failure = str(exc)
                    logger.warning(
                        "change feed unreadable; the next run tries again", extra={"error": str(exc)}
                    )
                    break
                result.pages += 1
                self._dispatch(page, cursor.position, result)
                cursor = self.cursors.save(
                    cursor.moved_to(
                        page.next_position or cursor.position,
                        last_read_at=asked_at,
                        caught_up_at=cursor.caught_up_at if page.more_changes else asked_at,
                    ),
                    cursor.revision,
                )
                if not page.more_changes:
                    result.caught_up = True
                    break
        except CursorMoved:
            result.cursor_moved = True
            logger.warning("another poller moved the change-feed cursor; this run stops")
            cursor = self.cursors.get() or cursor
        if cursor is not None:
            self._measure(cursor, result)
        return result

    # --- the cursor ----------------------------------------------------------------------------------
    def _usable_cursor(self, stored: FeedCursor | None, result: PollResult) -> FeedCursor:
        now = self.clock()
        if stored is None:
            logger.info("no change-feed cursor yet: reading from now on")
            return self.cursors.save(self._fresh(now), None)
        # Every change before caught_up_at was read; those after it must still be in Pure.
        read_up_to = stored.caught_up_at or stored.started_at
        if now - read_up_to > self.limits.retention:
            return self._reset(stored, f"cursor last caught up {read_up_to.isoformat()}", result)
        return stored

    def _fresh(self, now: datetime) -> FeedCursor:
        return FeedCursor(since=FeedPosition.at(now - self.limits.start_margin).since, started_at=now)

    def _reset(self, cursor: FeedCursor, why: str, result: PollResult) -> FeedCursor:
        """Changes were lost to the feed: reconcile every consent, then read from now on."""
        now = self.clock()
        logger.warning("change-feed cursor too old: full reconciliation queued", extra={"why": why})
        result.reset = why
        result.reconciliation_jobs = queue_full_syncs(
            self.consents, self.jobs, lambda person: feed_reset_job(person, now)
        )
        # Saved only after the jobs are queued: a crash in between reconciles again, never loses one.
        return self.cursors.save(self._fresh(now), cursor.revision)

    # --- one page -------------------------------------------------------------------------------------
    def _dispatch(self, page: ChangePage, position: FeedPosition, result: PollResult) -> None:
        work = _PageWork()
        for index, item in enumerate(page.items):
            self._sort(item, work, result, fallback_version=f"{position.path_part}#{index}")
        jobs: list[SyncJob] = [
            person_changed_job(person, version)
            for person, version in sorted(work.persons.items())
            if self._consents_actively(person)
        ]
        self.jobs.enqueue_many(jobs)
        self.events.send_many([json.dumps(item) for item in work.outputs.values()])
        for body, reason in work.unreadable:
            self.events.keep_unreadable(body, reason, SOURCE)
        result.person_jobs += len(jobs)
        result.outputs_sent += len(work.outputs)
        result.unreadable += len(work.unreadable)

    def _sort(self, item: Any, work: _PageWork, result: PollResult, fallback_version: str) -> None:
        if not isinstance(item, dict):
            self._unreadable(json.dumps(item), "the change item is not a JSON object", work, result)
            return
        family = _family(item)
        result.families[family or "(none)"] += 1
        if not family:
            self._unreadable(json.dumps(item), "the change item names no family", work, result)
        elif family == RESEARCH_OUTPUT:
            event = {**item, "familySystemName": RESEARCH_OUTPUT}
            try:
                parse_event(json.dumps(event))  # what the router will accept, checked here
            except MalformedEvent as exc:
                self._unreadable(json.dumps(item), str(exc), work, result)
                return
            # Several changes to one output on a page: the worker re-reads Orbit, so the last one does.
            work.outputs.pop(str(item["uuid"]).lower(), None)
            work.outputs[str(item["uuid"]).lower()] = event
        elif family == PERSON:
            uuid = item.get("uuid")
            if not isinstance(uuid, str) or not _UUID.match(uuid):
                self._unreadable(json.dumps(item), "a Person change without a valid uuid", work, result)
                return
            version = item.get("version")
            work.persons[uuid.lower()] = str(version) if isinstance(version, int) else fallback_version

    def _unreadable(self, body: str, reason: str, work: _PageWork, result: PollResult) -> None:
        logger.error("unreadable change item kept in the dead-letter queue", extra={"reason": reason})
        work.unreadable.append((body, reason))

    def _consents_actively(self, person_id: str) -> bool:
        consent = self.consents.get(person_id)
        return consent is not None and consent.status is ConsentStatus.ACTIVE

    def _measure(self, cursor: FeedCursor, result: PollResult) -> None:
        now = self.clock()
        result.lag_seconds = max(0.0, (now - (cursor.caught_up_at or cursor.started_at)).total_seconds())
        result.unreachable_seconds = max(
            0.0, (now - (cursor.last_read_at or cursor.started_at)).total_seconds()
        )


def _family(item: dict[str, Any]) -> str | None:
    """`familySystemName`, or the class name at the end of `family` (some Pure items carry only that)."""
    name = item.get("familySystemName")
    if isinstance(name, str) and name:
        return name
    family = item.get("family")
    if isinstance(family, str) and family:
        return family.rsplit(".", 1)[-1]
    return None
