"""Orbit (Pure WS 5.x) persons: who a signed-in researcher is, and the names to prefill ORCID's form with.

DTU's sign-in token may carry the employee number ("Medarbejder id") rather than the Orbit person
uuid that research outputs name; `resolve_person_id` is the one place that maps one to the other.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from orcid_sync.domain.identifiers import is_uuid
from orcid_sync.orbit.http import OrbitHttp

_EMPLOYEE_ID_TYPE = "/personsources/employee"
_API = "/ws/api/524"


class UnknownPerson(LookupError):
    """Orbit has no person for the signed-in identity."""


class OrbitPerson(BaseModel):
    model_config = ConfigDict(frozen=True)

    uuid: str
    given_names: str | None = None
    family_names: str | None = None
    email: str | None = None
    employee_id: str | None = None
    orcid: str | None = None

    @property
    def display_name(self) -> str | None:
        parts = [part for part in (self.given_names, self.family_names) if part]
        return " ".join(parts) or None


def person_from_pure(data: dict[str, Any]) -> OrbitPerson:
    """Read the fields we use from a Pure WS person; everything but the uuid may be missing."""
    name = data.get("name") or {}
    employee_ids = [
        str((entry.get("value") or {}).get("value", ""))
        for entry in data.get("ids") or []
        if str((entry.get("type") or {}).get("uri", "")).endswith(_EMPLOYEE_ID_TYPE)
    ]
    associations = sorted(
        data.get("staffOrganisationAssociations") or [], key=lambda a: not a.get("isPrimaryAssociation")
    )
    emails = [
        str((email.get("value") or {}).get("value", ""))
        for association in associations
        for email in association.get("emails") or []
    ]
    return OrbitPerson(
        uuid=str(data["uuid"]),
        given_names=name.get("firstName") or None,
        family_names=name.get("lastName") or None,
        email=next((email for email in emails if "@" in email), None),
        employee_id=next((eid for eid in employee_ids if eid), None),
        orcid=data.get("orcid") or None,
    )


class OrbitPersons:
    def __init__(self, http: OrbitHttp) -> None:
        self._http = http

    def get(self, person_uuid: str) -> OrbitPerson | None:
        data = self._http.get(f"{_API}/persons/{person_uuid}")
        return person_from_pure(data) if data else None

    def resolve_person_id(self, claim_value: str) -> str:
        """The Orbit person uuid for a sign-in claim that is either that uuid or an employee number."""
        if is_uuid(claim_value):
            return claim_value.lower()
        data = self._http.get(f"{_API}/persons", {"q": claim_value, "size": "10"})
        for item in (data or {}).get("items") or []:
            person = person_from_pure(item)
            if person.employee_id == claim_value:
                return person.uuid
        raise UnknownPerson("Orbit has no person with that employee number")
