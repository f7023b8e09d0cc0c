"""Pure's change feed (WS only): `GET /ws/api/524/changes/{yyyy-MM-dd_HH-mm-ss | resumptionToken}`.

Each answer is one page: `count` (items on this page only, 0 when Pure filtered everything the API key
may not see), `resumptionToken` (where the next page starts), `moreChanges`, and `items`, each
`{uuid, changeType, family, familySystemName, version}` — no time. Items are returned as Pure sent
them: what to make of each one is the poller's business, and an unreadable item must not cost its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orcid_sync.domain.feed import FeedPosition
from orcid_sync.orbit.http import OrbitHttp, OrbitUnavailable

WS_CHANGES = "/ws/api/524/changes"

# Pure's own date-time form for the first call, e.g. 2017-04-24_13-30-00.

# Answers to a resumption token that mean "this position no longer exists" (Pure forgot those changes).
_GONE = {404, 410}


class FeedPositionExpired(Exception):
    """Pure no longer knows the cursor's resumption token: the changes since then are lost to the feed."""


@dataclass(frozen=True)
class ChangePage:
    items: tuple[Any, ...]
    # Where the next call starts; Pure always sends one, even on the last page (None only if it did not).
    next_position: FeedPosition | None
    more_changes: bool


class ChangeFeed:
    def __init__(self, http: OrbitHttp) -> None:
        self._http = http

    def read(self, position: FeedPosition) -> ChangePage:
        """One page from `position`.

        Raises OrbitUnavailable (Pure down, or a page that is not a change list: nothing on it can be
        trusted, so the cursor stays) and FeedPositionExpired (a token Pure no longer knows).
        """
        try:
            data = self._http.get(f"{WS_CHANGES}/{position.path_part}")
        except OrbitUnavailable as exc:
            if position.token is not None and exc.status in _GONE:
                raise FeedPositionExpired(str(exc)) from None
            raise
        if data is None:
            if position.token is not None:
                raise FeedPositionExpired("Orbit answered 404 for the cursor's resumption token")
            raise OrbitUnavailable("Orbit answered 404 for the change feed: is the changes endpoint granted?")
        return _page(data)


def _page(data: dict[str, Any]) -> ChangePage:
    more = data.get("moreChanges")
    if not isinstance(more, bool):
        raise OrbitUnavailable("Orbit's change page has no moreChanges: not a change list")
    items = data.get("items") or []
    if not isinstance(items, list):
        raise OrbitUnavailable("Orbit's change page has items that are not a list")
    token = data.get("resumptionToken")
    if token is not None and (not isinstance(token, str) or not token):
        raise OrbitUnavailable("Orbit's change page has an unreadable resumptionToken")
    if more and token is None:
        # Without a token there is no way on; reading again from the same place would loop forever.
        raise OrbitUnavailable("Orbit's change page says there are more changes but gives no resumptionToken")
    return ChangePage(
        items=tuple(items),
        next_position=FeedPosition(token=token) if token else None,
        more_changes=more,
    )
