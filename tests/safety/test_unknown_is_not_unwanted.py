"""Unknown is not unwanted: what Orbit cannot tell us keeps every work on ORCID as it is, and is reported."""

from __future__ import annotations

import pytest

from infra.local.stack import LocalStack
from tests.integration.sync_fixtures import send_event
from tests.safety.helpers import (
    assert_first_attempts,
    consent_of,
    duplicates,
    nightly,
    researcher_with_works,
    snapshot,
)

NOT_A_RESEARCH_OUTPUT = {"systemName": "Person", "name": {"firstName": "Not", "lastName": "Output"}}


def test_a_404_for_the_persons_outputs_keeps_every_work_and_says_so(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 3)
    before = snapshot(stack, ida.orcid)
    stack.orbit.person_list_status[ida.person] = 404  # Pure merged the person away

    assert_first_attempts(nightly(stack, ida.person))

    assert snapshot(stack, ida.orcid) == before
    status = ida.connected.browser.status_json()
    assert status["symbol"] == "needs_attention"
    assert status["sync"]["run_problem"] == "orbit_list_unknown"  # type: ignore[index]
    assert "Orbit could not list your outputs" in status["sync"]["problem"]  # type: ignore[index]


def test_a_list_cut_short_keeps_every_work(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 3)
    before = snapshot(stack, ida.orcid)
    stack.orbit.person_list_cut_at[ida.person] = 0  # pages come back empty while `count` says 3

    assert_first_attempts(nightly(stack, ida.person))

    assert snapshot(stack, ida.orcid) == before
    assert consent_of(stack, ida.person).sync.run_problem == "orbit_list_unknown"  # type: ignore[union-attr]


@pytest.mark.redeliveries_expected
def test_orbit_down_during_a_full_sync_keeps_every_work_and_retries(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 2)
    before = snapshot(stack, ida.orcid)
    stack.orbit.failing_status = 503

    report = nightly(stack, ida.person)

    assert report.failed >= 1  # retried, not dropped (the local runner does not wait out the backoff)
    assert snapshot(stack, ida.orcid) == before
    assert consent_of(stack, ida.person).sync.run_problem == "orbit_list_unknown"  # type: ignore[union-attr]
    stack.orbit.failing_status = None
    assert_first_attempts(nightly(stack, ida.person, night="2026-12-01"))
    assert snapshot(stack, ida.orcid) == before
    assert consent_of(stack, ida.person).sync.run_problem is None  # type: ignore[union-attr]


def test_an_unreadable_output_in_the_list_keeps_its_work_and_is_named(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 3)
    before = snapshot(stack, ida.orcid)
    broken = ida.outputs[0].uuid
    stack.orbit.raw_outputs[broken] = {"uuid": broken, **NOT_A_RESEARCH_OUTPUT}

    assert_first_attempts(nightly(stack, ida.person))

    assert snapshot(stack, ida.orcid) == before
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.sync is not None
    assert "could not be read" in consent.sync.problems[broken]
    assert consent.sync.problem is not None and broken in consent.sync.problem


def test_an_unreadable_output_without_a_uuid_stops_every_deletion_of_the_run(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 3)
    withdrawn = ida.outputs[1].uuid
    stack.orbit.change_output(withdrawn, visibility="BACKEND")  # really no longer wanted...
    stack.orbit.raw_outputs[ida.outputs[0].uuid] = NOT_A_RESEARCH_OUTPUT  # ...but the list is not whole
    before = snapshot(stack, ida.orcid)

    assert_first_attempts(nightly(stack, ida.person))

    assert snapshot(stack, ida.orcid) == before
    assert consent_of(stack, ida.person).sync.run_problem == "orbit_list_incomplete"  # type: ignore[union-attr]
    del stack.orbit.raw_outputs[ida.outputs[0].uuid]
    assert_first_attempts(nightly(stack, ida.person, night="2026-12-01"))
    assert withdrawn not in {source for _, source, _ in snapshot(stack, ida.orcid).values()}


def test_an_event_for_an_output_orbit_answers_unreadably_keeps_its_work(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 2)
    before = snapshot(stack, ida.orcid)
    broken = ida.outputs[0].uuid
    stack.orbit.raw_outputs[broken] = {"uuid": broken, **NOT_A_RESEARCH_OUTPUT}

    send_event(stack, "updated", broken, 5)
    stack.drain()  # the router sends it to the DLQ (its answer is not a research output)...
    # ...and a job that reads the same answer (e.g. a researcher's sync of that output) keeps the work:
    from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, SyncJobQueue

    job = SyncJob(
        kind=JobKind.OUTPUT, person_id=ida.person, publication_id=broken, reason="event", version="5"
    )
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(job)
    assert_first_attempts(stack.drain())

    assert snapshot(stack, ida.orcid) == before
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.sync is not None
    assert "could not be read" in consent.sync.problems[broken]


def test_a_withdrawn_output_is_still_deleted_when_orbit_says_so(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 3)
    withdrawn = ida.outputs[2].uuid
    stack.orbit.change_output(withdrawn, visibility="BACKEND")

    send_event(stack, "updated", withdrawn, 2)
    assert_first_attempts(stack.drain())

    sources = {source for _, source, _ in snapshot(stack, ida.orcid).values()}
    assert withdrawn not in sources and len(sources) == 2
    assert duplicates(stack, ida.orcid) == []
