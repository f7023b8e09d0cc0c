"""Benchmark 6: an edit in Orbit → on the researcher's ORCID record, through Orbit's change feed.

One researcher connected in the browser, with one public output per edit. The local stack runs as
`make run` does: the change-feed poller invoked on its schedule from template.yaml (every minute by
default) and the queues consumed continuously, as Lambda's pollers would. Each edit (a title
correction of a different output) is made in the Orbit stand-in at a random moment over two poll
intervals; its latency is the time until the new title is on the stand-in ORCID record (checked every
0.2 s). Beside it, the seed's way: DTU's nightly export, "wait until the following day".
"""

from __future__ import annotations

import random
import statistics
import threading
import time

from bench.common import Figure, Section, samples
from bench.seed import connect_in_browser, new_researcher, with_outputs
from infra.local.records import titles_on_orcid
from infra.local.run import consume_forever
from infra.local.scheduler import LocalScheduler
from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import ResearchOutput

POLLER = "FeedPollerFunction"
EDITS = 12
NEXT_DAY_SECONDS = 24 * 3600.0
CHECK_EVERY_SECONDS = 0.2


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return float(statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1])


def _titles(stack: LocalStack, orcid: str) -> dict[str, str]:
    for _ in range(5):  # the worker writes the stand-in's record while we read it
        try:
            return titles_on_orcid(stack, orcid)
        except RuntimeError:
            time.sleep(0.01)
    return titles_on_orcid(stack, orcid)


def run(runs: int, edits: int = EDITS, interval_seconds: float | None = None) -> Section:
    latencies: list[float] = []
    problems: list[str] = []
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        # The template's schedule; only the benchmarks' smoke test shortens it.
        shortened = {POLLER: interval_seconds} if interval_seconds is not None else None
        scheduler = LocalScheduler(stack.schedules, stack.invoke, every=shortened)
        every = scheduler.functions[POLLER]
        researcher = new_researcher(stack, 1)
        outputs = with_outputs(stack, researcher, edits * runs)
        orcid = connect_in_browser(stack, researcher)
        stack.invoke(POLLER, {"source": "aws.scheduler"})  # the poller's first run: from now on
        stack.drain()
        stop = threading.Event()
        consumer = threading.Thread(target=consume_forever, args=(stack, stop, 0.05), daemon=True)
        consumer.start()
        scheduler.start()
        try:
            for number in range(runs):
                batch = outputs[number * edits : (number + 1) * edits]
                latencies += _measure(stack, orcid, batch, every, number, problems)
        finally:
            scheduler.stop()
            stop.set()
            consumer.join(timeout=30)
    section = Section(
        "feed_latency",
        "7. An edit in Orbit → on ORCID, through the change feed",
        f"One researcher; {edits} title corrections per run, each of another output, at random moments "
        f"over two poll intervals; the change-feed poller on its schedule ({every:g} s"
        + (", the template's default" if interval_seconds is None else ", shortened")
        + "), the queues consumed continuously; latency = edit saved in Orbit → new title on the "
        "ORCID stand-in (checked every 0.2 s). moto, the stand-ins and the handlers share one process.",
        problems=problems,
    )
    if latencies:
        section.add(
            Figure(
                "edit_to_orcid_median",
                f"Orbit edit → on ORCID, median of {len(latencies)} edits (min – max over edits)",
                "s",
                samples(latencies),
                floor=every / 2,
                floor_label="half the poll interval: the average wait for the next run",
            )
        )
        section.add(
            Figure(
                "edit_to_orcid_p95",
                f"Orbit edit → on ORCID, 95th percentile of {len(latencies)} edits",
                "s",
                samples([_percentile(latencies, 0.95)]),
                floor=every * 0.95,
                floor_label="95 % of the poll interval",
            )
        )
        section.add(
            Figure(
                "seed_next_day",
                "the seed's way: DTU's nightly export, 'wait until the following day' (not measured)",
                "s",
                samples([NEXT_DAY_SECONDS]),
            )
        )
    section.notes.append(
        "The wait for the poller's next run dominates; after it, the feed → router → worker path adds "
        "the rest. A shorter ChangeFeedPollMinutes lowers both figures (1 minute is the least a rate "
        "schedule allows)."
    )
    section.details = {"edits": len(latencies), "interval_seconds": every}
    return section


def _measure(
    stack: LocalStack,
    orcid: str,
    batch: tuple[ResearchOutput, ...],
    every: float,
    number: int,
    problems: list[str],
) -> list[float]:
    rng = random.Random(number)
    moments = sorted(rng.uniform(0, 2 * every) for _ in batch)
    began = time.monotonic()
    pending: dict[str, tuple[str, float]] = {}
    done: list[float] = []
    queue = list(zip(moments, batch, strict=True))
    deadline = began + 2 * every + 5 * every
    while (queue or pending) and time.monotonic() < deadline:
        now = time.monotonic()
        while queue and began + queue[0][0] <= now:
            _, output = queue.pop(0)
            uuid = output.uuid
            title = f"Corrected in run {number + 1}: {uuid[:8]}"
            stack.orbit.change_output(uuid, title_en=title)
            pending[uuid] = (title, time.monotonic())
        if pending:
            seen = _titles(stack, orcid)
            for uuid, (title, saved_at) in list(pending.items()):
                if seen.get(uuid) == title:
                    done.append(time.monotonic() - saved_at)
                    del pending[uuid]
        time.sleep(CHECK_EVERY_SECONDS)
    if pending or queue:
        problems.append(f"run {number + 1}: {len(pending) + len(queue)} edit(s) never reached ORCID")
    return done
