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

from pydantic import BaseModel, ConfigDict

from orcid_sync.orbit.http import OrbitHttp
from orcid_sync.orbit.pure_person import MalformedPerson, PureStaffAssociation, read_person, read_unit
from orcid_sync.orbit.pure_types import NO_TEXT, Texts
from orcid_sync.orbit.research_outputs import PURE_API, WS, OrbitApiShape

__all__ = ["MalformedPerson", "OrbitStaff", "PersonStaff", "StaffAssociation", "staff_from_pure"]

_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


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


def _text(texts: Texts) -> str | None:
    """English, else Danish, else any: the unit names and job titles ORCID shows."""
    for wanted in ("en", "da"):
        for locale, text in texts:
            if locale.split("_")[0] == wanted and text.strip():
                return text.strip()
    return next((text.strip() for _, text in texts if text.strip()), None)


def _date(value: object) -> date | None:
    match = _DATE_RE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _association(
    data: PureStaffAssociation, unit_names: Callable[[str], str | None] | None
) -> StaffAssociation | str:
    """One association, or the reason it cannot be read."""
    unit_uuid = data.unit.uuid.lower() if data.unit and data.unit.uuid else None
    unit_name = _text(data.unit.name if data.unit else NO_TEXT)
    if unit_name is None and unit_uuid and unit_names is not None:
        unit_name = unit_names(unit_uuid)
    raw_start, raw_end = (data.period.start_date, data.period.end_date) if data.period else (None, None)
    start, end = _date(raw_start), _date(raw_end)
    if raw_start and start is None:
        return f"its start date {raw_start!r} is not a date"
    if raw_end and end is None:
        return f"its end date {raw_end!r} is not a date"
    if data.pure_id is not None:
        association_id = str(data.pure_id)
    elif unit_uuid and start is not None:
        association_id = f"{unit_uuid}@{start.isoformat()}"
    else:
        return "it has neither an id nor a unit and start date to know it by"
    job_title = _text(data.job_title.term if data.job_title else NO_TEXT) or _text(data.job_description)
    return StaffAssociation(
        id=association_id,
        unit_uuid=unit_uuid,
        unit_name=unit_name,
        job_title=job_title,
        start=start,
        end=end,
        primary=data.primary,
    )


def staff_from_pure(data: object, unit_names: Callable[[str], str | None] | None = None) -> PersonStaff:
    """A Pure person (either shape) → its staff associations. `unit_names` looks up a unit's name
    when the answer carries only a reference (the newer Pure API). Raises MalformedPerson."""
    person = read_person(data)
    associations: list[StaffAssociation] = []
    unreadable: list[str] = []
    for index, item in enumerate(person.associations):
        read = _association(item, unit_names)
        if isinstance(read, str):
            unreadable.append(f"staff association {index + 1}: {read}")
        else:
            associations.append(read)
    portal = person.portal_url or (person.info.portal_url if person.info else None)
    return PersonStaff(
        person_id=person.uuid.lower(),
        associations=tuple(_unique(associations)),
        portal_url=portal if portal and portal.startswith("https://") else None,
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
                names[uuid] = _text(read_unit(unit).name) if unit else None
            return names[uuid]

        return staff_from_pure(data, unit_name if self._shape is OrbitApiShape.PURE_API else None)
