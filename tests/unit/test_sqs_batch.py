"""Our SQS partial batch response: what Lambda gets back for each mix of succeeded and failed records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orcid_sync.jobs.fifo_processor import ConcurrentFifoProcessor
from orcid_sync.jobs.sqs_batch import (
    BatchFailed,
    InOrder,
    NotAnSqsBatch,
    SqsRecord,
    process_partial_response,
)


def _record(message_id: str, group: str | None = None, receives: str | None = "1") -> dict[str, Any]:
    attributes = {"ApproximateReceiveCount": receives} if receives else {}
    if group:
        attributes["MessageGroupId"] = group
    return {
        "messageId": message_id,
        "receiptHandle": f"receipt-{message_id}",
        "body": json.dumps({"id": message_id}),
        "attributes": attributes,
        "messageAttributes": {},
        "eventSource": "aws:sqs",
    }


class Handler:
    """Notes the message ids it was given, in order; raises for those in `fail`."""

    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.fail = fail
        self.ran: list[str] = []

    def __call__(self, record: SqsRecord) -> None:
        self.ran.append(record.message_id)
        if record.message_id in self.fail:
            raise RuntimeError(f"{record.message_id} failed")


def test_a_record_whose_handler_raises_is_reported_by_its_message_id_and_the_others_are_not() -> None:
    handler = Handler(fail=frozenset({"m2"}))
    event = {"Records": [_record("m1"), _record("m2"), _record("m3")]}

    response = process_partial_response(event, handler, InOrder())

    assert response == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert handler.ran == ["m1", "m2", "m3"]  # a standard queue: a failure holds nothing up


def test_a_batch_where_every_record_succeeds_reports_no_failures() -> None:
    response = process_partial_response({"Records": [_record("m1"), _record("m2")]}, Handler(), InOrder())

    assert response == {"batchItemFailures": []}


def test_an_empty_batch_runs_nothing_and_reports_no_failures() -> None:
    handler = Handler()

    for processor in (InOrder(), ConcurrentFifoProcessor()):
        assert process_partial_response({"Records": []}, handler, processor) == {"batchItemFailures": []}
    assert handler.ran == []


def test_an_event_without_records_is_refused() -> None:
    with pytest.raises(NotAnSqsBatch):
        process_partial_response({"detail-type": "Scheduled Event"}, Handler(), InOrder())


def test_when_every_record_fails_the_invocation_fails_with_every_error() -> None:
    event = {"Records": [_record("m1"), _record("m2")]}

    with pytest.raises(BatchFailed) as raised:
        process_partial_response(event, Handler(fail=frozenset({"m1", "m2"})), InOrder())

    assert [str(error) for error in raised.value.errors] == ["m1 failed", "m2 failed"]
    assert "m1 failed" in str(raised.value) and "m2 failed" in str(raised.value)  # as the runtime logs it


def test_all_later_records_of_a_failed_group_are_reported_and_never_run() -> None:
    handler = Handler(fail=frozenset({"a1"}))
    records = [
        _record("a0", "a"),
        _record("a1", "a"),
        _record("b0", "b"),
        _record("a2", "a"),
        _record("a3", "a"),
    ]

    response = process_partial_response({"Records": records}, handler, ConcurrentFifoProcessor())

    assert response == {"batchItemFailures": [{"itemIdentifier": m} for m in ("a1", "a2", "a3")]}
    assert sorted(handler.ran) == ["a0", "a1", "b0"]


def test_a_batch_whose_records_all_fail_or_wait_behind_a_failure_fails_whole() -> None:
    records = [_record("a0", "a"), _record("a1", "a"), _record("b0", "b")]

    with pytest.raises(BatchFailed) as raised:
        process_partial_response(
            {"Records": records}, Handler(fail=frozenset({"a0", "b0"})), ConcurrentFifoProcessor()
        )

    assert len(raised.value.errors) == 3  # a1 never ran: it failed behind a0


def test_a_record_reads_its_group_and_receive_count_with_defaults_for_a_standard_queue() -> None:
    fifo = SqsRecord(_record("m1", group="researcher-1", receives="3"))
    standard = SqsRecord(_record("m2", receives=None))

    assert (fifo.message_group_id, fifo.receive_count, fifo.receipt_handle) == (
        "researcher-1",
        3,
        "receipt-m1",
    )
    assert (standard.message_group_id, standard.receive_count) == (None, 1)
    assert standard.messages == (standard,)
