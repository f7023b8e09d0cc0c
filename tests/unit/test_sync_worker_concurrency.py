"""The sync worker's batch processing: researchers concurrently, each researcher's jobs in order.

Concurrency is shown by a barrier that only threads running at the same time can pass (its timeout
only turns a hang into a failure); no test measures or asserts a time.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from typing import Any

import pytest

from orcid_sync.jobs.fifo_processor import ConcurrentFifoProcessor, message_groups
from orcid_sync.jobs.sqs_batch import BatchFailed, SqsRecord, process_partial_response


def _record(group: str, number: int) -> dict[str, Any]:
    return {
        "messageId": f"{group}-{number}",
        "receiptHandle": f"receipt-{group}-{number}",
        "body": f'{{"group": "{group}", "number": {number}}}',
        "attributes": {"MessageGroupId": group, "ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-north-1:123456789012:sync-jobs.fifo",
        "awsRegion": "eu-north-1",
    }


def _event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


class Recorder:
    """A record handler that notes which jobs ran, in which order per group, and on how many threads."""

    def __init__(self, fail: set[str] = frozenset(), barrier: threading.Barrier | None = None) -> None:
        self.fail = fail
        self.barrier = barrier
        self.ran: dict[str, list[str]] = defaultdict(list)
        self.threads: set[int] = set()
        self._lock = threading.Lock()

    def __call__(self, record: SqsRecord) -> None:
        group = record.message_group_id or ""
        with self._lock:
            self.ran[group].append(record.message_id)
            self.threads.add(threading.get_ident())
        if self.barrier is not None and record.message_id.endswith("-0"):
            self.barrier.wait(timeout=30)
        if record.message_id in self.fail:
            raise RuntimeError(f"{record.message_id} failed")


def _failed(response: dict[str, Any]) -> set[str]:
    return {item["itemIdentifier"] for item in response["batchItemFailures"]}


def test_records_are_grouped_by_researcher_in_delivery_order() -> None:
    records = [_record("a", 0), _record("b", 0), _record("a", 1), _record("c", 0), _record("a", 2)]

    groups = message_groups([SqsRecord(record) for record in records])

    assert [[r.message_id for r in group] for group in groups] == [["a-0", "a-1", "a-2"], ["b-0"], ["c-0"]]


def test_different_researchers_run_at_the_same_time_each_in_order_each_job_once() -> None:
    groups = "abcde"
    # The first job of every researcher waits until all five are running at once: sequential
    # processing could never pass this barrier.
    recorder = Recorder(barrier=threading.Barrier(len(groups)))
    records = [_record(group, number) for number in range(2) for group in groups]

    response = process_partial_response(_event(*records), recorder, ConcurrentFifoProcessor())

    assert response == {"batchItemFailures": []}
    assert dict(recorder.ran) == {group: [f"{group}-0", f"{group}-1"] for group in groups}
    assert len(recorder.threads) == len(groups)


def test_a_failed_job_fails_the_rest_of_its_researchers_jobs_unrun_and_others_go_on() -> None:
    recorder = Recorder(fail={"a-1"})
    records = [_record("a", 0), _record("b", 0), _record("a", 1), _record("b", 1), _record("a", 2)]

    response = process_partial_response(_event(*records), recorder, ConcurrentFifoProcessor())

    assert _failed(response) == {"a-1", "a-2"}
    assert recorder.ran["a"] == ["a-0", "a-1"]  # a-2 never ran: it comes back after a-1, in order
    assert recorder.ran["b"] == ["b-0", "b-1"]


def test_when_every_job_fails_the_whole_batch_fails() -> None:
    recorder = Recorder(fail={"a-0", "b-0"})

    with pytest.raises(BatchFailed):
        process_partial_response(
            _event(_record("a", 0), _record("b", 0), _record("a", 1)), recorder, ConcurrentFifoProcessor()
        )


def test_no_more_threads_than_the_limit_even_with_more_researchers() -> None:
    recorder = Recorder()
    records = [_record(f"g{number}", 0) for number in range(10)]

    response = process_partial_response(
        _event(*records), recorder, ConcurrentFifoProcessor(max_groups_at_once=3)
    )

    assert response == {"batchItemFailures": []}
    assert sorted(message for ran in recorder.ran.values() for message in ran) == sorted(
        r["messageId"] for r in records
    )
    assert len(recorder.threads) <= 3


def test_one_processor_serves_invocation_after_invocation_with_nothing_carried_over() -> None:
    processor = ConcurrentFifoProcessor()

    first = process_partial_response(
        _event(_record("a", 0), _record("b", 0)), Recorder(fail={"a-0"}), processor
    )
    second = process_partial_response(_event(_record("a", 1), _record("b", 1)), Recorder(), processor)

    assert _failed(first) == {"a-0"}
    assert _failed(second) == set()


# --- jobs about one output, merged ---------------------------------------------------------------------


def _keyed(group: str, number: int, key: str | None) -> dict[str, Any]:
    record = _record(group, number)
    record["body"] = json.dumps({"group": group, "number": number, "key": key})
    return record


def _by_key(record: SqsRecord) -> str | None:
    key = json.loads(record.body)["key"]
    return None if key is None else str(key)


class MergeRecorder(Recorder):
    """Also notes, for each run, the records it stood for."""

    def __init__(self, fail: set[str] = frozenset()) -> None:
        super().__init__(fail)
        self.stood_for: dict[str, list[str]] = {}

    def __call__(self, record: SqsRecord) -> None:
        self.stood_for[record.message_id] = [message.message_id for message in record.messages]
        super().__call__(record)


def test_jobs_with_one_merge_key_run_once_as_the_newest_at_the_place_of_the_first() -> None:
    recorder = MergeRecorder()
    records = [_keyed("a", 0, "o1"), _keyed("a", 1, None), _keyed("a", 2, "o1"), _keyed("a", 3, "o1")]
    processor = ConcurrentFifoProcessor(merge_key=_by_key)

    outcomes = processor.process([SqsRecord(record) for record in records], recorder)

    assert recorder.ran["a"] == ["a-3", "a-1"]  # one run for o1, where its first job was; then a-1
    assert recorder.stood_for["a-3"] == ["a-0", "a-2", "a-3"]
    assert [outcome.how for outcome in outcomes].count("merged") == 2
    # every message acknowledged, each once
    assert sorted(o.record.message_id for o in outcomes if not o.failed) == [r["messageId"] for r in records]


def test_a_failed_merged_run_fails_every_message_it_stood_for_and_the_groups_later_jobs() -> None:
    recorder = MergeRecorder(fail={"a-2"})
    records = [
        _keyed("a", 0, "o1"),
        _keyed("b", 0, "o1"),
        _keyed("a", 1, None),
        _keyed("a", 2, "o1"),
        _keyed("b", 1, "o1"),
    ]

    response = process_partial_response(
        _event(*records), recorder, ConcurrentFifoProcessor(merge_key=_by_key)
    )

    assert _failed(response) == {"a-0", "a-2", "a-1"}  # nothing lost: all come back, in order
    assert recorder.ran["a"] == ["a-2"]
    assert recorder.ran["b"] == ["b-1"]  # another researcher's merged jobs are their own


def test_without_a_merge_key_every_job_runs() -> None:
    recorder = MergeRecorder()
    records = [_keyed("a", 0, None), _keyed("a", 1, None)]

    process_partial_response(_event(*records), recorder, ConcurrentFifoProcessor(merge_key=_by_key))

    assert recorder.ran["a"] == ["a-0", "a-1"]
