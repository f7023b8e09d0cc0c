"""Benchmark 2: a first sync of many researchers at once, against ORCID's limit of 24 requests/s, burst 40.

The ORCID stand-in enforces the limit (503 beyond the burst). The sync workers run as the template
deploys them: as many at once as the SQS event source's MaximumConcurrency, each in its own process
(its own execution environment, so its own token bucket at ORCID_REQUESTS_PER_SECOND / ORCID_BURST),
each polling `sync-jobs` with the template's batch size and invoking the real handler.

The floor is the calls a first sync needs (one `GET /activities`, one bulk `POST /works`, one employment
and one profile link per researcher with ≤ 100 outputs) at 24 per second. A `speedup` > 1 runs the
stand-in's limiter and the workers' pacing on the same accelerated clock (`bench.clock.ScaledClock`),
so elapsed ÷ floor keeps its meaning.

A second, shorter run (the pacing ceiling) sends only cheap reads with the same pacing and concurrency,
to show the rate the pacing design reaches when nothing else takes time.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import statistics
import threading
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3

from bench.clock import ScaledClock
from bench.common import Figure, Section, samples
from bench.localstack import BenchStack
from bench.seed import Seeded, seed_connected
from bench.worker import worker_main
from infra.local.records import sources_on_orcid, titles_on_orcid
from infra.local.stack import LOCAL_CLIENT_ID, LocalStack
from infra.local.template import resources_of_type
from infra.orcid_standin.faults import RateLimiter
from orcid_sync.orcid.client import BULK_LIMIT, OrcidWorksClient
from orcid_sync.orcid.oauth import REQUIRED_SCOPES
from orcid_sync.orcid.pacing import TokenBucket

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.sharedctypes import Synchronized

    Results = Queue[tuple[str, dict[str, Any]]]

ORCID_RATE = 24.0  # requests per second per member client (../shared/docs/orcid-api.md, "Limits")
ORCID_BURST = 40
WORKER = "SyncWorkerFunction"
RUN_TIMEOUT_SECONDS = 1200.0


class CountingRateLimiter(RateLimiter):
    """The stand-in's limiter, also noting when each request arrived and how many it refused (503)."""

    def __init__(self, speedup: float) -> None:
        super().__init__(rate=ORCID_RATE, burst=ORCID_BURST, speedup=speedup)
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
        """The most requests that arrived within any one second of the stand-in's (accelerated) time."""
        window = 1.0 / self.speedup
        times = sorted(self.arrivals)
        return max((i + 1 - bisect_left(times, t - window + 1e-9) for i, t in enumerate(times)), default=0)


@dataclass(frozen=True)
class WorkerConfig:
    concurrency: int
    batch_size: int
    rate: float
    burst: int


def worker_config(stack: LocalStack) -> WorkerConfig:
    """MaximumConcurrency and BatchSize of the worker's SQS event, its pacing from its environment."""
    function = resources_of_type(stack.template, "AWS::Serverless::Function")[WORKER]
    (event,) = [e for e in function["Properties"]["Events"].values() if e.get("Type") == "SQS"]
    props = event["Properties"]
    env = stack.function_env[WORKER]
    return WorkerConfig(
        concurrency=int((props.get("ScalingConfig") or {}).get("MaximumConcurrency", 1000)),
        batch_size=int(props.get("BatchSize", 10)),
        rate=float(env["ORCID_REQUESTS_PER_SECOND"]),
        burst=int(env["ORCID_BURST"]),
    )


@dataclass
class RunResult:
    elapsed: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    peak: int = 0
    verified: int = 0
    wrong: list[str] = field(default_factory=list)
    cpu_main: float = 0.0
    cpu_workers: float = 0.0
    cpu_moto: float | None = None
    workers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def made(self) -> int:
        return sum(self.calls.values())

    def worker_total(self, name: str) -> float:
        return sum(float(worker[name]) for worker in self.workers)

    def as_json(self) -> dict[str, Any]:
        return {
            "elapsed_s": round(self.elapsed, 3),
            "orcid_calls": dict(self.calls),
            "refused_503": self.refused,
            "peak_requests_in_one_second": self.peak,
            "records_verified": self.verified,
            "records_wrong": self.wrong[:20],
            "cpu_s": {
                "main_process (ORCID and Orbit stand-ins, bench)": round(self.cpu_main, 1),
                "moto_process": round(self.cpu_moto, 1) if self.cpu_moto is not None else None,
                "worker_processes": round(self.cpu_workers, 1),
            },
            "workers": self.workers,
        }


