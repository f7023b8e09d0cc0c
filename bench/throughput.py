"""Benchmark 2: a nightly run of many researchers against ORCID's limit, with the internet's latency.

ORCID and Orbit stand-ins answer like the internet does (ORCID ~300 ms, Pure ~500 ms, each ±30 %,
seeded); the ORCID stand-in enforces ORCID's limit (24 requests/s, burst 40, 503 beyond). The AWS side
runs in this process and does not set the pace: `bench.memory_store` answers DynamoDB and KMS at
botocore's HTTP layer, moto (in process, `bench.localstack.InProcessAwsStack`) the rest, and
`bench.fifo.FifoPoller` plays the SQS FIFO queue and Lambda's poller. The sync workers are the real
handler, invoked as the template deploys it: MaximumConcurrency execution environments at once,
each its own SyncService with its own token bucket (ORCID_REQUESTS_PER_SECOND, ORCID_BURST),
batches of BatchSize. They are threads of this process, each environment's service kept apart by a
context variable.

Steps, each a function: `seed` (researchers, outputs, consents), `first_sync` (unmeasured, no latency,
so that the night finds everything in place), `nightly` (measured) and `verify`; the report is
bench/throughput_report.py, the vocabulary both share bench/throughput_model.py.
Measured beside each other: the template as it is; the same workers sharing one bucket (what a shared,
cross-process limiter would give at best, without its own cost); and the previous design (2 workers,
batch 5, 10 requests/s each, one job after the other), on fewer researchers.
"""

from __future__ import annotations

import contextvars
import threading
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from unittest import mock

from bench.common import Section
from bench.fifo import FifoPoller
from bench.localstack import InProcessAwsStack
from bench.memory_store import MemoryStore
from bench.seed import Seeded, consent_directly, new_researcher, with_outputs
from bench.throughput_model import ORCID_BURST, ORCID_RATE, TODAY, Latency, RunResult, WorkerConfig
from bench.throughput_report import section
from infra.local.records import sources_on_orcid
from infra.local.stack import reset_function_caches
from infra.local.template import resources_of_type
from infra.orcid_standin.faults import RateLimiter
from orcid_sync.jobs.sync_jobs import SyncJob, nightly_job
from orcid_sync.orcid.pacing import TokenBucket
from orcid_sync.store.token_cipher import TokenCipher

WORKER = "SyncWorkerFunction"
RUN_TIMEOUT_SECONDS = 1800.0


class CountingRateLimiter(RateLimiter):
    """The stand-in's limiter, also noting when each request arrived and how many it refused (503)."""

    def __init__(self) -> None:
        super().__init__(rate=ORCID_RATE, burst=ORCID_BURST)
        self.arrivals: list[float] = []
        self.refused = 0
        self._notes = threading.Lock()

    def allow(self, key: str) -> bool:
        allowed = super().allow(key)
        with self._notes:
            self.arrivals.append(time.monotonic())
            if not allowed:
                self.refused += 1
        return allowed

    def reset_notes(self) -> None:
        with self._notes:
            self.arrivals.clear()
            self.refused = 0

    def peak_per_second(self) -> int:
        times = sorted(self.arrivals)
        return max((i + 1 - bisect_left(times, t - 1.0 + 1e-9) for i, t in enumerate(times)), default=0)


class CountingBucket(TokenBucket):
    """A token bucket that adds up how long it made its callers wait."""

    def __init__(self, rate: float, burst: int) -> None:
        super().__init__(rate=rate, burst=burst)
        self.waited = 0.0
        self._sum = threading.Lock()

    def reserve(self) -> float:
        wait = super().reserve()
        with self._sum:
            self.waited += wait
        return wait


def template_config(stack: InProcessAwsStack) -> WorkerConfig:
    """MaximumConcurrency and BatchSize of the worker's SQS event, its pacing from its environment."""
    from orcid_sync.jobs.fifo_processor import MAX_GROUPS_AT_ONCE

    function = resources_of_type(stack.template, "AWS::Serverless::Function")[WORKER]
    (event,) = [e for e in function["Properties"]["Events"].values() if e.get("Type") == "SQS"]
    props = event["Properties"]
    env = stack.function_env[WORKER]
    return WorkerConfig(
        label="template",
        concurrency=int((props.get("ScalingConfig") or {}).get("MaximumConcurrency", 1000)),
        batch_size=int(props.get("BatchSize", 10)),
        rate=float(env["ORCID_REQUESTS_PER_SECOND"]),
        burst=int(env["ORCID_BURST"]),
        jobs_at_once=MAX_GROUPS_AT_ONCE,
    )


