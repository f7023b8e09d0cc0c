"""SQS `orbit-events` → the event router.

Input no retry can fix (a malformed event, an Orbit answer that is not a research output) goes to the
dead-letter queue at once, with its reason. Orbit being down is transient: the message waits, longer
each time, and is tried again.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from orcid_sync.config import get_settings
from orcid_sync.jobs.messages import QueueMessages
from orcid_sync.jobs.sqs_batch import InOrder, PartialBatchResponse, SqsRecord, process_partial_response
from orcid_sync.observability import logger, metrics
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.orbit.pure_json import MalformedResearchOutput
from orcid_sync.sync.events import MalformedEvent, parse_event
from orcid_sync.sync.router import EventRouter

# A standard queue: each event in turn, a failed one does not hold up the others.
processor = InOrder()


@cache
def router() -> EventRouter:
    from orcid_sync.sync.factory import build_event_router

    return build_event_router(get_settings())


@cache
def messages() -> QueueMessages:
    return QueueMessages()


def _keep_for_inspection(record: SqsRecord, reason: str) -> None:
    logger.error("Orbit event kept in the dead-letter queue", extra={"reason": reason})
    metrics.add_metric(name="EventsMalformed", unit=MetricUnit.Count, value=1)
    messages().keep_for_inspection(
        get_settings().require("orbit_events_dlq_url"), record.body, reason, record.message_id
    )


def record_handler(record: SqsRecord) -> None:
    logger.set_correlation_id(record.message_id)
    try:
        event = parse_event(record.body)
    except MalformedEvent as exc:
        _keep_for_inspection(record, str(exc))
        return
    if event is None:
        metrics.add_metric(name="EventsOtherFamily", unit=MetricUnit.Count, value=1)
        return
    try:
        jobs = router().route(event, fallback_version=record.message_id)
    except MalformedResearchOutput as exc:
        _keep_for_inspection(record, f"Orbit's answer for output {event.publication_id}: {exc}")
        return
    except OrbitUnavailable as exc:
        wait = messages().retry_later(
            get_settings().require("orbit_events_queue_url"), record.receipt_handle, record.receive_count
        )
        metrics.add_metric(name="EventsRetried", unit=MetricUnit.Count, value=1)
        logger.warning("Orbit unavailable; event tried again later", extra={"detail": str(exc), "wait": wait})
        raise
    logger.info(
        "event routed",
        extra={"publication_id": event.publication_id, "change": event.change.value, "jobs": len(jobs)},
    )


# A batch has no single correlation id; each record logs its own message id.
@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    router().new_batch()  # one Orbit read per output per batch
    return process_partial_response(event, record_handler, processor)
