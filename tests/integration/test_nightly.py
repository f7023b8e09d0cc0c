"""Nightly reconciliation: its cost in ORCID calls, the drift it repairs, and the researcher's status."""

from __future__ import annotations

from collections import Counter
from datetime import date

import boto3
import pytest

from infra.local.stack import LocalStack
from infra.orcid_standin.faults import ScriptedFailure
from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job
from orcid_sync.store.consents import ConsentStatus, ConsentStore
from orcid_sync.store.work_links import LinkState, WorkLinkStore
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    dead_letters,
    new_researcher,
    sources_on_orcid,
)


@pytest.fixture
def ida(stack: LocalStack) -> Connected:
    connected = connect(stack, new_researcher(stack, "Ida", "Holm"))
    stack.drain()
    return connected


def night(stack: LocalStack, who: Connected, day: str = "2026-11-25") -> Counter[str]:
    """One researcher's nightly job, run to completion; returns the ORCID calls it made, by kind."""
    before = Counter(stack.orcid.api.calls)
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(nightly_job(who.researcher.uuid, day))
    stack.drain()
    return Counter(stack.orcid.api.calls) - before


def links(stack: LocalStack) -> WorkLinkStore:
    return WorkLinkStore(stack.resources.refs["WorkLinksTable"])


def with_outputs(stack: LocalStack, who: Connected, count: int) -> list[str]:
    return [stack.orbit.put_output(article(who.researcher, title=f"Paper {i}")).uuid for i in range(count)]


def test_a_night_with_nothing_changed_costs_one_read_and_no_write(stack: LocalStack, ida: Connected) -> None:
    uuids = with_outputs(stack, ida, 5)
    night(stack, ida, "2026-11-24")
    assert set(sources_on_orcid(stack, ida.orcid)) == set(uuids)

    calls = night(stack, ida, "2026-11-25")

    assert calls == Counter({"GET /activities": 1})


def test_a_first_sync_of_250_outputs_costs_one_read_and_three_bulk_posts(
    stack: LocalStack, ida: Connected
) -> None:
    uuids = with_outputs(stack, ida, 250)

    calls = night(stack, ida)

    assert calls == Counter({"GET /activities": 1, "POST /works": 3})
    assert sources_on_orcid(stack, ida.orcid) == Counter({uuid: 1 for uuid in uuids})
    remembered = links(stack).of_person(ida.researcher.uuid)
    assert set(remembered) == set(uuids)
    assert {link.state for link in remembered.values()} == {LinkState.SYNCED}


def test_the_first_sync_after_consent_puts_the_works_on_orcid(stack: LocalStack) -> None:
    researcher = new_researcher(stack, "Freja", "Lund")
    outputs = [stack.orbit.put_output(article(researcher, title=f"Early work {i}")).uuid for i in range(3)]

    connected = connect(stack, researcher)
    stack.drain()

    assert set(sources_on_orcid(stack, connected.orcid)) == set(outputs)
    status = connected.browser.status_json()
    assert status["sync"]["on_orcid"] == 3 and status["sync"]["created"] == 3  # type: ignore[index]


def test_a_work_deleted_by_the_researcher_is_remembered_not_recreated(
    stack: LocalStack, ida: Connected
) -> None:
    (uuid,) = with_outputs(stack, ida, 1)
    night(stack, ida, "2026-11-24")
    put_code = links(stack).get(ida.researcher.uuid, uuid).put_code  # type: ignore[union-attr]
    stack.orcid.api.delete_as_researcher(ida.orcid, put_code)  # type: ignore[arg-type]

    calls = night(stack, ida)

    assert calls == Counter({"GET /activities": 1})
    assert sources_on_orcid(stack, ida.orcid) == {}
    assert links(stack).get(ida.researcher.uuid, uuid).state is LinkState.REMOVED_BY_RESEARCHER  # type: ignore[union-attr]


def test_restore_brings_removed_works_back(stack: LocalStack, ida: Connected) -> None:
    (uuid,) = with_outputs(stack, ida, 1)
    night(stack, ida, "2026-11-24")
    stack.orcid.api.delete_as_researcher(ida.orcid, links(stack).get(ida.researcher.uuid, uuid).put_code)  # type: ignore[arg-type, union-attr]
    night(stack, ida)
    page = ida.browser.status_html()
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]

    answer = ida.browser.session.post(
        f"{stack.base_url}/orcid/resync?restore=1", data={"csrf": csrf}, headers={"Origin": stack.base_url}
    )
    stack.drain()

    assert answer.status_code == 202
    assert sources_on_orcid(stack, ida.orcid) == {uuid: 1}