def first_sync_run(
    researchers: int, outputs_each: int, speedup: float
) -> tuple[RunResult, WorkerConfig, bool]:
    """One run on a fresh stack; returns the result, the worker configuration, and whether moto ran apart."""
    with BenchStack(parameters={"LogLevel": "ERROR"}) as stack:
        config = worker_config(stack)
        limiter = CountingRateLimiter(speedup)
        stack.orcid.api.rate_limit = limiter
        consumer = next(c for c in stack.queues.consumers if c.function == WORKER)
        spec = stack.queues.functions[WORKER]
        context = multiprocessing.get_context("spawn")
        go, stop = context.Event(), context.Event()
        done: Synchronized[int] = context.Value("i", 0)
        results: Results = context.Queue()
        # Started before the seeding, so their imports overlap it; they wait for `go`.
        processes = [
            context.Process(
                target=worker_main,
                args=(consumer, spec, speedup, go, stop, done, results),
                name=f"sync-worker-{n}",
                daemon=True,
            )
            for n in range(config.concurrency)
        ]
        for process in processes:
            process.start()
        result = RunResult()
        try:
            seeded = seed_connected(stack, researchers, outputs_each)
            for _ in processes:
                _expect(results, "ready", timeout=120)
            before = Counter(stack.orcid.api.calls)
            limiter.reset_notes()
            moto_before = stack.moto_cpu_seconds()
            cpu_before = time.process_time()
            started = time.monotonic()
            go.set()
            _wait_until_drained(consumer.url, started, done, researchers)
            result.elapsed = time.monotonic() - started
            result.cpu_main = time.process_time() - cpu_before
            moto_after = stack.moto_cpu_seconds()
            if moto_before is not None and moto_after is not None:
                result.cpu_moto = moto_after - moto_before
            stop.set()
            result.workers = [_expect(results, "done", timeout=60) for _ in processes]
        finally:
            stop.set()
            go.set()
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.terminate()
        result.calls = Counter(stack.orcid.api.calls) - before
        result.refused = limiter.refused
        result.peak = limiter.peak_per_second()
        result.cpu_workers = result.worker_total("cpu_seconds")
        result.verified, result.wrong = _verify(stack, seeded)
        return result, config, stack.moto_process is not None


def _expect(results: Results, kind: str, timeout: float) -> dict[str, Any]:
    try:
        said, stats = results.get(timeout=timeout)
    except queue.Empty:
        raise RuntimeError(f"a worker process did not say {kind!r} within {timeout:.0f} s") from None
    if said != kind:
        raise RuntimeError(f"a worker process said {said!r}, not {kind!r}")
    return stats


def _wait_until_drained(queue_url: str, started: float, done: Synchronized[int], jobs: int) -> None:
    """Until `sync-jobs` holds no message, visible or in flight (the workers delete what they finish).

    SQS is asked once the workers have finished `jobs` messages, and otherwise every few seconds (in
    case some went to the dead-letter queue): moto's queue attributes take time in proportion to the
    messages held, on the machine the run is measured on.
    """
    sqs = boto3.client("sqs")
    asked = time.monotonic()
    while True:
        now = time.monotonic()
        if now - started > RUN_TIMEOUT_SECONDS:
            raise RuntimeError(f"sync-jobs did not drain within {RUN_TIMEOUT_SECONDS:.0f} s")
        if done.value < jobs and now - asked < 5.0:
            time.sleep(0.02)
            continue
        asked = now
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if not int(attributes["ApproximateNumberOfMessages"]) and not int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        ):
            return
        time.sleep(0.02)


def _verify(stack: LocalStack, seeded: list[Seeded]) -> tuple[int, list[str]]:
    """Records holding each of the researcher's Orbit outputs exactly once, with Orbit's title."""
    verified, wrong = 0, []
    for item in seeded:
        expected = {output.uuid: 1 for output in item.outputs}
        titles = {output.uuid: output.title_en or "" for output in item.outputs}
        if sources_on_orcid(stack, item.orcid) == expected and titles_on_orcid(stack, item.orcid) == titles:
            verified += 1
        else:
            wrong.append(item.researcher.uuid)
    return verified, wrong


