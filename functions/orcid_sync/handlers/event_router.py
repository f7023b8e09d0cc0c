"""SQS `orbit-events` → the event router. A malformed event is kept (DLQ, with its reason), never retried."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from orcid_sync import aws
from orcid_sync.config import get_settings
from orcid_sync.observability import logger, metrics, tracer
from orcid_sync.sync.events import MalformedEvent, parse_event
from orcid_sync.sync.router import EventRouter

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def router() -> EventRouter:
    from orcid_sync.sync.factory import build_event_router

    return build_event_router(get_settings())


def _keep_for_inspection(record: SQSRecord, reason: str) -> None:
    """Straight to the dead-letter queue with the reason: retrying cannot fix a malformed message."""
    aws.sqs().send_message(
        QueueUrl=get_settings().require("orbit_events_dlq_url"),
        MessageBody=record.body,
        MessageAttributes={
            "reason": {"DataType": "String", "StringValue": reason[:1000]},
            "originalMessageId": {"DataType": "String", "StringValue": record.message_id},
        },
    )


def record_handler(record: SQSRecord) -> None:
    logger.set_correlation_id(record.message_id)
    try:
        event = parse_event(record.body)
    except MalformedEvent as exc:
        logger.error("malformed Orbit event kept in the dead-letter queue", extra={"reason": str(exc)})
        metrics.add_metric(name="EventsMalformed", unit=MetricUnit.Count, value=1)
        _keep_for_inspection(record, str(exc))
        return
    if event is None:
        metrics.add_metric(name="EventsOtherFamily", unit=MetricUnit.Count, value=1)
        return
    jobs = router().route(event, fallback_version=record.message_id)
    logger.info(
        "event routed",
        extra={"publication_id": event.publication_id, "change": event.change.value, "jobs": len(jobs)},
    )


# A batch has no single correlation id; each record logs its own message id.
@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
