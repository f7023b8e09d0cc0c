"""One sync-worker execution environment, in its own process, as Lambda runs one per concurrent invocation.

The worker polls `sync-jobs` and invokes the real handler with the batch size from template.yaml,
through the local stack's own queue runner (`infra.local.queues.QueueRunner.poll`): partial batch
failures, visibility and dead-lettering behave as in `make demo`. Each process builds its own service,
so each has its own token bucket (rate and burst from the template's ORCID_REQUESTS_PER_SECOND and
ORCID_BURST) — on a clock sped up as much as the ORCID stand-in's.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from typing import Any
from unittest import mock

from bench.clock import ScaledClock
from infra.local.http_api import FunctionSpec
from infra.local.queues import DrainReport, QueueConsumer, QueueRunner

IDLE_POLL_SECONDS = 0.05


@dataclass
class WorkerStats:
    pid: int
    invocations: int = 0
    messages: int = 0
    failed: int = 0
    crashed_invocations: int = 0
    cpu_seconds: float = 0.0
    pacing_wait_seconds: float = 0.0  # real seconds the token bucket made this worker sleep
    retry_wait_seconds: float = 0.0  # real seconds spent in the client's backoff between retries


def worker_main(
    consumer: QueueConsumer,
    spec: FunctionSpec,
    speedup: float,
    go: Event,
    stop: Event,
    done: Synchronized[int],
    results: Queue[tuple[str, dict[str, Any]]],
) -> None:
    from orcid_sync.handlers import sync_worker  # the Lambda init phase: import the handler module
    from orcid_sync.observability import metrics
    from orcid_sync.orcid.client import OrcidWorksClient
    from orcid_sync.orcid.pacing import TokenBucket
    from orcid_sync.sync import factory

    pacing_clock = ScaledClock(speedup)
    retry_clock = ScaledClock(speedup)

    def paced_bucket(rate: float = 24.0, burst: int = 40) -> TokenBucket:
        return TokenBucket(rate=rate, burst=burst, clock=pacing_clock.now, sleep=pacing_clock.sleep)

    def works_client(*args: Any, **kwargs: Any) -> OrcidWorksClient:
        return OrcidWorksClient(*args, clock=retry_clock.now, sleep=retry_clock.sleep, **kwargs)

    stats = WorkerStats(pid=os.getpid())
    report = DrainReport()
    runner = QueueRunner([consumer], {spec.name: spec})
    with (
        mock.patch.object(factory, "TokenBucket", paced_bucket),
        mock.patch.object(factory, "OrcidWorksClient", works_client),
    ):
        sync_worker.service.cache_clear()
        results.put(("ready", asdict(stats)))
        go.wait()
        started = time.process_time()
        while not stop.is_set():
            finished_before = report.messages - report.failed
            handled = runner.poll(consumer, report)
            # With metrics disabled (as on the local stack) Powertools never clears them, and prints the
            # whole set once a metric holds 100 values; Lambda's flush would have cleared them.
            metrics.clear_metrics()
            if handled == 0:
                time.sleep(IDLE_POLL_SECONDS)
                continue
            with done.get_lock():
                done.value += report.messages - report.failed - finished_before
        stats.cpu_seconds = time.process_time() - started
    stats.invocations = report.invocations
    stats.messages = report.messages
    stats.failed = report.failed
    stats.crashed_invocations = report.crashed_invocations
    stats.pacing_wait_seconds = pacing_clock.slept
    stats.retry_wait_seconds = retry_clock.slept
    results.put(("done", asdict(stats)))