def test_a_lost_put_code_is_adopted_not_duplicated(stack: LocalStack, ida: Connected) -> None:
    (uuid,) = with_outputs(stack, ida, 1)
    night(stack, ida, "2026-11-24")
    links(stack).delete(ida.researcher.uuid, uuid)  # the link is lost (e.g. restored from an old backup)

    calls = night(stack, ida)

    assert sources_on_orcid(stack, ida.orcid) == {uuid: 1}
    assert calls == Counter({"GET /activities": 1, "PUT /work/{put-code}": 1})
    assert links(stack).get(ida.researcher.uuid, uuid).state is LinkState.SYNCED  # type: ignore[union-attr]


def test_an_output_made_confidential_while_its_event_was_lost_is_deleted(
    stack: LocalStack, ida: Connected
) -> None:
    keep, hide = with_outputs(stack, ida, 2)
    night(stack, ida, "2026-11-24")
    stack.orbit.change_output(hide, confidential=True)  # no event

    night(stack, ida)

    assert sources_on_orcid(stack, ida.orcid) == {keep: 1}


def test_an_output_deleted_in_orbit_while_its_event_was_lost_is_deleted(
    stack: LocalStack, ida: Connected
) -> None:
    keep, gone = with_outputs(stack, ida, 2)
    night(stack, ida, "2026-11-24")
    stack.orbit.delete_output(gone)  # no event

    night(stack, ida)

    assert sources_on_orcid(stack, ida.orcid) == {keep: 1}
    assert links(stack).get(ida.researcher.uuid, gone) is None


def test_a_token_revoked_between_runs_is_reported_on_the_status_page(
    stack: LocalStack, ida: Connected
) -> None:
    with_outputs(stack, ida, 1)
    night(stack, ida, "2026-11-24")
    stack.orcid.state.revoke_by_user(ida.orcid, "APP-LOCALSTACK000001")

    night(stack, ida)

    consent = ConsentStore(stack.resources.refs["ConsentsTable"]).get(ida.researcher.uuid)
    assert consent is not None and consent.status is ConsentStatus.REVOKED
    status = ida.browser.status_json()
    assert status["symbol"] == "paused" and status["sync"]["run_problem"] == "revoked"  # type: ignore[index]


def test_a_refusal_of_the_whole_call_is_reported_not_retried(
    stack: LocalStack, ida: Connected, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_outputs(stack, ida, 2)
    faults = stack.orcid.api.faults
    real_next_failure = faults.next_failure
    answers = iter([None, ScriptedFailure(400)])  # GET /works answers; the bulk POST is refused whole
    monkeypatch.setattr(faults, "next_failure", lambda: next(answers, None) or real_next_failure())

    night(stack, ida)

    status = ida.browser.status_json()
    assert status["symbol"] == "needs_attention"
    assert "ORCID refused" in status["sync"]["problem"]  # type: ignore[index]
    assert dead_letters(stack, "SyncJobsDlq") == []


def test_works_private_on_orcid_are_reported_because_nobody_can_see_them(
    stack: LocalStack, ida: Connected
) -> None:
    stack.orcid.state.records[ida.orcid].default_visibility = "private"
    with_outputs(stack, ida, 2)
    night(stack, ida, "2026-11-24")  # ORCID gives the new works the researcher's default: private

    night(stack, ida)

    status = ida.browser.status_json()
    assert status["symbol"] == "needs_attention"
    assert status["sync"]["problem"].startswith("2 of your works on ORCID are private")  # type: ignore[index]


def test_the_nightly_fan_out_queues_one_job_per_active_consent(stack: LocalStack, ida: Connected) -> None:
    connect(stack, new_researcher(stack, "Bo", "Dahl")).browser.disconnect()
    stack.drain()
    active = sum(
        1
        for page in boto3.client("dynamodb")
        .get_paginator("scan")
        .paginate(TableName=stack.resources.refs["ConsentsTable"])
        for item in page["Items"]
        if item["status"]["S"] == "active"
    )

    result = stack.invoke("NightlyFunction", {"source": "aws.scheduler"})

    assert result["jobs"] == active
    assert date.fromisoformat(result["night"])  # the night's date in Copenhagen names the jobs
    stack.drain()
