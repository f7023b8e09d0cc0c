"""When Orbit last changed a research output: Pure's modification time, read from its JSON.

WS 5.24 gives it as `info.modifiedDate`, the newer Pure API as `modifiedDate`; both as ISO 8601 with
an offset (`2022-10-22T04:43:27.043-0500`). The worker remembers it with each work link, so an event
about a change it already pushed, or a night on which the output did not change, needs no rebuild.
A time without an offset, or none at all, is no stamp: that output is always read and rebuilt.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def modified_at(data: object) -> datetime | None:
    """Orbit's modification time of a research output's JSON (UTC), or None when it has none we trust."""
    if not isinstance(data, dict):
        return None
    info = data.get("info")
    raw: Any = info.get("modifiedDate") if isinstance(info, dict) else None
    if raw is None:
        raw = data.get("modifiedDate")
    if not isinstance(raw, str):
        return None
    try:
        stamp = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if stamp.tzinfo is None:
        return None  # a local time of an unknown zone cannot be compared safely
    return stamp.astimezone(UTC)
