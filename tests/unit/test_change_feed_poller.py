"""The poller's own decisions, with in-memory stand-ins for its adapters: racing pollers, the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from orcid_sync.domain.feed import FeedPosition
from orcid_sync.orbit.changes import ChangePage
from orcid_sync.store.feed_cursor import CursorMoved, FeedCursor
from orcid_sync.sync.change_feed import ChangeFeedPoller, PollLimits

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class Cursors:
    """A cursor table where another poller always saves first."""

    def __init__(self, theirs: FeedCursor) -> None:
        self.theirs = theirs
        self.reads = 0

    def get(self) -> FeedCursor | None:
        self.reads += 1
        return None if self.reads == 1 else self.theirs

    def save(self, cursor: FeedCursor, read_revision: int | None) -> FeedCursor:
        raise CursorMoved("the other poller saved first")


class Feed:
    def __init__(self) -> None:
        self.reads: list[FeedPosition] = []

    def read(self, position: FeedPosition) -> ChangePage:
        self.reads.append(position)
        return ChangePage((), FeedPosition(token="next"), more_changes=False)


class Nothing:
    def enqueue_many(self, jobs: Sequence[Any]) -> None: ...

    def send_many(self, bodies: Sequence[str]) -> None: ...


def test_a_poller_that_loses_the_race_to_create_the_cursor_reads_nothing_and_reports_the_winners_lag() -> (
    None
):
    theirs = FeedCursor(token="t", started_at=NOW, caught_up_at=NOW - timedelta(seconds=30), revision=1)
    feed = Feed()
    poller = ChangeFeedPoller(
        feed=feed,  # type: ignore[arg-type]
        cursors=Cursors(theirs),  # type: ignore[arg-type]
        events=Nothing(),  # type: ignore[arg-type]
        jobs=Nothing(),  # type: ignore[arg-type]
        consents=Nothing(),  # type: ignore[arg-type]
        limits=PollLimits(),
        clock=lambda: NOW,
    )

    result = poller.poll(lambda: 60.0)

    assert result.cursor_moved and result.pages == 0 and feed.reads == []
    assert result.lag_seconds == 30
