"""DTU-like researchers for the Orbit stand-in, and their Pure WS 5.x person JSON."""

from __future__ import annotations

from dataclasses import dataclass
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


def _localized(value: str, locale: str = "en_GB") -> dict[str, Any]:
    return {"formatted": False, "text": [{"locale": locale, "value": value}]}


def person_json(researcher: Researcher) -> dict[str, Any]:
    """The person as Pure WS 5.24 returns it (shape as in the UMN sample), trimmed to what matters."""
    association: dict[str, Any] = {
        "pureId": 1,
        "isPrimaryAssociation": True,
        "organisationalUnit": {"name": _localized(researcher.department)},
        "period": {"startDate": "2015-01-01T12:00:00.000+0100"},
        "emails": [],
    }
    if researcher.email:
        association["emails"].append(
            {
                "value": {"formatted": False, "value": researcher.email},
                "type": {"uri": "/dk/atira/pure/person/personemailtype/email", "term": _localized("Email")},
            }
        )
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
        "staffOrganisationAssociations": [association],
        "visibility": {"key": "FREE"},
    }
