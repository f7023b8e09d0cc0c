"""Where reading Pure's change feed resumes: pure data, shared by the feed adapter and the cursor store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

# Pure's change feed takes a date-time in this form in place of a resumption token.
_DATE_FORMAT = "%Y-%m-%d_%H-%M-%S"


@dataclass(frozen=True)
class FeedPosition:
    """Where reading resumes: a resumption token, or (first call, or after a reset) a date-time."""

    token: str | None = None
    since: datetime | None = None

    def __post_init__(self) -> None:
        if (self.token is None) == (self.since is None):
            raise ValueError("a feed position is either a resumption token or a date-time")

    @classmethod
    def at(cls, moment: datetime) -> FeedPosition:
        return cls(since=moment.astimezone(UTC).replace(microsecond=0))

    @property
    def path_part(self) -> str:
        """The path segment Pure expects: the token as given, or the date-time in Pure's format (UTC)."""
        if self.token is not None:
            return quote(self.token, safe="")
        assert self.since is not None
        return self.since.astimezone(UTC).strftime(_DATE_FORMAT)
