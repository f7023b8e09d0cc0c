"""SQS `sync-jobs` (FIFO) → the sync worker: researchers at once, each one's jobs in order; failures retry.

The jobs of different researchers (message groups) in one batch run concurrently, one thread per
group (jobs/fifo_processor.py), so that many slow calls to Orbit and ORCID are in flight at once; one
token bucket, shared by the threads, keeps this worker's ORCID requests at its share of the limit
(ORCID_REQUESTS_PER_SECOND). A job that is not a job goes to the dead-letter queue at once; a job that
meets a TryLater waits (backoff) and comes back. The jobs of a batch about one output of one researcher
(a burst of saves in Orbit) run once, as the newest of them; if that run fails, all of them come back.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from orcid_sync.config import get_settings
from orcid_sync.domain.errors import TryLater
from orcid_sync.jobs.fifo_processor import ConcurrentFifoProcessor
from orcid_sync.jobs.messages import QueueMessages
from orcid_sync.jobs.sqs_batch import PartialBatchResponse, SqsRecord, process_partial_response
from orcid_sync.jobs.sync_jobs import SyncJob, merge_key, merged
from orcid_sync.observability import logger, metrics
from orcid_sync.sync.service import SyncService


@cache
def service() -> SyncService:
    from orcid_sync.sync.factory import build_sync_service

    return build_sync_service(get_settings())


@cache
def messages() -> QueueMessages:
    return QueueMessages()


# Powertools' Metrics and Logger keys are shared by the threads: metrics are added under this lock,
# and each job logs its own keys with the thread-safe variants.
_metrics_lock = threading.Lock()


def _count(name: str, value: int) -> None:
    with _metrics_lock:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def _retry_later(record: SqsRecord) -> None:
    """Keep the messages invisible for a while: the next attempt waits instead of hammering ORCID."""
    for message in record.messages:
        messages().retry_later(
            get_settings().sync_jobs_queue_url, message.receipt_handle, message.receive_count
        )


def job_merge_key(record: SqsRecord) -> tuple[str, str] | None:
    """Jobs about one output of one researcher in a batch run once (a malformed job runs alone)."""
    try:
        return merge_key(SyncJob.model_validate_json(record.body))
    except ValidationError:
        return None


def record_handler(record: SqsRecord) -> None:
    logger.thread_safe_append_keys(correlation_id=record.message_id)
    try:
        _run(record)
    finally:
        logger.thread_safe_clear_keys()


def _run(record: SqsRecord) -> None:
    try:
        jobs = [SyncJob.model_validate_json(message.body) for message in record.messages]
    except ValidationError as exc:
        # No retry can fix it: straight to the dead-letter queue with the reason, the group goes on.
        reason = f"not a sync job: {exc.errors()[0]['msg']}"
        logger.error("malformed sync job kept in the dead-letter queue", extra={"reason": reason})
        messages().keep_for_inspection(
            get_settings().require("sync_jobs_dlq_url"),
            record.body,
            reason,
            record.message_id,
            group_id=record.message_group_id or "malformed",
        )
        return
    job = merged(jobs)
    if len(jobs) > 1:
        _count("JobsMerged", len(jobs) - 1)
    logger.thread_safe_append_keys(person_id=job.person_id, job_kind=job.kind.value)
    try:
        result = service().run(job)
    except TryLater as exc:
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
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    service()  # built here, once, before the threads share it (and its one token bucket)
    # A processor per invocation: it costs nothing to make, and reads MAX_GROUPS_AT_ONCE when made.
    return process_partial_response(event, record_handler, ConcurrentFifoProcessor(merge_key=job_merge_key))
