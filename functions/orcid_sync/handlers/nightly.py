"""EventBridge Scheduler (nightly, Europe/Copenhagen) → one reconcile job per consenting researcher."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from orcid_sync.config import get_settings
from orcid_sync.jobs.sync_jobs import SyncJobQueue
from orcid_sync.observability import logger, metrics
from orcid_sync.store.consents import ConsentStore
from orcid_sync.sync.nightly import fan_out

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    night = datetime.now(COPENHAGEN).date()
    result = fan_out(ConsentStore(settings.consents_table), SyncJobQueue(settings.sync_jobs_queue_url), night)
    metrics.add_metric(name="NightlyJobsQueued", unit=MetricUnit.Count, value=result.jobs)
    logger.info("nightly reconciliation queued", extra={"night": result.night, "jobs": result.jobs})
    return {"night": result.night, "jobs": result.jobs}
