"""A Pure person as pydantic models: names, ids, e-mails and staff organisation associations.

Both shapes are read (../shared/docs/pure-api.md, "Persons" and "Staff organisation associations"):
WS 5.24 `staffOrganisationAssociations[]` with `organisationalUnit` (its swagger: `organisation`) and
`isPrimaryAssociation` (swagger: `primaryAssociation`); the newer Pure API `staffOrganizationAssociations[]`
with `organization` (a reference) and `primaryAssociation`. What is refused: not an object, no uuid, staff
associations that are not a list. Everything else may be missing or of another type (read as missing).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr, StringConstraints, ValidationError, model_validator

from orcid_sync.orbit.pure_types import NO_TEXT, Items, Lenient, Localized, PureFlag, PureModel, PureStr, Ref

_WS_ASSOCIATIONS = "staffOrganisationAssociations"
_API_ASSOCIATIONS = "staffOrganizationAssociations"


class MalformedPerson(ValueError):
    """Orbit's answer is not a person we can read (no uuid, or not an object)."""


class Unit(PureModel):
    uuid: PureStr = None
    name: Localized = NO_TEXT


class Period(PureModel):
    # Kept as Pure wrote them: a date that cannot be read is reported with what Pure said.
    start_date: Any = Field(None, alias="startDate")
    end_date: Any = Field(None, alias="endDate")


class _Term(PureModel):
    term: Localized = NO_TEXT


class _Value(PureModel):
    value: PureStr = None


class Email(PureModel):
    value: Lenient[_Value] = None


class PureStaffAssociation(PureModel):
    """One staff organisation association, in either shape."""

    pure_id: Lenient[StrictInt] = Field(None, alias="pureId")
    unit: Lenient[Unit] = None
    period: Lenient[Period] = None
    job_title: Lenient[_Term] = Field(None, alias="jobTitle")
    job_description: Localized = Field(NO_TEXT, alias="jobDescription")
    is_primary_association: PureFlag = Field(None, alias="isPrimaryAssociation")  # WS 5.24
    primary_association: PureFlag = Field(None, alias="primaryAssociation")  # swagger, Pure API
    emails: Items[Email] = ()

    @model_validator(mode="before")
    @classmethod
    def _the_unit(cls, data: Any) -> Any:
        """The unit under whichever name this Pure gives it (the first one given that is not empty)."""
        if not isinstance(data, dict):
            return {}
        unit = data.get("organisationalUnit") or data.get("organisation") or data.get("organization")
        return {**data, "unit": unit}

    @property
    def primary(self) -> bool:
        return self.is_primary_association is True or self.primary_association is True


class PersonName(PureModel):
    first_name: Lenient[StrictStr] = Field(None, alias="firstName")
    last_name: Lenient[StrictStr] = Field(None, alias="lastName")


class PersonId(PureModel):
    """`ids[]`: `{"type": {"uri": …/personsources/employee}, "value": {"value": "180547"}}`."""

    type: Lenient[Ref] = None
    value: Lenient[_Value] = None


class _Info(PureModel):
    portal_url: Lenient[StrictStr] = Field(None, alias="portalUrl")


class PurePerson(PureModel):
    """The fields of a person we use: who they are, and where they work."""

    uuid: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    name: Lenient[PersonName] = None
    orcid: Lenient[StrictStr] = None
    ids: Items[PersonId] = ()
    staff_associations: tuple[Lenient[PureStaffAssociation], ...] | None = Field(None, alias=_WS_ASSOCIATIONS)
    portal_url: Lenient[StrictStr] = Field(None, alias="portalUrl")
    info: Lenient[_Info] = None

    @model_validator(mode="before")
    @classmethod
    def _associations_in_either_shape(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get(_WS_ASSOCIATIONS) is None and _API_ASSOCIATIONS in data:
            return {**data, _WS_ASSOCIATIONS: data[_API_ASSOCIATIONS]}
        return data

    @property
    def associations(self) -> tuple[PureStaffAssociation, ...]:
        """Every association, an unreadable one (not an object) as an empty one."""
        return tuple(item or _NO_ASSOCIATION for item in self.staff_associations or ())


_NO_ASSOCIATION = PureStaffAssociation.model_construct()  # constructed: models build on first use


def read_person(data: object) -> PurePerson:
    """Pure JSON → our model of the person; MalformedPerson says why it is not one."""
    if not isinstance(data, dict):
        raise MalformedPerson("Orbit's answer is not a person with a uuid")
    try:
        return PurePerson.read(data)
    except ValidationError as exc:
        if exc.errors()[0]["loc"][0] == "uuid":
            raise MalformedPerson("Orbit's answer is not a person with a uuid") from None
        raise MalformedPerson("the person's staff associations are not a list") from None


def read_unit(data: dict[str, Any]) -> Unit:
    """An organisational unit (the newer Pure API's `/organizations/{uuid}`): its uuid and name."""
    return Unit.read(data)
