"""Orbit's change feed drives the sync: edits in the Orbit stand-in reach ORCID through feed → poller →
orbit-events → router → sync-jobs → worker, on the local stack, with the poller invoked as its schedule
would invoke it.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local.stack import LocalStack
from infra.orbit_standin.changes import token_for
from orcid_sync.domain.feed import FeedPosition
from orcid_sync.store.consents import ConsentStore
from orcid_sync.store.feed_cursor import CursorMoved, FeedCursor, FeedCursorStore
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    dead_letters,
    new_researcher,
    sources_on_orcid,
    titles_on_orcid,
    writes,
)

POLLER = "FeedPollerFunction"


def cursors(stack: LocalStack) -> FeedCursorStore:
    return FeedCursorStore(stack.resources.refs["FeedCursorTable"])


def cursor_at_head(stack: LocalStack, caught_up_at: datetime | None = None) -> FeedCursor:
    """Given a poller that has read everything Orbit changed so far (caught up at `caught_up_at`)."""
    at = caught_up_at or datetime.now(UTC)
    store = cursors(stack)
    current = store.get()
    cursor = FeedCursor(
        token=token_for(stack.orbit.changes.head), started_at=at, last_read_at=at, caught_up_at=at
    )
    return store.save(cursor, current.revision if current else None)


def poll(stack: LocalStack) -> dict[str, Any]:
    """One scheduled run of the poller (EventBridge Scheduler's invocation, made now)."""
    result: dict[str, Any] = stack.invoke(POLLER, {"source": "aws.scheduler"})
    return result


def poll_until_caught_up(stack: LocalStack, max_runs: int = 20) -> list[dict[str, Any]]:
    runs = []
    for _ in range(max_runs):
        runs.append(poll(stack))
        if runs[-1]["caught_up"]:
            return runs
    raise AssertionError(f"the poller did not catch up in {max_runs} runs: {runs[-1]}")


def take_orbit_events(stack: LocalStack, keep: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Everything on orbit-events, taken off the queue — except events about outputs in `keep`, which
    stay for the router (a 5,000-change catch-up would otherwise route thousands of strangers' outputs).
    """
    taken: list[dict[str, Any]] = []
    kept = _take(stack, keep, taken)
    _release(stack, kept)
    return taken


def _take(stack: LocalStack, keep: frozenset[str], taken: list[dict[str, Any]]) -> list[str]:
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls["OrbitEventsQueue"]
    kept: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return kept
        done = []
        for message in messages:
            body = json.loads(message["Body"])
            taken.append(body)
            if body.get("uuid") in keep:
                kept.append(message["ReceiptHandle"])
            else:
                done.append({"Id": message["MessageId"], "ReceiptHandle": message["ReceiptHandle"]})
        if done:
            sqs.delete_message_batch(QueueUrl=url, Entries=done)


def _release(stack: LocalStack, handles: list[str]) -> None:
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls["OrbitEventsQueue"]
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)


@pytest.fixture(scope="module", autouse=True)
def _leave_the_queues_as_found(stack: LocalStack) -> Iterator[None]:
    """The stack is shared: what these tests put on orbit-events or its dead-letter queue goes with them."""
    yield
    take_orbit_events(stack)
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls["OrbitEventsDlq"]
    others = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            source = message.get("MessageAttributes", {}).get("source", {}).get("StringValue")
            if source == "pure-change-feed":
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            else:
                others.append(message["ReceiptHandle"])
    for handle in others:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)


@pytest.fixture
def sofie(stack: LocalStack) -> Connected:
    connected = connect(stack, new_researcher(stack, "Sofie", "Kjær"))
    stack.drain()
    cursor_at_head(stack)
    return connected


def test_an_edit_in_orbit_reaches_orcid_through_the_feed_router_and_worker(
    stack: LocalStack, sofie: Connected
) -> None:
    output = stack.orbit.put_output(article(sofie.researcher, title="Wakes behind wind farms"))

    run = poll(stack)
    stack.drain()

    assert run["outputs_sent"] == 1 and run["caught_up"]
    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}

    stack.orbit.change_output(output.uuid, title_en="Wakes behind offshore wind farms")
    poll(stack)
    stack.drain()
    assert titles_on_orcid(stack, sofie.orcid) == {output.uuid: "Wakes behind offshore wind farms"}

    stack.orbit.delete_output(output.uuid)
    poll(stack)
    stack.drain()
    assert sources_on_orcid(stack, sofie.orcid) == {}


def test_a_run_with_nothing_new_sends_nothing(stack: LocalStack, sofie: Connected) -> None:
    run = poll(stack)

    assert (run["pages"], run["outputs_sent"], run["caught_up"]) == (1, 0, True)
    assert take_orbit_events(stack) == []


def test_a_crash_between_sending_and_saving_the_cursor_loses_nothing_and_duplicates_nothing(
    stack: LocalStack, sofie: Connected, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = [stack.orbit.put_output(article(sofie.researcher, title=f"Paper {n}")) for n in range(12)]
    before = writes(stack)
    real_save = FeedCursorStore.save

    def crash_before_saving(self: FeedCursorStore, cursor: FeedCursor, read_revision: int | None) -> Any:
        raise RuntimeError("the poller's execution environment died here")

    monkeypatch.setattr(FeedCursorStore, "save", crash_before_saving)
    with pytest.raises(RuntimeError):
        poll(stack)  # the page's events are on orbit-events; the cursor still points before them
    monkeypatch.setattr(FeedCursorStore, "save", real_save)
    again = poll(stack)  # the next scheduled run reads the same page again and sends it again
    stack.drain()

    assert again["outputs_sent"] == 12
    assert sources_on_orcid(stack, sofie.orcid) == {o.uuid: 1 for o in outputs}
    # One write per work; the events sent twice cost no ORCID write.
    assert writes(stack) - before == len(outputs)


def test_pure_down_for_an_hour_then_a_catch_up_of_5000_changes(stack: LocalStack, sofie: Connected) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    cursor_at_head(stack, caught_up_at=an_hour_ago)
    head_when_pure_went_down = stack.orbit.changes.head
    stack.orbit.failing_status = 503
    down = [poll(stack) for _ in range(3)]
    stored_while_down = cursors(stack).get()

    # Meanwhile Orbit goes on: 5,000 changes — 4,000 to 100 outputs (Sofie's 3 new papers among them),
    # each saved 40 times in a row, as an editor or an import does; 500 to persons, 500 to organisations.
    strangers = [new_researcher(stack, "Outside", f"Author {n}") for n in range(40)]
    mine = [article(sofie.researcher, title=f"Catch-up {n}") for n in range(3)]
    others = [article(strangers[n % 40], title=f"Other {n}") for n in range(97)]
    for output in [*mine, *others]:
        stack.orbit.put_output(output)
        for save in range(1, 40):
            stack.orbit.change_output(output.uuid, title_en=f"{output.title_en}, saved {save} times")
    for n in range(500):
        stack.orbit.change_person(strangers[n % 40].uuid, department=f"DTU unit {n}")
    for _ in range(500):
        stack.orbit.changes.record("Organisation", str(uuid.uuid4()), "UPDATE", 1)
    stack.orbit.failing_status = None
    runs = poll_until_caught_up(stack)
    events = take_orbit_events(stack, keep=frozenset(o.uuid for o in mine))
    stack.drain()

    assert all(run["failure"] and run["pages"] == 0 for run in down)
    assert all(run["unreachable_seconds"] >= 3600 for run in down)
    assert stored_while_down is not None
    assert stored_while_down.token == token_for(head_when_pure_went_down)
    assert stack.orbit.changes.head - head_when_pure_went_down == 5000
    families = sum((Counter(run["families"]) for run in runs), Counter())
    assert families == {"ResearchOutput": 4000, "Person": 500, "Organisation": 500}
    # Bounded work per run: the backlog took several runs of at most 20 pages each.
    assert len(runs) > 1 and all(run["pages"] <= 20 for run in runs)
    # Nothing lost: every output changed is on orbit-events, at its last version.
    last_version = {o.uuid: stack.orbit.outputs[o.uuid].version for o in [*mine, *others]}
    seen: dict[str, int] = {}
    for event in events:
        seen[event["uuid"]] = max(seen.get(event["uuid"], 0), event["version"])
    assert seen == last_version
    assert titles_on_orcid(stack, sofie.orcid) == {o.uuid: f"{o.title_en}, saved 39 times" for o in mine}
    assert runs[-1]["lag_seconds"] < 60


def test_a_cursor_older_than_pure_keeps_changes_starts_from_now_and_reconciles_every_consent(
    stack: LocalStack, sofie: Connected, sync_jobs: Any
) -> None:
    cursor_at_head(stack, caught_up_at=datetime.now(UTC) - timedelta(days=31))
    active = sum(
        len(page) for page in ConsentStore(stack.resources.refs["ConsentsTable"]).active_person_ids()
    )

    run = poll(stack)
    jobs = [json.loads(job["body"]) for job in sync_jobs()]
    cursor = cursors(stack).get()

    assert run["reset"] and run["reconciliation_jobs"] == active
    assert {job["person_id"] for job in jobs} >= {sofie.researcher.uuid}
    assert len(jobs) == active and {(job["kind"], job["reason"]) for job in jobs} == {("full", "feed-reset")}
    # Read from a minute ago on (the margin for Pure's clock): not from where the old cursor was.
    assert cursor is not None and datetime.now(UTC) - cursor.started_at < timedelta(minutes=1)
    take_orbit_events(stack)  # what it read again of the last minute's edits (other tests')


def test_a_token_pure_has_forgotten_starts_from_now_and_reconciles_every_consent(
    stack: LocalStack, sofie: Connected, sync_jobs: Any
) -> None:
    stack.orbit.put_output(article(sofie.researcher))
    stack.orbit.changes.forget_before(datetime.now(UTC) + timedelta(seconds=1))

    run = poll(stack)

    assert run["reset"] and "no longer knows" in run["reset"]
    assert run["reconciliation_jobs"] >= 1 and run["caught_up"]
    assert sofie.researcher.uuid in {json.loads(job["body"])["person_id"] for job in sync_jobs()}


def test_a_person_change_queues_a_full_sync_only_for_a_researcher_who_consented(
    stack: LocalStack, sofie: Connected, sync_jobs: Any
) -> None:
    stranger = new_researcher(stack, "Ole", "Uden Samtykke")

    stack.orbit.change_person(sofie.researcher.uuid, department="DTU Wind")
    stack.orbit.change_person(stranger.uuid, department="DTU Wind")
    run = poll(stack)
    jobs = [(job["group"], json.loads(job["body"])) for job in sync_jobs()]

    assert run["families"] == {"Person": 2} and run["person_jobs"] == 1
    assert [(group, body["kind"], body["reason"]) for group, body in jobs] == [
        (sofie.researcher.uuid, "full", "person-changed")
    ]


def test_other_families_are_counted_and_dropped_and_empty_pages_are_followed(
    stack: LocalStack, sofie: Connected
) -> None:
    for _ in range(250):  # changes the API key may not see: pages with count 0 and moreChanges true
        stack.orbit.changes.record("Award", str(uuid.uuid4()), "UPDATE", 1)
    stack.orbit.changes.record("Organisation", str(uuid.uuid4()), "UPDATE", 4)
    output = stack.orbit.put_output(article(sofie.researcher))

    run = poll(stack)

    assert run["pages"] >= 3
    assert run["families"] == {"Organisation": 1, "ResearchOutput": 1}
    assert [event["uuid"] for event in take_orbit_events(stack)] == [output.uuid]


def test_an_unreadable_item_goes_to_the_dead_letter_queue_with_its_reason_and_the_rest_goes_on(
    stack: LocalStack, sofie: Connected
) -> None:
    dead_letters(stack, "OrbitEventsDlq")  # (peeks only: a test before may have left some)
    stack.orbit.changes.record_raw(
        {"uuid": "not-a-uuid", "changeType": "UPDATE", "familySystemName": "ResearchOutput", "version": 2}
    )
    output = stack.orbit.put_output(article(sofie.researcher))

    run = poll(stack)
    stack.drain()

    kept = [m for m in dead_letters(stack, "OrbitEventsDlq") if "not-a-uuid" in m["Body"]]
    assert run["unreadable"] == 1 and run["outputs_sent"] == 1
    assert kept and "uuid" in kept[0]["MessageAttributes"]["reason"]["StringValue"]
    assert kept[0]["MessageAttributes"]["source"]["StringValue"] == "pure-change-feed"
    assert sources_on_orcid(stack, sofie.orcid) == {output.uuid: 1}


def test_two_pollers_cannot_both_move_the_cursor(stack: LocalStack) -> None:
    stored = cursor_at_head(stack)
    store = cursors(stack)

    store.save(
        stored.moved_to(FeedPosition(token=token_for(1)), last_read_at=datetime.now(UTC)), stored.revision
    )

    with pytest.raises(CursorMoved):
        store.save(stored.moved_to(FeedPosition(token=token_for(2))), stored.revision)


def test_without_a_cursor_the_poller_starts_from_now(stack: LocalStack) -> None:
    boto3.client("dynamodb").delete_item(
        TableName=stack.resources.refs["FeedCursorTable"], Key={"feed": {"S": "pure-changes"}}
    )

    run = poll(stack)
    cursor = cursors(stack).get()

    assert run["caught_up"] and cursor is not None and cursor.token is not None
    assert datetime.now(UTC) - cursor.started_at < timedelta(minutes=1)
    take_orbit_events(stack)  # what it read again of the last minute's edits (other tests')
