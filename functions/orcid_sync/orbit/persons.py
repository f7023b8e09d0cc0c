"""Orbit (Pure WS 5.x) persons: who a signed-in researcher is, and the names to prefill ORCID's form with.

DTU's sign-in token may carry the employee number ("Medarbejder id") rather than the Orbit person
uuid that research outputs name; `resolve_person_id` is the one place that maps one to the other.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from orcid_sync.domain.identifiers import is_uuid
from orcid_sync.orbit.http import OrbitHttp
from orcid_sync.orbit.pure_person import MalformedPerson, PurePerson, read_person

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


def person_from_pure(data: object) -> OrbitPerson:
    """Read the fields we use from a Pure WS person; everything but the uuid may be missing.

    Raises MalformedPerson when it is not a person (no uuid, not an object)."""
    return _orbit_person(read_person(data))


def _orbit_person(person: PurePerson) -> OrbitPerson:
    employee_ids = [
        entry.value.value if entry.value else None
        for entry in person.ids
        if entry.type and (entry.type.uri or "").endswith(_EMPLOYEE_ID_TYPE)
    ]
    primary_first = sorted(person.associations, key=lambda a: a.is_primary_association is not True)
    emails = [
        email.value.value if email.value else None
        for association in primary_first
        for email in association.emails
    ]
    name = person.name
    return OrbitPerson(
        uuid=person.uuid,
        given_names=(name.first_name or None) if name else None,
        family_names=(name.last_name or None) if name else None,
        email=next((email for email in emails if email and "@" in email), None),
        employee_id=next((eid for eid in employee_ids if eid), None),
        orcid=person.orcid or None,
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
            try:
                person = person_from_pure(item)
            except MalformedPerson:
                continue  # an item that is not a person is nobody's employee number
            if person.employee_id == claim_value:
                return person.uuid
        raise UnknownPerson("Orbit has no person with that employee number")
