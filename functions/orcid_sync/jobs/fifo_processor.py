"""SQS FIFO partial batch processing with the message groups (researchers) run concurrently.

Each group's records run in order on one thread; once one fails, the group's later records are failed
without running (SQS delivers them again, in order): the semantics of Powertools'
`SqsFifoPartialProcessor(skip_group_on_error=True)`, run concurrently.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse, SuccessResponse
from aws_lambda_powertools.utilities.batch.exceptions import SQSFifoMessageGroupCircuitBreakerError

# At most this many researchers' jobs at once in one invocation (SQS FIFO batches hold at most 10).
MAX_GROUPS_AT_ONCE = 10

Outcome = SuccessResponse | FailureResponse


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

    def __init__(self, max_groups_at_once: int | None = None) -> None:
        super().__init__(EventType.SQS)
        self.max_groups_at_once = max_groups_at_once or MAX_GROUPS_AT_ONCE
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
        for position, record in enumerate(records):
            outcome = self._process_record(record)
            outcomes.append(outcome)
            if outcome[0] == "fail":
                outcomes += [self._skip(rest) for rest in records[position + 1 :]]
                break
        return outcomes

    def _skip(self, record: dict[str, Any]) -> FailureResponse:
        data = self._to_batch_type(record, event_type=self.event_type)
        return self.failure_handler(data, self.group_failed)

    def success_handler(self, record: Any, result: Any) -> SuccessResponse:
        with self._outcomes:
            return super().success_handler(record, result)

    def failure_handler(self, record: Any, exception: Any) -> FailureResponse:
        with self._outcomes:
            return super().failure_handler(record, exception)


def message_groups(records: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The records by MessageGroupId, in delivery order within each group (a record without one alone)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        group = (record.get("attributes") or {}).get("MessageGroupId") or f"message:{record.get('messageId')}"
        groups.setdefault(group, []).append(record)
    return list(groups.values())
