"""SQS FIFO partial batch processing with the message groups (researchers) run concurrently.

Each group's records run in order on one thread; once one fails, the group's later records are failed
without running (SQS delivers them again, in order): the semantics of Powertools'
`SqsFifoPartialProcessor(skip_group_on_error=True)`, run concurrently.

Records of a group with the same merge key (e.g. the jobs about one output of one researcher) run once,
at the place of the first of them, as the newest of them (which carries all of them under
MERGED_RECORDS); every record merged shares that run's outcome, so a failure retries all of them.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse, SuccessResponse
from aws_lambda_powertools.utilities.batch.exceptions import SQSFifoMessageGroupCircuitBreakerError

# At most this many researchers' jobs at once in one invocation (SQS FIFO batches hold at most 10).
MAX_GROUPS_AT_ONCE = 10

Outcome = SuccessResponse | FailureResponse
# The raw records (oldest first) a merged run stands for, on the record handed to the record handler.
MERGED_RECORDS = "mergedRecords"
MergeKey = Callable[[dict[str, Any]], Hashable | None]


class MergedRunFailed(Exception):
    """The run this record was merged into failed: the record is retried with it."""


class ConcurrentFifoProcessor(BatchProcessor):
    """SQS FIFO partial batch processing with the message groups run concurrently.

    Each group's records run in order on one thread; once one fails, the group's later records are
    failed without running (SQS delivers them again, in order). Success and failure are recorded by
    BatchProcessor's own handlers, so the response, and the error when every record failed, are
    Powertools' own. Each thread runs in a copy of the invoking context (context variables).
    """

    group_failed = (
        SQSFifoMessageGroupCircuitBreakerError,
        SQSFifoMessageGroupCircuitBreakerError("A previous record from this message group failed processing"),
        None,
    )

    merged_failed = (MergedRunFailed, MergedRunFailed("the run this record was merged into failed"), None)

    def __init__(self, max_groups_at_once: int | None = None, merge_key: MergeKey | None = None) -> None:
        super().__init__(EventType.SQS)
        self.max_groups_at_once = max_groups_at_once or MAX_GROUPS_AT_ONCE
        self.merge_key = merge_key
        self.merged = 0  # records that rode along in another record's run
        self._outcomes = threading.Lock()

    def process(self) -> list[Outcome]:
        groups = message_groups(self.records)
        if len(groups) <= 1:
            return [outcome for group in groups for outcome in self._process_group(group)]
        with ThreadPoolExecutor(
            max_workers=min(self.max_groups_at_once, len(groups)), thread_name_prefix="sync-job"
        ) as pool:
            running = [pool.submit(contextvars.copy_context().run, self._process_group, g) for g in groups]
            return [outcome for future in running for outcome in future.result()]

    def _process_group(self, records: Sequence[dict[str, Any]]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        runs = merged_runs(records, self.merge_key)
        for position, run in enumerate(runs):
            outcome = self._process_record(_standing_for(run))
            outcomes.append(outcome)
            outcomes += [self._ride(record, outcome) for record in run[:-1]]
            if outcome[0] == "fail":
                outcomes += [self._skip(rest) for later in runs[position + 1 :] for rest in later]
                break
        return outcomes

    def _ride(self, record: dict[str, Any], outcome: Outcome) -> Outcome:
        """The outcome of a record merged into another's run: that run's."""
        with self._outcomes:
            self.merged += 1
        if outcome[0] == "success":
            return self.success_handler(record, outcome[1])
        data = self._to_batch_type(record, event_type=self.event_type)
        return self.failure_handler(data, self.merged_failed)

    def _skip(self, record: dict[str, Any]) -> FailureResponse:
        data = self._to_batch_type(record, event_type=self.event_type)
        return self.failure_handler(data, self.group_failed)

    def success_handler(self, record: Any, result: Any) -> SuccessResponse:
        with self._outcomes:
            return super().success_handler(record, result)

    def failure_handler(self, record: Any, exception: Any) -> FailureResponse:
        with self._outcomes:
            return super().failure_handler(record, exception)


def merged_runs(records: Sequence[dict[str, Any]], merge_key: MergeKey | None) -> list[list[dict[str, Any]]]:
    """A group's records as runs, in the order of each run's first record; records with the same merge
    key are one run (oldest first), any other record a run of its own.
    """
    runs: list[list[dict[str, Any]]] = []
    by_key: dict[Hashable, list[dict[str, Any]]] = {}
    for record in records:
        key = merge_key(record) if merge_key is not None else None
        if key is None:
            runs.append([record])
        elif key in by_key:
            by_key[key].append(record)
        else:
            by_key[key] = [record]
            runs.append(by_key[key])
    return runs


def _standing_for(run: list[dict[str, Any]]) -> dict[str, Any]:
    """The record handed to the record handler for a run: its newest, carrying the run when merged."""
    if len(run) == 1:
        return run[0]
    return {**run[-1], MERGED_RECORDS: list(run)}


def message_groups(records: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The records by MessageGroupId, in delivery order within each group (a record without one alone)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        group = (record.get("attributes") or {}).get("MessageGroupId") or f"message:{record.get('messageId')}"
        groups.setdefault(group, []).append(record)
    return list(groups.values())
