"""The Orbit event contract: what Orbit puts on `orbit-events`, in either of its two accepted shapes.

1. Ours: {"type": "researchoutput.created|updated|deleted", "uuid", "version", "occurredAt"}
2. Pure's change-feed item, unchanged: {"uuid", "changeType": "CREATE|UPDATE|DELETE",
   "familySystemName": "ResearchOutput", "version"} — items of other families are ignored (counted).
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from orcid_sync.domain.identifiers import UUID_PATTERN


class ChangeKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class MalformedEvent(ValueError):
    """The message is not an Orbit event in either accepted shape; the message says what is wrong."""


class OrbitEvent(BaseModel):
    """One change to one research output, whatever shape it arrived in."""

    model_config = ConfigDict(frozen=True)

    publication_id: str
    change: ChangeKind
    # Pure's version counter; part of the sync job's deduplication id. None when Orbit sent none.
    version: int | None = None


# Pure's version counter: a whole number, never a bool, a fraction or a numeric string.
_Version = Annotated[int, Strict(), Field(ge=0, lt=2**63)]


class _OurEvent(BaseModel):
    # Fields we do not know are ignored, so Orbit can add fields without every event failing.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    type: Literal["researchoutput.created", "researchoutput.updated", "researchoutput.deleted"]
    uuid: str = Field(pattern=UUID_PATTERN)
    version: _Version | None = None
    occurred_at: datetime | None = Field(default=None, alias="occurredAt")


class _PureChange(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    uuid: str = Field(pattern=UUID_PATTERN)
    change_type: Literal["CREATE", "UPDATE", "DELETE"] = Field(alias="changeType")
    family: str = Field(alias="familySystemName", min_length=1)
    version: _Version | None = None


_PURE_CHANGES = {"CREATE": ChangeKind.CREATED, "UPDATE": ChangeKind.UPDATED, "DELETE": ChangeKind.DELETED}


def parse_event(body: str) -> OrbitEvent | None:
    """The event in a message body; None for a well-formed change to another Pure family.

    Raises MalformedEvent with a reason a person can act on.
    """
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        raise MalformedEvent("the message body is not JSON") from None
    except RecursionError:
        raise MalformedEvent("the message body is JSON nested too deeply to read") from None
    if not isinstance(data, dict):
        raise MalformedEvent("the message body is not a JSON object")
    try:
        if "type" in data:
            ours = _OurEvent.model_validate(data)
            return OrbitEvent(
                publication_id=ours.uuid.lower(),
                change=ChangeKind(ours.type.split(".", 1)[1]),
                version=ours.version,
            )
        if "changeType" in data:
            change = _PureChange.model_validate(data)
            if change.family != "ResearchOutput":
                return None
            return OrbitEvent(
                publication_id=change.uuid.lower(),
                change=_PURE_CHANGES[change.change_type],
                version=change.version,
            )
    except ValidationError as exc:
        raise MalformedEvent(_describe(exc)) from None
    raise MalformedEvent("the message has neither 'type' (Orbit event) nor 'changeType' (Pure change)")


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "message"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)