def shared_config(config: WorkerConfig) -> WorkerConfig:
    """The same workers, all paced by one bucket at ORCID's limit less the template's headroom."""
    return WorkerConfig(
        label="shared",
        concurrency=config.concurrency,
        batch_size=config.batch_size,
        rate=min(ORCID_RATE, config.concurrency * config.rate),
        burst=min(ORCID_BURST, config.concurrency * config.burst),
        jobs_at_once=config.jobs_at_once,
        shared_bucket=True,
    )


PREVIOUS = WorkerConfig(label=TODAY, concurrency=2, batch_size=5, rate=10.0, burst=20, jobs_at_once=1)
SEEDING = WorkerConfig(label="seeding", concurrency=4, batch_size=10, rate=1e6, burst=10**6, jobs_at_once=10)


# --- step 1: researchers, their outputs in Orbit, their consents ---------------------------------------


def seed(stack: InProcessAwsStack, researchers: int, outputs_each: int) -> tuple[list[Seeded], list[SyncJob]]:
    cipher = TokenCipher(stack.resources.refs["TokenKey"])
    seeded, jobs = [], []
    for number in range(researchers):
        researcher = new_researcher(stack, number)
        outputs = with_outputs(stack, researcher, outputs_each)
        orcid, job = consent_directly(stack, cipher, researcher)
        seeded.append(Seeded(researcher, orcid, outputs))
        jobs.append(job)
    return seeded, jobs


# --- the workers: the real handler, as Lambda runs it ---------------------------------------------------

_environment: contextvars.ContextVar[Any] = contextvars.ContextVar("sync_worker_environment")


@contextmanager
def _environments() -> Iterator[None]:
    """The handler's `service()` answers each worker thread's own service (its execution environment)."""
    from orcid_sync.handlers import sync_worker

    with mock.patch.object(sync_worker, "service", side_effect=_environment.get):
        yield


def _build_service(config: WorkerConfig, shared: CountingBucket | None) -> tuple[Any, CountingBucket]:
    from orcid_sync.config import get_settings
    from orcid_sync.sync import factory

    bucket = shared or CountingBucket(config.rate, config.burst)
    with mock.patch.object(factory, "TokenBucket", return_value=bucket):
        return factory.build_sync_service(get_settings()), bucket


def run_workers(
    stack: InProcessAwsStack, poller: FifoPoller, config: WorkerConfig, result: RunResult
) -> None:
    """`config.concurrency` workers take batches and invoke the handler until the queue is drained."""
    from orcid_sync.handlers import sync_worker
    from orcid_sync.observability import metrics

    spec = stack.function(WORKER)
    shared = CountingBucket(config.rate, config.burst) if config.shared_bucket else None
    built = [_build_service(config, shared) for _ in range(config.concurrency)]
    buckets = {id(bucket): bucket for _, bucket in built}
    counts = Counter[str]()
    counting = threading.Lock()
    errors: list[BaseException] = []
    stop = threading.Event()

    def worker(service: Any) -> None:
        _environment.set(service)
        while not stop.is_set():
            batch = poller.take(config.batch_size)
            if not batch:
                continue
            failed: set[str] = set()
            try:
                answer = spec.call({"Records": batch})
                failed = {item["itemIdentifier"] for item in (answer or {}).get("batchItemFailures", [])}
            except Exception as exc:  # an invocation error: the whole batch comes back
                failed = {record["messageId"] for record in batch}
                with counting:
                    counts["crashed"] += 1
                    if len(errors) < 5:
                        errors.append(exc)
            finally:
                with sync_worker._metrics_lock:  # metrics are off here; keep them empty
                    metrics.clear_metrics()
            with counting:
                counts["invocations"] += 1
                counts["failed"] += len(failed)
            poller.done(batch, failed)

    threads = [threading.Thread(target=worker, args=(service,), daemon=True) for service, _ in built]
    cpu = time.process_time()
    started = time.monotonic()
    with _environments(), sync_worker_jobs_at_once(config.jobs_at_once):
        for thread in threads:
            thread.start()
        while not poller.drained():
            if time.monotonic() - started > RUN_TIMEOUT_SECONDS:
                stop.set()
                raise RuntimeError(f"the jobs did not finish within {RUN_TIMEOUT_SECONDS:.0f} s")
            time.sleep(0.01)
        result.elapsed = time.monotonic() - started
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    result.cpu = time.process_time() - cpu
    result.invocations, result.failed, result.crashed = (
        counts["invocations"],
        counts["failed"],
        counts["crashed"],
    )
    result.pacing_wait = sum(bucket.waited for bucket in buckets.values())
    result.dead = len(poller.dead)
    if errors:
        raise RuntimeError(f"{counts['crashed']} invocations crashed; the first: {errors[0]!r}")


