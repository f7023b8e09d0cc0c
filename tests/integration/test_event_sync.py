"""Orbit events on SQS keep ORCID in step: router → sync-jobs → worker, through the local stack."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from infra.local.stack import LocalStack, reset_function_caches
from orcid_sync.store.consents import ConsentStatus, ConsentStore
from orcid_sync.store.work_links import LinkState, WorkLink, WorkLinkStore
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    dead_letters,
    new_researcher,
    send_event,
    send_raw,
    sources_on_orcid,
    titles_on_orcid,
    writes,
)


@pytest.fixture
def sofie(stack: LocalStack) -> Connected:
    connected = connect(stack, new_researcher(stack, "Sofie", "Kjær"))
    stack.drain()  # the first full sync after consent (nothing in Orbit yet)
    return connected


def links(stack: LocalStack) -> WorkLinkStore:
    return WorkLinkStore(stack.resources.refs["WorkLinksTable"])


def test_a_created_output_appears_on_orcid_once(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))

    send_event(stack, "created", output.uuid, 1)
    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}
    link = links(stack).get(sofie.researcher.uuid, output.uuid)
    assert link is not None and link.state is LinkState.SYNCED and link.put_code


def test_a_correction_updates_the_same_work(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher, title="Draft title"))
    send_event(stack, "created", output.uuid, 1)
    stack.drain()
    put_code = links(stack).get(sofie.researcher.uuid, output.uuid).put_code  # type: ignore[union-attr]

    stack.orbit.change_output(output.uuid, title_en="Corrected title")
    send_event(stack, "updated", output.uuid, 2)
    stack.drain()

    assert titles_on_orcid(stack, sofie.orcid) == {output.uuid: "Corrected title"}
    assert links(stack).get(sofie.researcher.uuid, output.uuid).put_code == put_code  # type: ignore[union-attr]


def test_withdrawn_then_eligible_again_is_deleted_then_pushed_again(
    stack: LocalStack, sofie: Connected
) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))
    send_event(stack, "created", output.uuid, 1)
    stack.drain()

    stack.orbit.change_output(output.uuid, confidential=True)
    send_event(stack, "updated", output.uuid, 2)
    stack.drain()
    assert sources_on_orcid(stack, sofie.orcid) == {}
    assert links(stack).get(sofie.researcher.uuid, output.uuid) is None

    stack.orbit.change_output(output.uuid, confidential=False)
    send_event(stack, "updated", output.uuid, 3)
    stack.drain()
    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}


def test_an_output_deleted_in_orbit_is_deleted_from_orcid(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))
    send_event(stack, "created", output.uuid, 1)
    stack.drain()

    stack.orbit.delete_output(output.uuid)
    send_raw(
        stack, json.dumps({"uuid": output.uuid, "changeType": "DELETE", "familySystemName": "ResearchOutput"})
    )
    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {}


def test_duplicate_and_reordered_events_leave_one_current_work(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher, title="Version one"))
    stack.orbit.change_output(output.uuid, title_en="Version two")

    for version, kind in ((2, "updated"), (1, "created"), (2, "updated"), (1, "created")):
        send_event(stack, kind, output.uuid, version)
    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}
    assert titles_on_orcid(stack, sofie.orcid) == {output.uuid: "Version two"}


def test_a_repeated_identical_event_makes_no_orcid_write(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))
    send_event(stack, "created", output.uuid, 1)
    stack.drain()
    before = writes(stack)

    send_event(stack, "updated", output.uuid, 5)
    stack.drain()

    assert writes(stack) == before


def test_co_authors_each_get_the_work_on_their_own_record(stack: LocalStack, sofie: Connected) -> None:
    mads = connect(stack, new_researcher(stack, "Mads", "Ø"))
    stack.drain()
    output = stack.orbit.put_output(article(sofie.researcher, mads.researcher))

    send_event(stack, "created", output.uuid, 1)
    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}
    assert sources_on_orcid(stack, mads.orcid) == {output.uuid: 1}


@pytest.mark.redeliveries_expected
def test_a_put_code_lost_in_a_crash_is_recovered_without_a_duplicate(
    stack: LocalStack, sofie: Connected, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))
    real_put = WorkLinkStore.put
    crashes = []

    def crash_after_orcids_201(self: WorkLinkStore, link: WorkLink) -> None:
        if link.publication_id == output.uuid and link.state is LinkState.SYNCED and not crashes:
            crashes.append(link.publication_id)
            raise RuntimeError("Lambda died between ORCID's 201 and saving the link")
        real_put(self, link)

    monkeypatch.setattr(WorkLinkStore, "put", crash_after_orcids_201)
    send_event(stack, "created", output.uuid, 1)
    stack.drain()

    assert crashes == [output.uuid]
    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}
    link = links(stack).get(sofie.researcher.uuid, output.uuid)
    assert link is not None and link.state is LinkState.SYNCED


def test_two_outputs_with_the_same_doi_are_told_apart_and_pushed_once(
    stack: LocalStack, sofie: Connected
) -> None:
    first = stack.orbit.put_output(article(sofie.researcher, doi="10.11581/dtu.same"))
    second = stack.orbit.put_output(
        article(sofie.researcher, title="Same paper, entered twice", doi="10.11581/dtu.same")
    )

    send_event(stack, "created", first.uuid, 1)
    stack.drain()
    send_event(stack, "created", second.uuid, 1)
    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {first.uuid: 1}
    duplicate = links(stack).get(sofie.researcher.uuid, second.uuid)
    assert (
        duplicate is not None
        and duplicate.state is LinkState.DUPLICATE_OF
        and duplicate.duplicate_of == first.uuid
    )
    original = links(stack).get(sofie.researcher.uuid, first.uuid)
    assert original is not None and second.uuid in (original.message or "")
    before = writes(stack)
    send_event(stack, "updated", second.uuid, 2)
    stack.drain()
    assert writes(stack) == before  # neither is pushed twice


def test_a_work_the_researcher_deleted_is_not_recreated(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher, title="Before"))
    send_event(stack, "created", output.uuid, 1)
    stack.drain()
    put_code = links(stack).get(sofie.researcher.uuid, output.uuid).put_code  # type: ignore[union-attr]
    assert stack.orcid.api.delete_as_researcher(sofie.orcid, put_code)  # type: ignore[arg-type]

    stack.orbit.change_output(output.uuid, title_en="After")
    send_event(stack, "updated", output.uuid, 2)
    stack.drain()
    send_event(stack, "updated", output.uuid, 3)
    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {}
    link = links(stack).get(sofie.researcher.uuid, output.uuid)
    assert link is not None and link.state is LinkState.REMOVED_BY_RESEARCHER


def test_a_revoked_token_pauses_the_researcher_without_retries(stack: LocalStack, sofie: Connected) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))
    stack.orcid.state.revoke_by_user(sofie.orcid, "APP-LOCALSTACK000001")
    revocation_delete_allowed_calls = writes(stack)

    send_event(stack, "created", output.uuid, 1)
    report = stack.drain()

    consent = ConsentStore(stack.resources.refs["ConsentsTable"]).get(sofie.researcher.uuid)
    assert consent is not None and consent.status is ConsentStatus.REVOKED
    assert consent.sync is not None and consent.sync.run_problem == "revoked"
    assert report.failed == 0  # not retried
    assert dead_letters(stack, "SyncJobsDlq") == []
    assert writes(stack) == revocation_delete_allowed_calls + 1  # the one refused POST
    assert sofie.browser.status_json()["symbol"] == "paused"


def test_malformed_events_are_kept_with_their_reason_and_do_not_block_the_batch(
    stack: LocalStack, sofie: Connected
) -> None:
    output = stack.orbit.put_output(article(sofie.researcher))
    send_raw(stack, "this is not json")
    send_event(stack, "created", output.uuid, 1)
    send_raw(stack, json.dumps({"type": "researchoutput.created", "uuid": "nope"}))

    stack.drain()

    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}
    kept = dead_letters(stack, "OrbitEventsDlq")
    reasons = sorted(m["MessageAttributes"]["reason"]["StringValue"] for m in kept)  # type: ignore[index]
    assert len(reasons) == 2
    assert "not JSON" in reasons[1] or "not JSON" in reasons[0]
    assert any("uuid" in reason for reason in reasons)


@pytest.fixture
def pure_api_shape(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Orbit granted the newer Pure API instead of WS 5.24 (a deployment setting)."""
    monkeypatch.setenv("ORBIT_API_SHAPE", "pure-api")
    reset_function_caches()
    yield
    monkeypatch.undo()
    reset_function_caches()


def test_the_newer_pure_api_shape_syncs_the_same(stack: LocalStack, pure_api_shape: None) -> None:
    researcher = new_researcher(stack, "Karen", "Blixen")
    early = stack.orbit.put_output(article(researcher, title="Read through dependents and search"))
    connected = connect(stack, researcher)
    stack.drain()  # the first full sync reads the person's outputs the Pure API way
    later = stack.orbit.put_output(article(researcher, title="Read by uuid"))

    send_event(stack, "created", later.uuid, 1)
    stack.drain()

    assert sources_on_orcid(stack, connected.orcid) == {early.uuid: 1, later.uuid: 1}
    assert stack.orbit.calls.get("api_search", 0) >= 1 and stack.orbit.calls.get("api_output", 0) >= 1