# --- the pacing ceiling: the same pacing and concurrency, only cheap calls ----------------------------


@dataclass(frozen=True)
class CeilingResult:
    elapsed: float
    calls: int
    refused: int
    peak: int


def pacing_ceiling_run(calls: int, speedup: float) -> CeilingResult:
    """`calls` GET /works from `concurrency` workers, each with its own token bucket (template values).

    The workers are threads here: a read of an empty record costs the stand-in little, so one process
    keeps up, and each thread has its own bucket as each Lambda execution environment would.
    """
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        config = worker_config(stack)
        limiter = CountingRateLimiter(speedup)
        stack.orcid.api.rate_limit = limiter
        record = stack.orcid.state.add_record("Ida", "Holm")
        token = stack.orcid.state.issue_token(record.orcid, LOCAL_CLIENT_ID, REQUIRED_SCOPES).access_token
        api = f"{stack.orcid_url}/v3.0"
        shares = [
            calls // config.concurrency + (1 if n < calls % config.concurrency else 0)
            for n in range(config.concurrency)
        ]
        errors: list[Exception] = []

        def worker(share: int) -> None:
            clock = ScaledClock(speedup)
            pacer = TokenBucket(rate=config.rate, burst=config.burst, clock=clock.now, sleep=clock.sleep)
            client = OrcidWorksClient(api, LOCAL_CLIENT_ID, pacer=pacer, clock=clock.now, sleep=clock.sleep)
            try:
                for _ in range(share):
                    client.list_works(record.orcid, token)
            except Exception as exc:  # reported after the run
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(share,), daemon=True) for share in shares]
        limiter.reset_notes()
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        if errors:
            raise RuntimeError(f"the pacing ceiling run failed: {errors[0]!r}")
        return CeilingResult(
            elapsed, sum(stack.orcid.api.calls.values()), limiter.refused, limiter.peak_per_second()
        )


# --- the section --------------------------------------------------------------------------------------