@contextmanager
def sync_worker_jobs_at_once(jobs: int) -> Iterator[None]:
    from orcid_sync.jobs import fifo_processor

    with mock.patch.object(fifo_processor, "MAX_GROUPS_AT_ONCE", jobs):
        yield


def _poller(stack: InProcessAwsStack, jobs: list[SyncJob]) -> FifoPoller:
    poller = FifoPoller(stack.resources.attributes[("SyncJobsQueue", "Arn")], "eu-north-1")
    poller.enqueue(jobs)
    return poller


# --- step 2: the first sync, unmeasured and without latency ---------------------------------------------


def first_sync(stack: InProcessAwsStack, jobs: list[SyncJob]) -> None:
    stack.orcid.api.rate_limit.enabled = False
    stack.orcid.api.faults.latency = 0.0
    stack.orbit.latency = 0.0
    run_workers(stack, _poller(stack, jobs), SEEDING, RunResult(SEEDING, len(jobs)))
    stack.orcid.api.rate_limit.enabled = True


# --- step 3: the night, measured ------------------------------------------------------------------------


def nightly(
    stack: InProcessAwsStack,
    seeded: list[Seeded],
    config: WorkerConfig,
    latency: Latency,
    limiter: CountingRateLimiter,
    night: str,
) -> RunResult:
    stack.orcid.api.faults.latency, stack.orcid.api.faults.latency_jitter = latency.orcid, latency.jitter
    stack.orbit.latency, stack.orbit.latency_jitter = latency.pure, latency.jitter
    result = RunResult(config, len(seeded))
    poller = _poller(stack, [nightly_job(item.researcher.uuid, night) for item in seeded])
    limiter.reset()
    limiter.reset_notes()
    before, orbit_before = Counter(stack.orcid.api.calls), sum(stack.orbit.calls.values())
    run_workers(stack, poller, config, result)
    result.calls = Counter(stack.orcid.api.calls) - before
    result.orbit_calls = sum(stack.orbit.calls.values()) - orbit_before
    result.refused, result.peak = limiter.refused, limiter.peak_per_second()
    return result


# --- step 4: every record as Orbit says ----------------------------------------------------------------


def verify(stack: InProcessAwsStack, seeded: list[Seeded], result: RunResult) -> None:
    """Records holding each of the researcher's Orbit outputs exactly once."""
    for item in seeded:
        if sources_on_orcid(stack, item.orcid) == {output.uuid: 1 for output in item.outputs}:
            result.verified += 1
        else:
            result.wrong.append(item.researcher.uuid)


# --- the whole benchmark ------------------------------------------------------------------------------


@contextmanager
def memory_store(stack: InProcessAwsStack) -> Iterator[MemoryStore]:
    """The worker's tables and key answered in O(1) in this process (bench/memory_store.py)."""
    store = MemoryStore()
    store.mirror_tables([ref for name, ref in stack.resources.refs.items() if name.endswith("Table")])
    store.key_arns[stack.resources.refs["TokenKey"]] = stack.resources.attributes[("TokenKey", "Arn")]
    store.install()
    reset_function_caches()  # clients made from now on are answered by the store
    try:
        yield store
    finally:
        store.uninstall()
        reset_function_caches()


def run(
    runs: int, researchers: int, outputs_each: int, latency: Latency, previous_researchers: int
) -> Section:
    results: dict[str, list[RunResult]] = {"template": [], "shared": [], TODAY: []}
    nights = (date(2026, 11, 30) + timedelta(days=n) for n in range(1000))
    with InProcessAwsStack(parameters={"LogLevel": "ERROR"}) as stack, memory_store(stack):
        limiter = CountingRateLimiter()
        stack.orcid.api.rate_limit = limiter
        config = template_config(stack)
        seeded, jobs = seed(stack, researchers, outputs_each)
        first_sync(stack, jobs)
        plan: list[tuple[WorkerConfig, list[Seeded]]] = []
        for _ in range(runs):
            plan += [(config, seeded), (shared_config(config), seeded)]
        plan.append((PREVIOUS, seeded[:previous_researchers]))
        for chosen, who in plan:
            result = nightly(stack, who, chosen, latency, limiter, next(nights).isoformat())
            verify(stack, who, result)
            results[chosen.label].append(result)
            print(
                f"    night, {chosen.label}: {len(who)} researchers, {result.elapsed:.1f} s, "
                f"{result.made} ORCID calls ({result.rate:.1f}/s), {result.refused} × 503, "
                f"{result.verified}/{len(who)} verified",
                flush=True,
            )
    return section(results, config, latency, outputs_each)
