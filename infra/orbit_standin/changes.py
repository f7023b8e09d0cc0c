"""Pure's change feed, stood in: every edit of the Orbit stand-in is an audit entry, read back in pages.

Shaped as the real answers in ../shared/pure-samples/umn-ws-changes-responses.json: `count` (this
page's items), `resumptionToken` (base64 of `{"sequenceNumber": n}`, as Pure's), `moreChanges`,
`navigationLinks` and `items` of `{uuid, changeType, family, familySystemName, version}`. A page covers
a window of audit sequence numbers, and entries of families the API key may not read are filtered out,
so a page can hold 0 items while `moreChanges` is true — as on the real feed.

Assumptions where the real behaviour is unknown: dates are read as UTC; a token older than what the
stand-in still keeps (`forget_before`) answers 404.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

FAMILIES = {
    "ResearchOutput": "dk.atira.pure.api.shared.model.researchoutput.ResearchOutput",
    "Person": "dk.atira.pure.api.shared.model.person.Person",
    "Organisation": "dk.atira.pure.api.shared.model.organisation.Organisation",
    "ImportResult": "dk.atira.pure.api.shared.contentimport.model.ImportResult",
    "Award": "dk.atira.pure.api.shared.model.award.Award",
}
# What the stand-in's API key may read; changes to other families are filtered from the feed.
READABLE = frozenset({"ResearchOutput", "Person", "Organisation", "ImportResult"})
FIRST_SEQUENCE = 1000
PAGE_SPAN = 100  # audit entries per page, before filtering


@dataclass(frozen=True)
class AuditEntry:
    sequence: int
    at: datetime
    item: dict[str, Any]

    @property
    def family(self) -> str:
        return str(self.item.get("familySystemName", ""))


class FeedError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def token_for(sequence: int) -> str:
    return base64.b64encode(json.dumps({"sequenceNumber": sequence}, separators=(",", ":")).encode()).decode()


def _sequence_of(token: str) -> int:
    try:
        data = json.loads(base64.b64decode(token, validate=True))
        sequence = data["sequenceNumber"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise FeedError(400, "not a resumption token or a date (yyyy-MM-dd or yyyy-MM-dd_HH-mm-ss)") from None
    if not isinstance(sequence, int):
        raise FeedError(400, "not a resumption token")
    return sequence


def _date(text: str) -> datetime | None:
    for form in ("%Y-%m-%d_%H-%M-%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, form).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


class ChangeLog:
    """Pure's audit log as the change feed sees it; thread-safe (the console and the poller share it)."""

    def __init__(self, page_span: int = PAGE_SPAN) -> None:
        self.page_span = page_span
        self._entries: list[AuditEntry] = []
        self._next = FIRST_SEQUENCE
        self._oldest_kept = FIRST_SEQUENCE
        self._lock = threading.Lock()

    def record(
        self,
        family: str,
        uuid: str | None,
        change_type: str,
        version: int | None,
        at: datetime | None = None,
    ) -> AuditEntry:
        item: dict[str, Any] = {}
        if uuid is not None:
            item["uuid"] = uuid
        item["changeType"] = change_type
        item["family"] = FAMILIES.get(family, f"dk.atira.pure.api.shared.model.{family.lower()}.{family}")
        item["familySystemName"] = family
        if version is not None:
            item["version"] = version
        return self.record_raw(item, at)

    def record_raw(self, item: dict[str, Any], at: datetime | None = None) -> AuditEntry:
        """An entry exactly as given (tests use it for items Pure should never send, but might)."""
        with self._lock:
            entry = AuditEntry(self._next, at or datetime.now(UTC), item)
            self._entries.append(entry)
            self._next += 1
            return entry

    def forget_before(self, moment: datetime) -> None:
        """Pure's audit clean-up: entries older than `moment` are gone, and so are tokens pointing there."""
        with self._lock:
            kept = [entry for entry in self._entries if entry.at >= moment]
            self._oldest_kept = kept[0].sequence if kept else self._next
            self._entries = kept

    @property
    def head(self) -> int:
        """The next sequence number Pure will write."""
        with self._lock:
            return self._next

    def page(self, token_or_date: str, base_url: str) -> dict[str, Any]:
        """One answer of `GET /changes/{token_or_date}`; raises FeedError for what Pure refuses."""
        with self._lock:
            since = _date(token_or_date)
            if since is not None:
                start = next((e.sequence for e in self._entries if e.at >= since), self._next)
            else:
                start = _sequence_of(token_or_date)
                if start < self._oldest_kept:
                    raise FeedError(404, "resumption token no longer valid")
            end = min(start + self.page_span, self._next) if start < self._next else start
            items = [
                dict(entry.item)
                for entry in self._entries
                if start <= entry.sequence < end and entry.family in READABLE | {""}
            ]
            token = token_for(end)
            answer: dict[str, Any] = {
                "count": len(items),
                "resumptionToken": token,
                "moreChanges": end < self._next,
            }
            if items:  # Pure leaves `items` out of an empty page
                answer["items"] = items
            answer["navigationLinks"] = [
                {"ref": "next", "href": f"{base_url.rstrip('/')}/ws/api/524/changes/{token}"}
            ]
            return answer
