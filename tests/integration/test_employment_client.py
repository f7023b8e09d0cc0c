"""The ORCID client's employment, activities and researcher-URL calls against the member API stand-in:
what ORCID answers (201, 409/9021, 404, 403/9010, 403/9038, 409/9030) and documents valid against the XSDs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests
import xmlschema

from orcid_sync.orcid import errors
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.employment import Employment, ResearcherUrl, employment_to_xml
from orcid_sync.sync.employment_mapping import DTU
from tests.integration.member_fixtures import OTHER_CLIENT_ID, SCOPES, MemberWorld, member_world, sample_work

XSD = Path(__file__).resolve().parents[2].parent / "shared" / "orcid-model" / "record_3.0"


@pytest.fixture
def world() -> Iterator[MemberWorld]:
    with member_world() as running:
        yield running


@pytest.fixture
def client(world: MemberWorld) -> OrcidWorksClient:
    return world.client()


def _employment(association: str = "11", **changes: object) -> Employment:
    fields: dict[str, object] = {
        "association_id": association,
        "organization": DTU,
        "start": date(2019, 2, 1),
        "department": "DTU Energy",
        "role_title": "Associate Professor",
    }
    fields.update(changes)
    return Employment.model_validate(fields)


def _get(world: MemberWorld, path: str, accept: str = "application/vnd.orcid+xml") -> requests.Response:
    return requests.get(
        f"{world.base_url}/v3.0/{world.orcid}/{path}",
        headers={"Authorization": f"Bearer {world.token}", "Accept": accept},
        timeout=5,
    )


def test_an_employment_is_added_updated_and_read_back_in_one_activities_read(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_employment(world.orcid, world.token, _employment())
    client.update_employment(world.orcid, world.token, put_code, _employment(end=date(2024, 6, 30)))
    work = client.add_work(world.orcid, world.token, sample_work())
    world.api.add_employment_as(world.orcid, OTHER_CLIENT_ID, employment_to_xml(_employment("99")))

    activities = client.read_activities(world.orcid, world.token)

    assert [w.put_code for w in activities.works] == [work]
    (ours,) = activities.employments  # only our client's
    assert (ours.put_code, ours.department, ours.end_year) == (put_code, "DTU Energy", "2024")
    assert [(i.type, i.value) for i in ours.self_ids] == [("source-work-id", "orbit-staff-association-11")]
    assert world.api.calls["GET /activities"] == 1


@pytest.mark.parametrize("accept", ["application/vnd.orcid+xml", "application/vnd.orcid+json"])
def test_the_activities_answer_reads_the_same_in_xml_and_json(
    world: MemberWorld, client: OrcidWorksClient, accept: str
) -> None:
    from orcid_sync.orcid.activities import parse_activities

    client.add_employment(world.orcid, world.token, _employment())
    client.add_work(world.orcid, world.token, sample_work())
    parsed = parse_activities(_get(world, "activities", accept).content)
    assert len(parsed.works) == 1 and len(parsed.employments) == 1
    assert parsed.employments[0].organization == "Technical University of Denmark"


def test_the_stand_ins_answers_validate_against_orcids_schemas(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    if not XSD.is_dir():
        pytest.skip(f"ORCID's schemas not found at {XSD}")
    put_code = client.add_employment(world.orcid, world.token, _employment(end=date(2024, 6, 30)))
    client.add_work(world.orcid, world.token, sample_work())
    world.state.tokens[world.token].scopes = SCOPES | {"/person/update"}
    client.add_researcher_url(
        world.orcid, world.token, ResearcherUrl(name="DTU Orbit", url="https://orbit.dtu.dk/x")
    )
    xmlschema.XMLSchema(str(XSD / "activities-3.0.xsd")).validate(_get(world, "activities").text)
    xmlschema.XMLSchema(str(XSD / "activities-3.0.xsd")).validate(_get(world, "employments").text)
    xmlschema.XMLSchema(str(XSD / "employment-3.0.xsd")).validate(_get(world, f"employment/{put_code}").text)
    xmlschema.XMLSchema(str(XSD / "researcher-url-3.0.xsd")).validate(_get(world, "researcher-urls").text)


def test_the_same_association_twice_is_a_conflict_naming_the_first(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    first = client.add_employment(world.orcid, world.token, _employment())
    with pytest.raises(errors.WorkConflict) as conflict:
        client.add_employment(world.orcid, world.token, _employment(department="DTU Compute"))
    assert conflict.value.put_code == first
    # Another source's employment with the same identifier is no conflict for us.
    world.api.add_employment_as(world.orcid, OTHER_CLIENT_ID, employment_to_xml(_employment("12")))
    client.add_employment(world.orcid, world.token, _employment("12"))


def test_a_deleted_employment_is_gone_and_anothers_is_not_ours(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_employment(world.orcid, world.token, _employment())
    world.api.delete_employment_as_researcher(world.orcid, put_code)
    with pytest.raises(errors.PutCodeGone):
        client.update_employment(world.orcid, world.token, put_code, _employment())
    theirs = world.api.add_employment_as(world.orcid, OTHER_CLIENT_ID, employment_to_xml(_employment("13")))
    with pytest.raises(errors.NotOurItem):
        client.update_employment(world.orcid, world.token, theirs.put_code, _employment("13"))
    client.delete_employment(world.orcid, world.token, put_code)  # already gone: done


def test_orcid_refuses_an_employment_without_a_start_date(world: MemberWorld) -> None:
    xml = (
        employment_to_xml(_employment())
        .replace(b"<common:start-date>", b"<!--")
        .replace(b"</common:start-date>", b"-->")
    )
    answer = requests.post(
        f"{world.base_url}/v3.0/{world.orcid}/employment",
        data=xml,
        headers={"Authorization": f"Bearer {world.token}", "Content-Type": "application/vnd.orcid+xml"},
        timeout=5,
    )
    error = errors.error_from_answer(answer.status_code, answer.headers, answer.content)
    assert isinstance(error, errors.Rejected) and "start date is required" in error.message


def test_researcher_urls_need_the_person_scope_and_refuse_a_repeat(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    link = ResearcherUrl(name="DTU Orbit", url="https://orbit.dtu.dk/en/persons/x")
    with pytest.raises(errors.AccessDenied):
        client.add_researcher_url(world.orcid, world.token, link)
    world.state.tokens[world.token].scopes = SCOPES | {"/person/update"}
    put_code = client.add_researcher_url(world.orcid, world.token, link)
    with pytest.raises(errors.ElementConflict):
        client.add_researcher_url(world.orcid, world.token, link)
    moved = ResearcherUrl(name="DTU Orbit", url="https://orbit.dtu.dk/en/persons/y")
    client.update_researcher_url(world.orcid, world.token, put_code, moved)
    assert [(u.put_code, u.url) for u in client.list_researcher_urls(world.orcid, world.token)] == [
        (put_code, moved.url)
    ]
