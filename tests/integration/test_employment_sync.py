"""DTU employment on the researcher's ORCID record, on the local stack: it appears on connect, follows moves,
gets its end date when the researcher leaves (then the sync pauses), comes back when they return, and is
never re-created after the researcher deleted it; a quiet night still costs one ORCID read."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from infra.local.stack import LOCAL_CLIENT_ID, LocalStack
from infra.orcid_standin.affiliations import StoredEmployment
from orcid_sync.consent.service import choose_affiliations
from orcid_sync.domain.links import LinkState
from orcid_sync.jobs.sync_jobs import SyncJob, SyncJobQueue, nightly_job, person_changed_job, resync_job
from orcid_sync.orcid.employment import Employment, employment_to_xml
from orcid_sync.store.affiliation_links import AffiliationLinkStore
from orcid_sync.store.consents import ConsentStore
from orcid_sync.sync.employment_mapping import DTU
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    new_researcher,
    send_event,
    sources_on_orcid,
)

OTHER_SOURCE = "APP-OTHERSOURCE0001"
TODAY = datetime.now(UTC).date()


@pytest.fixture
def ida(stack: LocalStack) -> Connected:
    connected = connect(stack, new_researcher(stack, "Ida", "Holm"))
    stack.drain()
    return connected


def run(stack: LocalStack, job: SyncJob) -> Counter[str]:
    """One job, run to completion; the ORCID calls it made, by kind."""
    before = Counter(stack.orcid.api.calls)
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(job)
    stack.drain()
    return Counter(stack.orcid.api.calls) - before


def person_changed(stack: LocalStack, who: Connected) -> Counter[str]:
    return run(stack, person_changed_job(who.researcher.uuid, str(uuid.uuid4())))


def night(stack: LocalStack, who: Connected) -> Counter[str]:
    return run(stack, nightly_job(who.researcher.uuid, str(uuid.uuid4())))


def ours(stack: LocalStack, who: Connected) -> list[StoredEmployment]:
    return [e for e in stack.orcid.api.employments_of(who.orcid) if e.source_client_id == LOCAL_CLIENT_ID]


def consent(stack: LocalStack, who: Connected) -> ConsentStore:
    return ConsentStore(stack.resources.refs["ConsentsTable"])


def former_staff_since(stack: LocalStack, who: Connected) -> date | None:
    found = consent(stack, who).get(who.researcher.uuid)
    assert found is not None
    return found.former_staff_since


def ymd(day: date) -> tuple[str, str, str]:
    return (f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}")


def test_connecting_puts_the_current_dtu_employment_on_orcid(stack: LocalStack, ida: Connected) -> None:
    (employment,) = ours(stack, ida)
    document = employment.document
    assert document.department == "DTU"  # the unit's name in Orbit
    assert document.role_title == "Associate Professor"
    assert document.start == ("2015", "01", "01") and document.end is None
    assert document.organization == "Technical University of Denmark"
    assert (document.city, document.country) == ("Kongens Lyngby", "DK")
    assert (document.disambiguated_id, document.disambiguation_source) == ("https://ror.org/04qtj9h94", "ROR")
    summary = consent(stack, ida).get(ida.researcher.uuid)
    assert summary is not None and summary.sync is not None and summary.sync.employments == 1
    # The consent has /person/update: the Orbit profile link is on the person section too.
    (link,) = stack.orcid.api.researcher_urls_of(ida.orcid)
    assert link.url == f"https://orbit.dtu.dk/en/persons/{ida.researcher.uuid}" and link.name == "DTU Orbit"


def test_nothing_changed_costs_one_read_a_night_and_no_write(stack: LocalStack, ida: Connected) -> None:
    stack.orbit.put_output(article(ida.researcher, title="A paper"))
    night(stack, ida)

    assert night(stack, ida) == Counter({"GET /activities": 1})
    assert person_changed(stack, ida) == Counter({"GET /activities": 1})


def test_a_night_reads_the_staff_record_while_the_outputs_are_listed_not_after(
    stack: LocalStack, ida: Connected
) -> None:
    person = ida.researcher.uuid
    stack.orbit.latency, stack.orbit.timeline = 0.2, []
    try:
        night(stack, ida)
        timeline = list(stack.orbit.timeline)
    finally:
        stack.orbit.latency, stack.orbit.timeline = 0.0, None

    staff_path, outputs_path = f"/persons/{person}", f"/persons/{person}/research-outputs"
    (staff,) = [(start, end) for path, start, end in timeline if path.endswith(staff_path)]
    (outputs,) = [(start, end) for path, start, end in timeline if path.endswith(outputs_path)]
    assert staff[0] < outputs[1] and outputs[0] < staff[1]  # the two reads were in flight together


def test_a_move_ends_the_old_employment_and_adds_the_new_one(stack: LocalStack, ida: Connected) -> None:
    moved_on = TODAY - timedelta(days=10)
    stack.orbit.move(ida.researcher.uuid, "DTU Compute", moved_on, job_title="Professor")

    calls = person_changed(stack, ida)

    assert calls == Counter({"GET /activities": 1, "PUT /employment/{put-code}": 1, "POST /employment": 1})
    old, new = ours(stack, ida)
    assert (old.document.department, old.document.end) == ("DTU", ymd(moved_on - timedelta(days=1)))
    assert (new.document.department, new.document.role_title) == ("DTU Compute", "Professor")
    assert (new.document.start, new.document.end) == (ymd(moved_on), None)
    assert former_staff_since(stack, ida) is None


def test_leaving_writes_the_end_date_then_pauses_and_returning_resumes(
    stack: LocalStack, ida: Connected
) -> None:
    last_day = TODAY - timedelta(days=3)
    stack.orbit.leave(ida.researcher.uuid, last_day)

    calls = person_changed(stack, ida)

    assert calls == Counter({"GET /activities": 1, "PUT /employment/{put-code}": 1})
    (employment,) = ours(stack, ida)
    assert employment.document.end == ymd(last_day)
    assert former_staff_since(stack, ida) == last_day
    assert "you left DTU on " + last_day.isoformat() in ida.browser.status_html("en").text
    assert "stoppede på DTU den " + last_day.isoformat() in ida.browser.status_html("da").text

    # Paused: nights and Orbit's changes cost Orbit one read and ORCID nothing; outputs stay home.
    later = stack.orbit.put_output(article(ida.researcher, title="Written after leaving")).uuid
    assert night(stack, ida) == Counter()
    assert person_changed(stack, ida) == Counter()
    before = Counter(stack.orcid.api.calls)
    send_event(stack, "created", later, 1)
    stack.drain()
    assert Counter(stack.orcid.api.calls) == before  # an event job for a paused researcher is dropped
    assert later not in sources_on_orcid(stack, ida.orcid)

    back_on = TODAY - timedelta(days=1)
    stack.orbit.start_association(ida.researcher.uuid, "DTU Energy", back_on)
    calls = person_changed(stack, ida)

    assert former_staff_since(stack, ida) is None
    assert calls["POST /employment"] == 1 and calls["GET /activities"] == 1
    first, again = ours(stack, ida)
    assert first.document.end == ymd(last_day)
    assert (again.document.department, again.document.start, again.document.end) == (
        "DTU Energy",
        ymd(back_on),
        None,
    )
    assert later in sources_on_orcid(stack, ida.orcid)  # the works sync resumed too
    history = [event.event for event in consent(stack, ida).get(ida.researcher.uuid).history]  # type: ignore[union-attr]
    assert "paused: left DTU" in history and "resumed: back at DTU" in history


def test_an_employment_the_researcher_deleted_is_not_created_again_until_restored(
    stack: LocalStack, ida: Connected
) -> None:
    (employment,) = ours(stack, ida)
    stack.orcid.api.delete_employment_as_researcher(ida.orcid, employment.put_code)

    assert night(stack, ida) == Counter({"GET /activities": 1})  # noticed and remembered, not re-created
    assert ours(stack, ida) == []
    links = AffiliationLinkStore(stack.resources.refs["AffiliationLinksTable"]).of_person(ida.researcher.uuid)
    assert [link.state for link in links.values() if link.kind.value == "employment"] == [
        LinkState.REMOVED_BY_RESEARCHER
    ]
    stack.orbit.move(ida.researcher.uuid, "DTU Compute", TODAY - timedelta(days=2))
    person_changed(stack, ida)
    assert [e.document.department for e in ours(stack, ida)] == ["DTU Compute"]  # the old one stays gone

    run(stack, resync_job(ida.researcher.uuid, datetime.now(UTC), restore=True))
    assert sorted(e.document.department or "" for e in ours(stack, ida)) == ["DTU", "DTU Compute"]


def test_the_researchers_own_and_other_sources_employments_are_never_touched(
    stack: LocalStack, ida: Connected
) -> None:
    theirs = Employment(
        association_id="1", organization=DTU, start=date(2010, 1, 1), department="DTU Physics"
    )
    other = stack.orcid.api.add_employment_as(ida.orcid, OTHER_SOURCE, employment_to_xml(theirs))
    stack.orbit.leave(ida.researcher.uuid, TODAY - timedelta(days=1))
    person_changed(stack, ida)

    kept = [e for e in stack.orcid.api.employments_of(ida.orcid) if e.source_client_id == OTHER_SOURCE]
    assert kept == [other]


def test_a_lost_answer_is_adopted_not_duplicated(stack: LocalStack, ida: Connected) -> None:
    """The employment was created but its link never written (the worker died after ORCID's 201)."""
    (employment,) = ours(stack, ida)
    table = stack.resources.refs["AffiliationLinksTable"]
    import boto3

    boto3.client("dynamodb").delete_item(
        TableName=table,
        Key={
            "person_id": {"S": ida.researcher.uuid},
            "item": {"S": f"employment#{_association_id(employment)}"},
        },
    )
    stack.orbit.move(ida.researcher.uuid, "DTU Compute", TODAY - timedelta(days=5))

    person_changed(stack, ida)

    kept, added = ours(stack, ida)
    assert kept.put_code == employment.put_code  # adopted (a PUT with the end date), not posted again
    assert kept.document.end is not None and added.document.department == "DTU Compute"


def test_switched_off_affiliations_write_nothing_and_switching_on_brings_them(stack: LocalStack) -> None:
    who = connect(stack, new_researcher(stack, "Ole", "Dam"))
    store = ConsentStore(stack.resources.refs["ConsentsTable"])
    jobs = SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"])
    choose_affiliations(store, jobs, who.researcher.uuid, datetime.now(UTC), on=False)
    stack.drain()  # the first sync, queued by the callback, runs after the choice

    assert ours(stack, who) == [] and stack.orcid.api.researcher_urls_of(who.orcid) == []
    assert night(stack, who) == Counter({"GET /activities": 1})

    choose_affiliations(store, jobs, who.researcher.uuid, datetime.now(UTC), on=True)
    stack.drain()
    assert len(ours(stack, who)) == 1


def test_without_the_person_scope_there_is_no_profile_link_and_the_rest_works(stack: LocalStack) -> None:
    stack.orcid.oauth.faults.grant_only = frozenset({"/read-limited", "/activities/update"})
    who = connect(stack, new_researcher(stack, "Eva", "Lund"))
    stack.drain()

    assert stack.orcid.api.researcher_urls_of(who.orcid) == []
    assert len(ours(stack, who)) == 1


def _association_id(employment: StoredEmployment) -> str:
    (external_id,) = employment.document.external_ids
    return external_id.value.removeprefix("orbit-staff-association-")


@pytest.mark.parametrize("shape", ["ws524", "pure-api"])
def test_both_pure_shapes_read_the_same_associations_from_orbit(stack: LocalStack, shape: str) -> None:
    from infra.local.stack import LOCAL_ORBIT_API_KEY
    from orcid_sync.orbit.http import OrbitHttp
    from orcid_sync.orbit.research_outputs import OrbitApiShape
    from orcid_sync.orbit.staff import OrbitStaff

    researcher = new_researcher(stack, "Kai", "Berg")
    stack.orbit.move(researcher.uuid, "DTU Compute", date(2024, 3, 1), job_title="Professor")
    orbit = OrbitStaff(OrbitHttp(stack.orbit_url, lambda: LOCAL_ORBIT_API_KEY), OrbitApiShape(shape))

    staff = orbit.of_person(researcher.uuid)

    assert staff is not None
    assert [(a.unit_name, a.job_title, a.start, a.end) for a in staff.associations] == [
        ("DTU", "Associate Professor", date(2015, 1, 1), date(2024, 2, 29)),
        ("DTU Compute", "Professor", date(2024, 3, 1), None),
    ]
    assert staff.portal_url == f"https://orbit.dtu.dk/en/persons/{researcher.uuid}"
    assert orbit.of_person(str(uuid.uuid4())) is None