def run(
    runs: int,
    researchers: int,
    outputs_each: int,
    speedup: float,
    ceiling_calls: int,
    ceiling_speedup: float,
) -> Section:
    results: list[RunResult] = []
    config: WorkerConfig | None = None
    moto_apart = True
    for n in range(runs):
        result, config, apart = first_sync_run(researchers, outputs_each, speedup)
        moto_apart = moto_apart and apart
        results.append(result)
        print(
            f"    first sync {n + 1}/{runs}: {result.elapsed:.1f} s, {result.made} ORCID calls, "
            f"{result.refused} × 503, {result.verified}/{researchers} records verified",
            flush=True,
        )
    assert config is not None
    ceilings = []
    for n in range(runs):
        ceiling = pacing_ceiling_run(ceiling_calls, ceiling_speedup)
        ceilings.append(ceiling)
        print(
            f"    pacing ceiling {n + 1}/{runs}: {ceiling.elapsed:.1f} s, {ceiling.refused} × 503", flush=True
        )

    posts = math.ceil(outputs_each / BULK_LIMIT)
    needed = researchers * (1 + posts + 2)  # + one employment and one profile link each
    clock = f"real time (speedup ×{speedup:g})" if speedup == 1 else f"both clocks sped up ×{speedup:g}"
    section = Section(
        key="throughput",
        title="2. Throughput against ORCID's limit",
        setup=(
            f"{researchers} researchers × {outputs_each} outputs, first sync (the job the consent callback "
            f"queues), all queued at once. ORCID stand-in limiting to {ORCID_RATE:g} requests/s, burst "
            f"{ORCID_BURST} (503 beyond), {clock}. {config.concurrency} sync-worker processes "
            f"(template MaximumConcurrency), batch size {config.batch_size}, each pacing itself at "
            f"{config.rate:g} requests/s, burst {config.burst} (template), invoking the real handler. "
            + (
                "moto (DynamoDB, SQS, KMS) runs in a process of its own, the stand-ins in the bench's."
                if moto_apart
                else "moto runs in the bench's process, beside the stand-ins."
            )
        ),
    )
    per_second = ORCID_RATE * speedup
    section.add(
        Figure(
            "elapsed",
            "elapsed, first sync of all researchers",
            "s",
            samples([r.elapsed for r in results]),
            needed / per_second,
            f"{needed} calls ÷ {ORCID_RATE:g}/s" + ("" if speedup == 1 else f" ÷ {speedup:g}"),
        )
    )
    section.add(
        Figure(
            "orcid_calls",
            "ORCID calls made",
            "calls",
            samples([r.made for r in results]),
            float(needed),
            f"{researchers} × (1 read + {posts} bulk post)",
        )
    )
    section.add(
        Figure(
            "refused_503",
            "503s received",
            "responses",
            samples([r.refused for r in results]),
            0.0,
            "none",
        )
    )
    section.add(
        Figure(
            "mean_rate",
            "mean request rate at ORCID",
            "requests/s",
            samples([r.made / (r.elapsed * speedup) for r in results]),
            ORCID_RATE,
            "ORCID's limit; a ceiling",
        )
    )
    section.add(
        Figure(
            "peak_rate",
            "most requests in any one second",
            "requests",
            samples([r.peak for r in results]),
            ORCID_BURST + ORCID_RATE,
            f"{ORCID_BURST} + {ORCID_RATE:g}: burst + 1 s refill; a ceiling",
        )
    )
    section.add(
        Figure(
            "verified",
            "ORCID records verified correct",
            "records",
            samples([r.verified for r in results]),
            float(researchers),
            "all of them",
        )
    )
    moto_apart_runs = [r for r in results if r.cpu_moto is not None]
    if moto_apart_runs:
        section.add(
            Figure(
                "cpu_moto",
                "CPU time: moto's process (DynamoDB, SQS, KMS)",
                "s",
                samples([r.cpu_moto or 0.0 for r in moto_apart_runs]),
            )
        )
    section.add(
        Figure(
            "cpu_main",
            "CPU time: ORCID and Orbit stand-ins (and the bench)"
            + ("" if moto_apart_runs else ", with moto"),
            "s",
            samples([r.cpu_main for r in results]),
        )
    )
    section.add(
        Figure(
            "cpu_workers",
            f"CPU time: the {config.concurrency} worker processes",
            "s",
            samples([r.cpu_workers for r in results]),
        )
    )
    section.add(
        Figure(
            "pacing_wait",
            "time the workers' token buckets made them wait",
            "s",
            samples([r.worker_total("pacing_wait_seconds") for r in results]),
        )
    )
    design = config.concurrency * config.rate
    # Best case for the pacing: the buckets' bursts go at once, the rest at the design rate.
    best = (ceiling_calls - config.concurrency * config.burst) / design / (ceiling_calls / ORCID_RATE)
    section.add(
        Figure(
            "ceiling_elapsed",
            f"pacing ceiling: {ceiling_calls} reads of an empty record, same pacing and concurrency",
            "s",
            samples([c.elapsed for c in ceilings]),
            ceiling_calls / (ORCID_RATE * ceiling_speedup),
            f"{ceiling_calls} calls ÷ {ORCID_RATE:g}/s"
            + ("" if ceiling_speedup == 1 else f" ÷ {ceiling_speedup:g}"),
            note=(
                f"the pacing allows {config.concurrency} × {config.rate:g} = {design:g} requests/s, "
                f"so at best {best:.2f} × the floor"
            ),
        )
    )
    section.add(
        Figure(
            "ceiling_rate",
            "pacing ceiling: mean request rate at ORCID",
            "requests/s",
            samples([c.calls / (c.elapsed * ceiling_speedup) for c in ceilings]),
            ORCID_RATE,
            "ORCID's limit; a ceiling",
        )
    )
    section.add(
        Figure(
            "ceiling_503",
            "pacing ceiling: 503s received",
            "responses",
            samples([c.refused for c in ceilings]),
            0.0,
            "none",
        )
    )
    section.add(
        Figure(
            "ceiling_peak",
            "pacing ceiling: most requests in any one second",
            "requests",
            samples([c.peak for c in ceilings]),
            ORCID_BURST + ORCID_RATE,
            f"{ORCID_BURST} + {ORCID_RATE:g}: burst + 1 s refill; a ceiling",
        )
    )
    section.notes.extend(_notes(results, ceilings, config, speedup, ceiling_speedup, ceiling_calls))
    section.problems.extend(
        f"run {number}: {len(r.wrong)} of {researchers} ORCID records differ from Orbit"
        for number, r in enumerate(results, start=1)
        if r.wrong
    )
    section.details = {
        "researchers": researchers,
        "outputs_each": outputs_each,
        "worker_config": config.__dict__,
        "speedup": speedup,
        "moto_in_own_process": moto_apart,
        "runs": [r.as_json() for r in results],
        "ceiling": {
            "calls": ceiling_calls,
            "speedup": ceiling_speedup,
            "runs": [c.__dict__ for c in ceilings],
        },
    }
    return section


