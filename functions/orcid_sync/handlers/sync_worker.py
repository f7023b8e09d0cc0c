"""SQS `sync-jobs` (FIFO) → the sync worker: researchers at once, each one's jobs in order; failures retry.

The jobs of different researchers (message groups) in one batch run concurrently, one thread per
group, so that many slow calls to Orbit and ORCID are in flight at once; one token bucket, shared by
the threads, keeps this worker's ORCID requests at its share of the limit (ORCID_REQUESTS_PER_SECOND).
Within a group the jobs run in the order SQS delivered them, and a failed job fails the rest of its
group unprocessed (they come back in order), while other groups go on: the semantics of Powertools'
`SqsFifoPartialProcessor(skip_group_on_error=True)`, run concurrently.
"""

from __future__ import annotations

import contextvars
import random
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.base import FailureResponse, SuccessResponse
from aws_lambda_powertools.utilities.batch.exceptions import SQSFifoMessageGroupCircuitBreakerError
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from orcid_sync import aws
from orcid_sync.config import get_settings
from orcid_sync.jobs.sync_jobs import SyncJob
from orcid_sync.observability import logger, metrics, tracer
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.orcid.errors import Transient
from orcid_sync.sync.service import SyncService

# Backoff for a job that hit a transient failure: 30 s, 60 s, 120 s, ... capped, with jitter.
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 900

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


# Powertools' Metrics and Logger keys are shared by the threads: metrics are added under this lock,
# and each job logs its own keys with the thread-safe variants.
_metrics_lock = threading.Lock()


def _count(name: str, value: int) -> None:
    with _metrics_lock:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


@cache
def service() -> SyncService:
    from orcid_sync.sync.factory import build_sync_service

    return build_sync_service(get_settings())


def backoff_seconds(receive_count: int) -> int:
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, receive_count - 1))
    return random.randint(ceiling // 2, ceiling)


def _retry_later(record: SQSRecord) -> None:
    """Keep the message invisible for a while: the next attempt waits instead of hammering ORCID."""
    receive_count = int(record.attributes.approximate_receive_count or 1)
    aws.sqs().change_message_visibility(
        QueueUrl=get_settings().sync_jobs_queue_url,
        ReceiptHandle=record.receipt_handle,
        VisibilityTimeout=backoff_seconds(receive_count),
    )


def record_handler(record: SQSRecord) -> None:
    logger.thread_safe_append_keys(correlation_id=record.message_id)
    try:
        _run(record)
    finally:
        logger.thread_safe_clear_keys()


def _run(record: SQSRecord) -> None:
    job = SyncJob.model_validate_json(record.body)
    logger.thread_safe_append_keys(person_id=job.person_id, job_kind=job.kind.value)
    try:
        result = service().run(job)
    except (Transient, OrbitUnavailable) as exc:
        _count("JobsRetried", 1)
        logger.warning("sync job will be retried", extra={"error": type(exc).__name__, "detail": str(exc)})
        _retry_later(record)
        raise
    counts = result.counts
    for name, value in (
        ("WorksCreated", counts.created),
        ("WorksUpdated", counts.updated),
        ("WorksDeleted", counts.deleted),
        ("WorksRejected", counts.failed),
        ("WorksAdopted", counts.adopted),
    ):
        if value:
            _count(name, value)
    if result.problem == "revoked":
        _count("ResearchersRevoked", 1)
    logger.info("sync job done", extra={"skipped": result.skipped, "problem": result.problem})


# A batch has no single correlation id; each record logs its own message id.
@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    service()  # built here, once, before the threads share it (and its one token bucket)
    # A processor per invocation: it holds the batch's state, and costs nothing to make.
    return process_partial_response(
        event=event, record_handler=record_handler, processor=ConcurrentFifoProcessor(), context=context
    )
