"""EventBridge Scheduler (every minute by default) → read Pure's change feed from the cursor, one run.

Pure down is not an error of this function: the run reports it (metrics, log) and the next scheduled
run tries again from the same cursor. Anything else (SQS or DynamoDB failing) raises.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from orcid_sync.config import get_settings
from orcid_sync.observability import logger, metrics
from orcid_sync.sync.change_feed import PERSON, RESEARCH_OUTPUT, ChangeFeedPoller, PollResult


@cache
def poller() -> ChangeFeedPoller:
    from orcid_sync.sync.factory import build_change_feed_poller

    return build_change_feed_poller(get_settings())


def _publish(result: PollResult) -> None:
    count = MetricUnit.Count
    metrics.add_metric(name="ChangeFeedLagSeconds", unit=MetricUnit.Seconds, value=result.lag_seconds)
    metrics.add_metric(
        name="ChangeFeedUnreachableSeconds", unit=MetricUnit.Seconds, value=result.unreachable_seconds
    )
    metrics.add_metric(name="ChangeFeedPages", unit=count, value=result.pages)
    others = sum(n for family, n in result.families.items() if family not in (RESEARCH_OUTPUT, PERSON))
    metrics.add_metric(name="ChangesResearchOutput", unit=count, value=result.families[RESEARCH_OUTPUT])
    metrics.add_metric(name="ChangesPerson", unit=count, value=result.families[PERSON])
    metrics.add_metric(name="ChangesOtherFamilies", unit=count, value=others)
    metrics.add_metric(name="ChangesUnreadable", unit=count, value=result.unreadable)
    metrics.add_metric(name="ChangeFeedReadFailed", unit=count, value=1 if result.failure else 0)
    if result.reset:
        metrics.add_metric(name="ChangeFeedResets", unit=count, value=1)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = poller().poll(lambda: context.get_remaining_time_in_millis() / 1000)
    _publish(result)
    logger.info("change feed polled", extra=result.as_json())
    return result.as_json()
