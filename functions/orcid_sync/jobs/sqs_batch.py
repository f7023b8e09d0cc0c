"""SQS batches for Lambda: the records, each record's outcome, and the partial batch response.

Our own, in place of Powertools' batch utility, which costs about 60 ms of each cold start of the worker
and the router (it imports asyncio and every event source's data classes, and every parser model when
pydantic is loaded; docs/decisions.md, 2026-11-29). The contract kept from it: each failed record is
reported in `batchItemFailures` by its message id, and when every record of the batch failed the
invocation itself fails (`BatchFailed`), so Lambda returns the whole batch to the queue.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SqsRecord:
    """One message of an SQS batch, as Lambda hands it over (`raw`), with the fields we read.

    `stands_for` is set on the record a merged run hands to the record handler: the messages (oldest
    first, itself last) whose jobs that one run does.
    """

    raw: Mapping[str, Any]
    stands_for: tuple[SqsRecord, ...] = ()

    @property
    def message_id(self) -> str:
        return str(self.raw["messageId"])

    @property
    def body(self) -> str:
        return str(self.raw.get("body") or "")

    @property
    def receipt_handle(self) -> str:
        return str(self.raw["receiptHandle"])

    @property
    def attributes(self) -> Mapping[str, str]:
        return self.raw.get("attributes") or {}

    @property
    def message_group_id(self) -> str | None:
        """The FIFO message group (a researcher for sync-jobs); None on a standard queue."""
        return self.attributes.get("MessageGroupId")

    @property
    def receive_count(self) -> int:
        """How many times SQS has delivered this message, this time included."""
        return int(self.attributes.get("ApproximateReceiveCount") or 1)

    @property
    def messages(self) -> tuple[SqsRecord, ...]:
        """The messages this record's run answers for: those it stands for, or itself alone."""
        return self.stands_for or (self,)


@dataclass(frozen=True)
class RecordOutcome:
    """What became of one record: `error` is None when it succeeded; `how` says whether its own run
    ("ran"), another's run it was merged into ("merged"), or nothing ("skipped": an earlier record of
    its FIFO group failed) decided it.
    """

    record: SqsRecord
    error: BaseException | None = None
    how: str = "ran"

    @property
    def failed(self) -> bool:
        return self.error is not None


class ItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    batchItemFailures: list[ItemFailure]


RecordHandler = Callable[[SqsRecord], object]


class BatchProcessor(Protocol):
    def process(self, records: Sequence[SqsRecord], handler: RecordHandler) -> list[RecordOutcome]: ...


class NotAnSqsBatch(ValueError):
    """The event has no `Records` list: it is not what an SQS event source sends."""


class BatchFailed(Exception):
    """Every record of the batch failed: the invocation fails and SQS delivers the whole batch again."""

    def __init__(self, errors: Sequence[BaseException]) -> None:
        super().__init__(f"All {len(errors)} records failed processing; their errors follow.")
        self.errors = list(errors)

    def __str__(self) -> str:
        parts = [super().__str__()]
        parts += ["".join(traceback.format_exception(error)) for error in self.errors]
        return "\n".join(parts)


def run_record(record: SqsRecord, handler: RecordHandler) -> RecordOutcome:
    """Run the handler on one record; any exception it raises fails that record (and only it)."""
    try:
        handler(record)
    except Exception as exc:
        _log.debug("record %s failed: %s", record.message_id, type(exc).__name__)
        return RecordOutcome(record, exc)
    return RecordOutcome(record)


class InOrder:
    """Each record in delivery order; a failed record does not stop the others (a standard queue)."""

    def process(self, records: Sequence[SqsRecord], handler: RecordHandler) -> list[RecordOutcome]:
        return [run_record(record, handler) for record in records]


def batch_records(event: Mapping[str, Any]) -> list[SqsRecord]:
    """The records of an SQS event, in delivery order."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise NotAnSqsBatch("not an SQS event: no Records list")
    return [SqsRecord(raw) for raw in records]


def partial_batch_response(outcomes: Sequence[RecordOutcome]) -> PartialBatchResponse:
    """The failed records, for SQS to deliver again; raises BatchFailed when every record failed."""
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    if failed and len(failed) == len(outcomes):
        raise BatchFailed([outcome.error for outcome in failed if outcome.error is not None])
    return {"batchItemFailures": [{"itemIdentifier": outcome.record.message_id} for outcome in failed]}


def process_partial_response(
    event: Mapping[str, Any], handler: RecordHandler, processor: BatchProcessor
) -> PartialBatchResponse:
    """Every record of an SQS event through `handler` by `processor`; the partial batch response."""
    return partial_batch_response(processor.process(batch_records(event), handler))