def _notes(
    results: list[RunResult],
    ceilings: list[CeilingResult],
    config: WorkerConfig,
    speedup: float,
    ceiling_speedup: float,
    ceiling_calls: int,
) -> list[str]:
    """What the figures say, worded from the figures themselves."""
    cores = os.cpu_count() or 1
    design = config.concurrency * config.rate
    elapsed = statistics.median(r.elapsed for r in results)
    rate = statistics.median(r.made / (r.elapsed * speedup) for r in results)
    waited = statistics.median(r.worker_total("pacing_wait_seconds") for r in results)
    notes = []
    if waited < 0.1 * elapsed * config.concurrency:
        workers = statistics.median(r.cpu_workers for r in results)
        main = statistics.median(r.cpu_main for r in results)
        moto = [r.cpu_moto for r in results if r.cpu_moto is not None]
        busiest = (
            f"moto's one process, emulating DynamoDB, SQS and KMS for both workers, was busy "
            f"{statistics.median(moto):.0f} CPU-seconds of the {elapsed:.0f} s; the ORCID and Orbit "
            f"stand-ins (with the bench) {main:.0f}"
            if moto
            else f"the bench's process (moto, the ORCID and Orbit stand-ins) was busy {main:.0f} "
            f"CPU-seconds of the {elapsed:.0f} s"
        )
        notes.append(
            f"ORCID's limit did not set the pace of this run; the local stack did. Requests reached ORCID "
            f"at {rate:.1f}/s on average (ORCID allows {ORCID_RATE:g}/s, the pacing {design:g}/s), and the "
            f"token buckets held the workers back {waited:.1f} s in all. Per run (medians), {busiest}; the "
            f"{config.concurrency} worker processes — the sync itself, with botocore and requests — "
            f"{workers:.0f}, on {cores} cores. So elapsed ÷ floor here measures this machine emulating AWS, "
            f"not the sync's use of ORCID's limit; the pacing ceiling below measures that."
        )
    else:
        notes.append(
            f"The workers' pacing set the pace: requests reached ORCID at {rate:.1f}/s on average (ORCID "
            f"allows {ORCID_RATE:g}/s, the pacing {design:g}/s); the token buckets held the workers back "
            f"{waited:.1f} s in all."
        )
    ceiling_rate = statistics.median(c.calls / (c.elapsed * ceiling_speedup) for c in ceilings)
    refused = max(c.refused for c in ceilings)
    notes.append(
        f"With nothing but cheap reads, the same pacing and concurrency send {ceiling_rate:.1f} requests/s "
        f"({design:g}/s by design, {ORCID_RATE:g}/s allowed) with {refused} 503s in {len(ceilings)} runs of "
        f"{ceiling_calls} calls: the pace a first sync of many researchers approaches when the work between "
        f"calls is cheap — at most {design / ORCID_RATE:.0%} of ORCID's limit, by design."
    )
    notes.append(
        (
            "No speedup for the first sync: a faster ORCID clock would only shrink the floor of a run whose "
            "pace the CPU sets."
            if speedup == 1
            else f"First sync run with both clocks sped up ×{speedup:g}."
        )
        + f" The pacing ceiling runs ×{ceiling_speedup:g}: the stand-in's limiter and each worker's token "
        "bucket (and its retry backoff) read the same sped-up clock, so elapsed ÷ floor and the rates "
        "(given in stand-in time) mean what they would at real pace."
    )
    notes.append(
        '"Most requests in any one second": the stand-in\'s token bucket lets at most the burst (40) plus '
        "one second's refill (24) through in one second, so up to 64 is within ORCID's limit."
    )
    return notes
