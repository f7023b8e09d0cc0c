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
so that the night finds everything in place), `nightly` (measured), `verify`, and `section`.
Measured beside each other: the template as it is; the same workers sharing one bucket (what a shared,
cross-process limiter would give at best, without its own cost); and the previous design (2 workers,
batch 5, 10 requests/s each, one job after the other), on fewer researchers.
"""

from __future__ import annotations

import contextvars
import statistics
import threading
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from unittest import mock

from bench.common import Figure, Section, samples
from bench.fifo import FifoPoller
from bench.localstack import InProcessAwsStack
from bench.memory_store import MemoryStore
from bench.seed import Seeded, consent_directly, new_researcher, with_outputs
from infra.local.records import sources_on_orcid
from infra.local.stack import reset_function_caches
from infra.local.template import resources_of_type
from infra.orcid_standin.faults import RateLimiter
from orcid_sync.jobs.sync_jobs import SyncJob, nightly_job
from orcid_sync.orcid.pacing import TokenBucket
from orcid_sync.store.token_cipher import TokenCipher

ORCID_RATE = 24.0  # requests per second per member client (../shared/docs/orcid-api.md, "Limits")
ORCID_BURST = 40
WORKER = "SyncWorkerFunction"
RUN_TIMEOUT_SECONDS = 1800.0
TODAY = "previous"


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


@dataclass(frozen=True)
class WorkerConfig:
    """How the sync workers run: environments at once, batch size, pacing each, jobs at once each."""

    label: str
    concurrency: int
    batch_size: int
    rate: float
    burst: int
    jobs_at_once: int
    shared_bucket: bool = False

    @property
    def design_rate(self) -> float:
        return self.rate if self.shared_bucket else self.concurrency * self.rate


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


@dataclass
class RunResult:
    config: WorkerConfig
    researchers: int
    elapsed: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    orbit_calls: int = 0
    refused: int = 0
    peak: int = 0
    invocations: int = 0
    failed: int = 0
    crashed: int = 0
    dead: int = 0
    pacing_wait: float = 0.0
    cpu: float = 0.0
    verified: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        return sum(self.calls.values())

    @property
    def floor(self) -> float:
        return self.made / ORCID_RATE

    @property
    def rate(self) -> float:
        return self.made / self.elapsed if self.elapsed else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "config": self.config.__dict__,
            "researchers": self.researchers,
            "elapsed_s": round(self.elapsed, 3),
            "orcid_calls": dict(self.calls),
            "orbit_calls": self.orbit_calls,
            "refused_503": self.refused,
            "peak_requests_in_one_second": self.peak,
            "invocations": self.invocations,
            "failed_records": self.failed,
            "crashed_invocations": self.crashed,
            "pacing_wait_s": round(self.pacing_wait, 1),
            "cpu_s_this_process": round(self.cpu, 1),
            "records_verified": self.verified,
            "records_wrong": self.wrong[:20],
        }


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


@dataclass(frozen=True)
class Latency:
    orcid: float
    pure: float
    jitter: float


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


def _ratio(result: RunResult) -> float:
    return result.elapsed / result.floor if result.floor else float("inf")


def section(
    results: dict[str, list[RunResult]], config: WorkerConfig, latency: Latency, outputs_each: int
) -> Section:
    main = results["template"]
    researchers = main[0].researchers
    jitter = f"±{latency.jitter:.0%}"
    previous_count = results[TODAY][0].researchers if results[TODAY] else 0
    out = Section(
        key="throughput",
        title="2. Throughput: a nightly run against ORCID's limit, with the internet's latency",
        setup=(
            f"{researchers} researchers × {outputs_each} outputs, already in sync (a first sync ran before, "
            f"unmeasured, without latency); then one nightly job each, all queued at once. ORCID stand-in "
            f"answering in {latency.orcid * 1000:.0f} ms {jitter}, limiting to {ORCID_RATE:g} requests/s, "
            f"burst {ORCID_BURST} (503 beyond); Orbit stand-in answering in {latency.pure * 1000:.0f} ms "
            f"{jitter}. AWS in this process: DynamoDB and KMS answered in memory at botocore's HTTP layer "
            "(bench/memory_store.py), the FIFO queue and Lambda's poller in memory (bench/fifo.py). "
            f"Template: {config.concurrency} execution environments "
            f"(MaximumConcurrency), batch size {config.batch_size}, up to {config.jobs_at_once} researchers' "
            f"jobs at once in each, each environment pacing itself at {config.rate:g} requests/s, burst "
            f"{config.burst}; the real handler. Beside it, the same with one bucket shared by all "
            f"environments, and the previous design on {previous_count} researchers."
        ),
    )
    out.add(
        Figure(
            "elapsed",
            f"elapsed, nightly run of {researchers} researchers (template)",
            "s",
            samples([r.elapsed for r in main]),
            statistics.median(r.floor for r in main),
            "calls ÷ 24/s",
        )
    )
    out.add(
        Figure("ratio", "elapsed ÷ (calls ÷ 24/s), template", "×", samples([_ratio(r) for r in main]), 1.0)
    )
    out.add(
        Figure(
            "share_of_limit",
            "share of ORCID's 24 requests/s used, template",
            "of 24/s",
            samples([r.rate / ORCID_RATE for r in main]),
            1.0,
            "all of it",
        )
    )
    out.add(
        Figure("refused_503", "503s received, template", "responses", samples([r.refused for r in main]), 0.0)
    )
    out.add(
        Figure(
            "orcid_calls",
            "ORCID calls made, template",
            "calls",
            samples([r.made for r in main]),
            float(researchers),
            f"{researchers} × 1 read",
        )
    )
    out.add(
        Figure(
            "peak",
            "most requests at ORCID in any one second, template",
            "requests",
            samples([r.peak for r in main]),
            ORCID_BURST + ORCID_RATE,
            "burst + 1 s refill; a ceiling",
        )
    )
    out.add(
        Figure(
            "verified",
            "records as Orbit says after the night, template",
            "records",
            samples([r.verified for r in main]),
            float(researchers),
            "all",
        )
    )
    shared = results["shared"]
    if shared:
        out.add(
            Figure(
                "shared_ratio",
                f"elapsed ÷ (calls ÷ 24/s), one bucket shared at {shared[0].config.rate:g}/s",
                "×",
                samples([_ratio(r) for r in shared]),
                1.0,
            )
        )
        out.add(
            Figure(
                "shared_503",
                "503s received, one shared bucket",
                "responses",
                samples([r.refused for r in shared]),
                0.0,
            )
        )
    previous = results[TODAY]
    if previous:
        out.add(
            Figure(
                "previous_share",
                f"share of 24/s used by the previous design ({previous[0].researchers} researchers)",
                "of 24/s",
                samples([r.rate / ORCID_RATE for r in previous]),
                1.0,
                "all of it",
            )
        )
        out.add(
            Figure(
                "previous_ratio",
                "elapsed ÷ (calls ÷ 24/s), previous design",
                "×",
                samples([_ratio(r) for r in previous]),
                1.0,
            )
        )
    out.notes.extend(_notes(results, config))
    out.problems.extend(
        f"{r.config.label} night: {len(r.wrong)} of {r.researchers} ORCID records differ from Orbit"
        for group in results.values()
        for r in group
        if r.wrong
    )
    out.problems.extend(
        f"{r.config.label} night: {r.failed} failed records, {r.crashed} crashed invocations, "
        f"{r.dead} dead letters"
        for group in results.values()
        for r in group
        if r.failed or r.crashed or r.dead
    )
    out.details = {
        "latency": latency.__dict__,
        "outputs_each": outputs_each,
        "template_config": config.__dict__,
        "runs": {label: [r.as_json() for r in group] for label, group in results.items()},
    }
    return out


def _notes(results: dict[str, list[RunResult]], config: WorkerConfig) -> list[str]:
    main = results["template"]
    notes = []
    waited = statistics.median(r.pacing_wait for r in main)
    elapsed = statistics.median(r.elapsed for r in main)
    jobs_in_flight = config.concurrency * config.jobs_at_once
    design = config.design_rate
    if waited > elapsed:
        notes.append(
            f"Template: {config.concurrency} environments × {config.rate:g} requests/s = {design:g}/s by "
            f"design ({design / ORCID_RATE:.0%} of ORCID's limit, the rest headroom for retries), with up to "
            f"{jobs_in_flight} jobs in flight. The token buckets held requests back {waited:.0f} s in all "
            f"over the {elapsed:.0f} s (summed over the job threads): the pacing set the pace, not latency."
        )
    else:
        notes.append(
            f"Template: the token buckets held requests back only {waited:.1f} s in all over "
            f"{elapsed:.0f} s: latency, not the pacing, set the pace."
        )
    cpu = statistics.median(r.cpu for r in main)
    notes.append(
        f"CPU of this one process (workers, stand-ins, moto) per template run: {cpu:.0f} s in "
        f"{elapsed:.0f} s on 2 cores; the machine did not set the pace while that stays well under."
    )
    shared = results["shared"]
    if shared:
        notes.append(
            f"One bucket for all environments (a shared limiter at {shared[0].config.rate:g}/s; here an "
            "object in one process, across Lambda environments a conditional write per token or lease in "
            f"DynamoDB): elapsed ÷ floor {statistics.median(_ratio(r) for r in shared):.2f}, against "
            f"{statistics.median(_ratio(r) for r in main):.2f} for concurrency × per-environment rate."
        )
    previous = results[TODAY]
    if previous:
        p = previous[0]
        notes.append(
            f"Previous design ({p.config.concurrency} environments, batch {p.config.batch_size}, one job "
            f"after the other, {p.config.rate:g}/s each): {p.researchers} researchers in {p.elapsed:.0f} s, "
            f"{p.made} calls, {p.rate:.2f}/s = {p.rate / ORCID_RATE:.2f} of ORCID's limit (the handler's "
            "MAX_GROUPS_AT_ONCE patched to 1 stands in for its one-after-the-other processing)."
        )
    return notes
