"""DTU-like researchers for the Orbit stand-in, and their Pure WS 5.x person JSON."""

from __future__ import annotations

import uuid as uuidlib
import zlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Researcher:
    uuid: str
    given_names: str
    family_names: str
    employee_id: str
    email: str | None
    department: str


RESEARCHERS: tuple[Researcher, ...] = (
    Researcher(
        "5a0c5f6e-1b7d-4c2e-9f4a-0d3b6c8e1a01",
        "Sofie",
        "Kjær Nielsen",
        "180547",
        "sokn@dtu.dk",
        "DTU Energy",
    ),
    Researcher(
        "5a0c5f6e-1b7d-4c2e-9f4a-0d3b6c8e1a02",
        "Mads",
        "Østergaard",
        "183311",
        "maost@dtu.dk",
        "DTU Compute",
    ),
    Researcher(
        "5a0c5f6e-1b7d-4c2e-9f4a-0d3b6c8e1a03",
        "Freja",
        "Lund Andersen",
        "190022",
        "frela@dtu.dk",
        "DTU Chemistry",
    ),
    Researcher(
        "5a0c5f6e-1b7d-4c2e-9f4a-0d3b6c8e1a04",
        "Jonas",
        "Bech",
        "176820",
        None,
        "DTU Wind and Energy Systems",
    ),
)


FIRST_START = date(2015, 1, 1)
_UNITS = uuidlib.UUID("3f9c2a10-5b8e-4d6f-9a21-7c0e4b1d2e30")


@dataclass(frozen=True)
class Association:
    """One staff organisation association: at a DTU unit, as a job title, from start to end (or now)."""

    pure_id: int
    department: str
    start: date
    end: date | None = None
    job_title: str | None = "Associate Professor"
    primary: bool = True

    @property
    def unit_uuid(self) -> str:
        return str(uuidlib.uuid5(_UNITS, self.department))

    def ended(self, on: date) -> Association:
        return replace(self, end=on)


def first_association(researcher: Researcher) -> Association:
    """Where a seeded researcher works: their department since 2015, with a stable Pure id."""
    return Association(zlib.crc32(researcher.uuid.encode()) % 10**8, researcher.department, FIRST_START)


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def _localized(value: str, locale: str = "en_GB") -> dict[str, Any]:
    return {"formatted": False, "text": [{"locale": locale, "value": value}]}


def _ws_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000+0100"


def _ws_association(association: Association, email: str | None) -> dict[str, Any]:
    period = {"startDate": _ws_time(association.start)}
    if association.end is not None:
        period["endDate"] = _ws_time(association.end)
    data: dict[str, Any] = {
        "pureId": association.pure_id,
        "isPrimaryAssociation": association.primary,
        "organisationalUnit": {
            "uuid": association.unit_uuid,
            "name": _localized(association.department),
            "type": {"uri": "/dk/atira/pure/organisation/organisationtypes/organisation/department"},
        },
        "period": period,
        "emails": [],
    }
    if association.job_title:
        data["jobTitle"] = {
            "uri": f"/dk/atira/pure/person/jobtitles/{association.job_title.lower().replace(' ', '')}",
            "term": _localized(association.job_title),
        }
    if email:
        data["emails"].append(
            {
                "value": {"formatted": False, "value": email},
                "type": {"uri": "/dk/atira/pure/person/personemailtype/email", "term": _localized("Email")},
            }
        )
    return data


def portal_url(researcher: Researcher) -> str:
    return f"https://orbit.dtu.dk/en/persons/{researcher.uuid}"


def person_json(researcher: Researcher, associations: list[Association] | None = None) -> dict[str, Any]:
    """The person as Pure WS 5.24 returns it (shape as in the UMN sample), trimmed to what matters."""
    held = associations if associations is not None else [first_association(researcher)]
    return {
        "uuid": researcher.uuid,
        "name": {"firstName": researcher.given_names, "lastName": researcher.family_names},
        "ids": [
            {
                "value": {"formatted": False, "value": researcher.employee_id},
                "type": {
                    "uri": "/dk/atira/pure/person/personsources/employee",
                    "term": _localized("Employee ID"),
                },
            }
        ],
        "staffOrganisationAssociations": [
            _ws_association(a, researcher.email if a.end is None else None) for a in held
        ],
        "info": {"portalUrl": portal_url(researcher)},
        "visibility": {"key": "FREE"},
    }


def person_api_json(researcher: Researcher, associations: list[Association] | None = None) -> dict[str, Any]:
    """The person as the newer Pure API returns it: the unit is a reference, dates are plain dates."""
    held = associations if associations is not None else [first_association(researcher)]
    return {
        "uuid": researcher.uuid,
        "name": {"firstName": researcher.given_names, "lastName": researcher.family_names},
        "portalUrl": portal_url(researcher),
        "staffOrganizationAssociations": [
            {
                "typeDiscriminator": "StaffOrganizationAssociation",
                "pureId": a.pure_id,
                "primaryAssociation": a.primary,
                "organization": {"systemName": "Organization", "uuid": a.unit_uuid},
                "period": {
                    "startDate": a.start.isoformat(),
                    **({"endDate": a.end.isoformat()} if a.end else {}),
                },
                **({"jobTitle": {"uri": "/jobtitle", "term": {"en_GB": a.job_title}}} if a.job_title else {}),
            }
            for a in held
        ],
    }
