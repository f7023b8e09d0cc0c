"""Employment from Orbit's staff associations: both Pure shapes, the XML ORCID takes, the content hash."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import xmlschema

from orcid_sync.orbit.staff import MalformedPerson, StaffAssociation, staff_from_pure
from orcid_sync.orcid.employment import (
    EmploymentNotSendable,
    ResearcherUrl,
    association_of,
    employment_hash,
    employment_to_xml,
    researcher_url_to_xml,
)
from orcid_sync.sync.employment_mapping import DTU, employment_from_association


@pytest.fixture(scope="session")
def employment_schema(shared_dir: Path) -> xmlschema.XMLSchema:
    path = shared_dir / "orcid-model" / "record_3.0" / "employment-3.0.xsd"
    return xmlschema.XMLSchema(str(path.resolve()))


@pytest.fixture(scope="session")
def researcher_url_schema(shared_dir: Path) -> xmlschema.XMLSchema:
    path = shared_dir / "orcid-model" / "record_3.0" / "researcher-url-3.0.xsd"
    return xmlschema.XMLSchema(str(path.resolve()))


def _ws_association(**changes: object) -> dict[str, object]:
    association: dict[str, object] = {
        "pureId": 4711,
        "period": {"startDate": "2019-02-01T00:00:00.000+0100"},
        "isPrimaryAssociation": True,
        "organisationalUnit": {
            "uuid": "9A1B2C3D-0000-4000-8000-000000000001",
            "name": {
                "formatted": False,
                "text": [
                    {"locale": "da_DK", "value": "DTU Energi"},
                    {"locale": "en_GB", "value": "DTU Energy"},
                ],
            },
        },
        "jobTitle": {
            "uri": "/dk/atira/pure/person/jobtitles/associateprofessor",
            "term": {"text": [{"locale": "en_GB", "value": "Associate Professor"}]},
        },
    }
    association.update(changes)
    return association


def test_ws524_association_becomes_an_employment_with_department_role_dates_and_ror(
    employment_schema: xmlschema.XMLSchema,
) -> None:
    staff = staff_from_pure({"uuid": "P1", "staffOrganisationAssociations": [_ws_association()]})
    (association,) = staff.associations
    assert association == StaffAssociation(
        id="4711",
        unit_uuid="9a1b2c3d-0000-4000-8000-000000000001",
        unit_name="DTU Energy",
        job_title="Associate Professor",
        start=date(2019, 2, 1),
        primary=True,
    )
    xml = employment_to_xml(employment_from_association(association, DTU))
    employment_schema.validate(xml.decode())
    text = xml.decode()
    for expected in (
        "<common:department-name>DTU Energy</common:department-name>",
        "<common:role-title>Associate Professor</common:role-title>",
        "<common:year>2019</common:year><common:month>02</common:month><common:day>01</common:day>",
        "<common:name>Technical University of Denmark</common:name>",
        "<common:city>Kongens Lyngby</common:city>",
        "<common:country>DK</common:country>",
        "https://ror.org/04qtj9h94</common:disambiguated-organization-identifier>",
        "<common:disambiguation-source>ROR</common:disambiguation-source>",
        "orbit-staff-association-4711",
    ):
        assert expected in text
    assert "end-date" not in text and "visibility" not in text


def test_the_swagger_names_and_the_local_date_before_the_offset() -> None:
    raw = _ws_association(
        organisation={"uuid": "u1", "name": {"text": [{"value": "Compute"}]}},
        organisationalUnit=None,
        isPrimaryAssociation=None,
        primaryAssociation=True,
        period={"startDate": "2018-06-11T23:30:00.000-0500", "endDate": "2022-05-18T00:10:00.000+0200"},
        jobTitle=None,
        jobDescription={"text": [{"locale": "en_US", "value": "Librarian"}]},
    )
    (association,) = staff_from_pure({"uuid": "P1", "staffOrganisationAssociations": [raw]}).associations
    assert (association.unit_name, association.job_title) == ("Compute", "Librarian")
    assert (association.start, association.end, association.primary) == (
        date(2018, 6, 11),
        date(2022, 5, 18),
        True,
    )


def test_the_newer_pure_api_shape_looks_up_the_unit_name() -> None:
    person = {
        "uuid": "P2",
        "portalUrl": "https://orbit.dtu.dk/en/persons/p2",
        "staffOrganizationAssociations": [
            {
                "typeDiscriminator": "StaffOrganizationAssociation",
                "pureId": 9,
                "period": {"startDate": "2020-01-01", "endDate": "2021-12-31"},
                "organization": {"systemName": "Organization", "uuid": "org-1"},
                "primaryAssociation": True,
                "jobTitle": {"uri": "/x/postdoc", "term": {"en_GB": "Postdoc", "da_DK": "Postdoc"}},
            }
        ],
    }
    looked_up: list[str] = []

    def names(uuid: str) -> str | None:
        looked_up.append(uuid)
        return "DTU Chemistry"

    staff = staff_from_pure(person, names)
    (association,) = staff.associations
    assert looked_up == ["org-1"]
    assert (association.unit_name, association.job_title, association.end) == (
        "DTU Chemistry",
        "Postdoc",
        date(2021, 12, 31),
    )
    assert staff.portal_url == "https://orbit.dtu.dk/en/persons/p2"


def test_the_real_umn_person_reads_as_former_staff(
    shared_dir: Path, employment_schema: xmlschema.XMLSchema
) -> None:
    data = json.loads((shared_dir / "pure-samples" / "umn-ws524-person.json").read_text(encoding="utf-8"))
    staff = staff_from_pure(data)
    assert len(staff.associations) == 5 and not staff.unreadable
    assert all(a.end is not None for a in staff.associations)
    assert not any(a.current_on(date(2026, 11, 29)) for a in staff.associations)
    assert staff.portal_url == "https://experts.umn.edu/en/persons/01edf3d8-7e44-4dfa-bec4-8e3472965e1f"
    one_day = next(a for a in staff.associations if a.start == a.end)
    employment_schema.validate(employment_to_xml(employment_from_association(one_day)).decode())


def test_unreadable_associations_are_reported_not_dropped() -> None:
    staff = staff_from_pure(
        {
            "uuid": "P3",
            "staffOrganisationAssociations": [
                _ws_association(period={"startDate": "soon"}),
                _ws_association(pureId=None, organisationalUnit=None),
                _ws_association(pureId=5),
            ],
        }
    )
    assert [a.id for a in staff.associations] == ["5"]
    assert len(staff.unreadable) == 2 and "not a date" in staff.unreadable[0]


@pytest.mark.parametrize(
    "data", [None, [], {"name": "x"}, {"uuid": "P", "staffOrganisationAssociations": {}}]
)
def test_what_is_not_a_person_is_refused(data: object) -> None:
    with pytest.raises(MalformedPerson):
        staff_from_pure(data)


def test_without_a_start_date_it_is_not_sendable() -> None:
    with pytest.raises(EmploymentNotSendable, match="start date"):
        employment_from_association(StaffAssociation(id="1", unit_name="X"))


def test_the_hash_changes_with_the_end_date_only_when_the_content_does() -> None:
    association = StaffAssociation(id="1", unit_name="X", start=date(2020, 1, 1))
    same = employment_hash(employment_from_association(association))
    assert same == employment_hash(employment_from_association(association))
    ended = association.model_copy(update={"end": date(2024, 6, 30)})
    assert employment_hash(employment_from_association(ended)) != same


def test_put_code_and_external_id() -> None:
    xml = employment_to_xml(employment_from_association(StaffAssociation(id="7", start=date(2020, 1, 1))), 42)
    assert b'put-code="42"' in xml
    assert association_of("orbit-staff-association-7") == "7"
    assert association_of("something else") is None


def test_researcher_url_validates(researcher_url_schema: xmlschema.XMLSchema) -> None:
    xml = researcher_url_to_xml(ResearcherUrl(name="DTU Orbit", url="https://orbit.dtu.dk/en/persons/x"))
    researcher_url_schema.validate(xml.decode())
