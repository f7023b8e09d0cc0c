"""The change-feed cursor: where the poller resumes reading Pure's change feed, one item per feed.

Every save is conditional on the revision that was read, so two pollers (a slow run overlapping the
next one) cannot both move the cursor: the second one's save fails with CursorMoved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from orcid_sync.domain.feed import FeedPosition
from orcid_sync.store.items import TableStore, from_item, to_item

PURE_CHANGES = "pure-changes"


class CursorMoved(Exception):
    """Another poller saved the cursor since this one read it; this run's reading is not recorded."""


class FeedCursor(BaseModel):
    model_config = ConfigDict(frozen=True)

    feed: str = PURE_CHANGES
    # Exactly one of token / since: a resumption token, or the date-time to start from.
    token: str | None = None
    since: datetime | None = None
    # Bumped by every save; the condition of the next one.
    revision: int = 0
    # When this position was first taken (the first run, or a reset because it was too old).
    started_at: datetime
    # When Pure last answered a page: the age that decides whether the cursor is too old.
    last_read_at: datetime | None = None
    # When the poller last read to the end of the feed (moreChanges false): the lag is measured from it.
    caught_up_at: datetime | None = None

    @model_validator(mode="after")
    def _one_position(self) -> FeedCursor:
        if (self.token is None) == (self.since is None):
            raise ValueError("a cursor holds either a resumption token or a date-time")
        return self

    @property
    def position(self) -> FeedPosition:
        return FeedPosition(token=self.token, since=self.since)

    def moved_to(self, position: FeedPosition, **changes: Any) -> FeedCursor:
        return self.model_copy(update={"token": position.token, "since": position.since, **changes})


class FeedCursorStore(TableStore):
    def get(self, feed: str = PURE_CHANGES) -> FeedCursor | None:
        answer = self._db.get_item(TableName=self._table, Key=to_item({"feed": feed}), ConsistentRead=True)
        item = answer.get("Item")
        return FeedCursor.model_validate(from_item(item)) if item else None

    def save(self, cursor: FeedCursor, read_revision: int | None) -> FeedCursor:
        """Store `cursor` if nobody saved since `read_revision` was read (None: there was no cursor).

        Returns the cursor as stored (its revision bumped); raises CursorMoved otherwise.
        """
        stored = cursor.model_copy(update={"revision": (read_revision or 0) + 1})
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(feed)"}
            if read_revision is None
            else {
                "ConditionExpression": "revision = :read",
                "ExpressionAttributeValues": to_item({":read": read_revision}),
            }
        )
        try:
            self._db.put_item(
                TableName=self._table, Item=to_item(stored.model_dump(mode="json")), **condition
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            raise CursorMoved(f"the {cursor.feed} cursor was saved by another poller") from None
        return stored
