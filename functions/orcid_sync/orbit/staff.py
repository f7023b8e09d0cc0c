"""A person's staff organisation associations in Orbit (Pure): where at DTU they work, as what, since when.

Both Pure shapes are read (see ../shared/docs/pure-api.md, "Staff organisation associations"):
- WS 5.24: `staffOrganisationAssociations[]` with `period {startDate, endDate?}` (date-times with a zone
  offset), `organisationalUnit` (the 5.24 swagger says `organisation`) with its localized `name`,
  `isPrimaryAssociation` (swagger: `primaryAssociation`), `jobTitle` (a classification) and
  `jobDescription`;
- the newer Pure API: `staffOrganizationAssociations[]` with `period` (dates), `organization` (a
  reference: its name is looked up), `primaryAssociation`, `jobTitle`.
Each association is one employment on ORCID. Its date-times are read as the date Pure shows (the local
date before the offset), never shifted to UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from orcid_sync.orbit.http import OrbitHttp
from orcid_sync.orbit.pure_json import _localized
from orcid_sync.orbit.research_outputs import PURE_API, WS, OrbitApiShape

_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


class MalformedPerson(ValueError):
    """Orbit's answer is not a person we can read (no uuid, or not an object)."""


class StaffAssociation(BaseModel):
    """One staff organisation association: the researcher at one DTU unit for one period."""

    model_config = ConfigDict(frozen=True)

    id: str  # Pure's id of the association (pureId), or unit uuid + start date when Pure gave none
    unit_uuid: str | None = None
    unit_name: str | None = None
    job_title: str | None = None
    start: date | None = None
    end: date | None = None
    primary: bool = False

    def started_by(self, today: date) -> bool:
        return self.start is not None and self.start <= today

    def current_on(self, today: date) -> bool:
        """Started and not ended: an end date today or later still counts as current."""
        return self.started_by(today) and (self.end is None or self.end >= today)


@dataclass(frozen=True)
class PersonStaff:
    """What Orbit says about a person's employment at DTU, and their public Orbit page."""

    person_id: str
    associations: tuple[StaffAssociation, ...]
    portal_url: str | None = None
    # Associations that could not be read, with why (they are left exactly as they are on ORCID).
    unreadable: tuple[str, ...] = ()


def _text(value: object) -> str | None:
    texts = _localized(value)
    for wanted in ("en", "da"):
        for locale, text in texts.items():
            if locale.split("_")[0] == wanted and text.strip():
                return text.strip()
    return next((text.strip() for text in texts.values() if text.strip()), None)


def _date(value: object) -> date | None:
    match = _DATE_RE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _association(
    data: dict[str, Any], unit_names: Callable[[str], str | None] | None
) -> StaffAssociation | str:
    """One association, or the reason it cannot be read."""
    unit = _obj(data.get("organisationalUnit") or data.get("organisation") or data.get("organization"))
    unit_uuid = str(unit["uuid"]).lower() if unit.get("uuid") else None
    unit_name = _text(unit.get("name"))
    if unit_name is None and unit_uuid and unit_names is not None:
        unit_name = unit_names(unit_uuid)
    period = _obj(data.get("period"))
    start, end = _date(period.get("startDate")), _date(period.get("endDate"))
    if period.get("startDate") and start is None:
        return f"its start date {period.get('startDate')!r} is not a date"
    if period.get("endDate") and end is None:
        return f"its end date {period.get('endDate')!r} is not a date"
    pure_id = data.get("pureId")
    if isinstance(pure_id, int) and not isinstance(pure_id, bool):
        association_id = str(pure_id)
    elif unit_uuid and start is not None:
        association_id = f"{unit_uuid}@{start.isoformat()}"
    else:
        return "it has neither an id nor a unit and start date to know it by"
    job_title = _text(_obj(data.get("jobTitle")).get("term")) or _text(data.get("jobDescription"))
    return StaffAssociation(
        id=association_id,
        unit_uuid=unit_uuid,
        unit_name=unit_name,
        job_title=job_title,
        start=start,
        end=end,
        primary=data.get("isPrimaryAssociation") is True or data.get("primaryAssociation") is True,
    )


def staff_from_pure(data: object, unit_names: Callable[[str], str | None] | None = None) -> PersonStaff:
    """A Pure person (either shape) → its staff associations. `unit_names` looks up a unit's name
    when the answer carries only a reference (the newer Pure API). Raises MalformedPerson."""
    if not isinstance(data, dict) or not isinstance(data.get("uuid"), str) or not data["uuid"].strip():
        raise MalformedPerson("Orbit's answer is not a person with a uuid")
    raw = data.get("staffOrganisationAssociations")
    if raw is None:
        raw = data.get("staffOrganizationAssociations")
    if raw is not None and not isinstance(raw, list):
        raise MalformedPerson("the person's staff associations are not a list")
    associations: list[StaffAssociation] = []
    unreadable: list[str] = []
    for index, item in enumerate(raw or []):
        read = _association(_obj(item), unit_names)
        if isinstance(read, str):
            unreadable.append(f"staff association {index + 1}: {read}")
        else:
            associations.append(read)
    info = _obj(data.get("info"))
    portal = data.get("portalUrl") or info.get("portalUrl")
    return PersonStaff(
        person_id=data["uuid"].strip().lower(),
        associations=tuple(_unique(associations)),
        portal_url=portal if isinstance(portal, str) and portal.startswith("https://") else None,
        unreadable=tuple(unreadable),
    )


def _unique(associations: Iterable[StaffAssociation]) -> Iterable[StaffAssociation]:
    seen: set[str] = set()
    for association in associations:
        if association.id not in seen:
            seen.add(association.id)
            yield association


class OrbitStaff:
    """Reads a person's staff associations from Orbit, in the deployment's Pure API shape."""

    def __init__(self, http: OrbitHttp, shape: OrbitApiShape = OrbitApiShape.WS524) -> None:
        self._http = http
        self._shape = shape

    def of_person(self, person_uuid: str) -> PersonStaff | None:
        """The person's associations; None when Orbit has no such person (404).

        Raises OrbitUnavailable when Orbit fails and MalformedPerson for an answer we cannot read.
        """
        base = WS if self._shape is OrbitApiShape.WS524 else PURE_API
        data = self._http.get(f"{base}/persons/{person_uuid}")
        if data is None:
            return None
        names: dict[str, str | None] = {}

        def unit_name(uuid: str) -> str | None:
            if uuid not in names:
                unit = self._http.get(f"{PURE_API}/organizations/{uuid}")
                names[uuid] = _text(_obj(unit).get("name")) if unit else None
            return names[uuid]

        return staff_from_pure(data, unit_name if self._shape is OrbitApiShape.PURE_API else None)
