"""Benchmark 8: a storm of saves — 50 saves of one output in Orbit within a minute, each with its event.

On the local stack (the real router, worker and poller handlers under their template roles, moto, the
ORCID and Orbit stand-ins), one researcher with one output on ORCID, three ways the burst can arrive:

- as they arrive: each save's event is routed and its job run before the next save (a producer that
  sends every save, `SyncJobsDelaySeconds` 0, a worker that keeps up);
- delayed: every event is routed before the first job may run — what `SyncJobsDelaySeconds` longer
  than the burst (e.g. 60 s for a burst within a minute) does; here the order is made, no time is waited;
- through Pure's change feed (stock Pure): the saves fall into two runs of the poller (every minute),
  which sends one event per output per page.

Counted: ORCID PUTs (floor 1: the last save must reach ORCID; the issue allows 2), Orbit reads of the
output (the router's and the worker's), and KMS decrypts of the token. The record is checked to hold the
last save's title.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from bench.common import Figure, Section, samples
from bench.seed import article, connect_in_browser, new_researcher
from infra.local.queues import DrainReport
from infra.local.records import titles_on_orcid
from infra.local.stack import LocalStack
from orcid_sync.jobs.sync_jobs import SyncJob
from orcid_sync.orbit.research_outputs import OrbitResearchOutputs, OutputRead
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.sync.events import OrbitEvent
from orcid_sync.sync.router import EventRouter

SAVES = 50
PUT = "PUT /work/{put-code}"
ORBIT_READS = ("ws_output", "api_output")
POLLER = "FeedPollerFunction"


@dataclass
class Counts:
    puts: list[int] = field(default_factory=list)
    router_reads: list[int] = field(default_factory=list)
    worker_reads: list[int] = field(default_factory=list)
    decrypts: list[int] = field(default_factory=list)
    events: list[int] = field(default_factory=list)


class Meter:
    """While installed: KMS decrypts of tokens, and Orbit reads of an output by the router and by the
    worker (the handlers run in this process; the patches are taken off on leaving)."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.decrypts = 0
        self.router_reads = 0
        self.worker_reads = 0
        self._routing = threading.local()
        self._saved: list[tuple[type, str, Any]] = []

    def __enter__(self) -> Meter:
        decrypt, read, route = TokenCipher.decrypt, OrbitResearchOutputs.read, EventRouter.route

        def counting_decrypt(cipher: TokenCipher, person_id: str, ciphertext: bytes) -> str:
            self.decrypts += 1
            return decrypt(cipher, person_id, ciphertext)

        def counting_read(outputs: OrbitResearchOutputs, uuid: str) -> OutputRead:
            if getattr(self._routing, "on", False):
                self.router_reads += 1
            else:
                self.worker_reads += 1
            return read(outputs, uuid)

        def routing(router: EventRouter, event: OrbitEvent, fallback_version: str) -> list[SyncJob]:
            self._routing.on = True
            try:
                return route(router, event, fallback_version)
            finally:
                self._routing.on = False

        for owner, name, patch in (
            (TokenCipher, "decrypt", counting_decrypt),
            (OrbitResearchOutputs, "read", counting_read),
            (EventRouter, "route", routing),
        ):
            self._saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, patch)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def puts(self) -> int:
        return self.stack.orcid.api.calls.get(PUT, 0)


def _send_event(stack: LocalStack, uuid: str, version: int) -> None:
    body = f'{{"type": "researchoutput.updated", "uuid": "{uuid}", "version": {version}}}'
    boto3.client("sqs").send_message(
        QueueUrl=stack.resources.queue_urls["OrbitEventsQueue"], MessageBody=body
    )


def _route_all(stack: LocalStack) -> int:
    router = next(c for c in stack.queues.consumers if c.function == "EventRouterFunction")
    report = DrainReport()
    while stack.queues.poll(router, report):
        pass
    return report.messages


def _poll_feed(stack: LocalStack) -> None:
    for _ in range(20):
        result: dict[str, Any] = stack.invoke(POLLER, {"source": "aws.scheduler"})
        if result.get("caught_up"):
            return
    raise RuntimeError("the change-feed poller did not catch up")


def _as_they_arrive(stack: LocalStack, uuid: str) -> int:
    for save in range(1, SAVES + 1):
        output = stack.orbit.change_output(uuid, title_en=f"Wakes, saved {save}")
        _send_event(stack, uuid, output.version)
        stack.drain()
    return SAVES


def _delayed(stack: LocalStack, uuid: str) -> int:
    for save in range(1, SAVES + 1):
        output = stack.orbit.change_output(uuid, title_en=f"Wakes, saved {save}")
        _send_event(stack, uuid, output.version)
    routed = _route_all(stack)  # the delay: every job is queued before the first may run
    stack.drain()
    return routed


def _change_feed(stack: LocalStack, uuid: str) -> int:
    routed = 0
    for half in (range(1, SAVES // 2 + 1), range(SAVES // 2 + 1, SAVES + 1)):
        for save in half:
            stack.orbit.change_output(uuid, title_en=f"Wakes, saved {save}")
        _poll_feed(stack)  # one scheduled run of the poller, a minute apart
        routed += _route_all(stack)
        stack.drain()
    return routed


WAYS: dict[str, tuple[str, Callable[[LocalStack, str], int]]] = {
    "arrive": ("as they arrive (no delay)", _as_they_arrive),
    "delayed": ("with SyncJobsDelaySeconds longer than the burst", _delayed),
    "feed": ("through the change feed (poller every minute)", _change_feed),
}


def _one_storm(stack: LocalStack, number: int, how: str, counts: Counts, problems: list[str]) -> None:
    researcher = new_researcher(stack, 7000 + 10 * number + list(WAYS).index(how))
    output = stack.orbit.put_output(article(researcher, number))
    orcid = connect_in_browser(stack, researcher)
    _poll_feed(stack)  # the feed caught up to now: only the storm is news to the poller
    stack.drain()  # the first sync: the output is on ORCID
    with Meter(stack) as meter:
        puts = meter.puts()
        events = WAYS[how][1](stack, output.uuid)
        counts.puts.append(meter.puts() - puts)
    counts.decrypts.append(meter.decrypts)
    counts.router_reads.append(meter.router_reads)
    counts.worker_reads.append(meter.worker_reads)
    counts.events.append(events)
    if list(titles_on_orcid(stack, orcid).values()) != [f"Wakes, saved {SAVES}"]:
        problems.append(f"{how}, run {number + 1}: the last save is not what ORCID holds")


def run(runs: int) -> Section:
    results = {how: Counts() for how in WAYS}
    problems: list[str] = []
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        for number in range(runs):
            for how in WAYS:
                _one_storm(stack, number, how, results[how], problems)
                print(
                    f"    run {number + 1}/{runs}, {how}: {results[how].puts[-1]} PUTs, "
                    f"{results[how].router_reads[-1]} + {results[how].worker_reads[-1]} Orbit reads, "
                    f"{results[how].decrypts[-1]} decrypts",
                    flush=True,
                )
    section = Section(
        key="storm",
        title="8. A storm of saves: 50 saves of one output within a minute",
        setup=(
            f"One researcher with one output on ORCID; {SAVES} saves of it in the Orbit stand-in, each "
            "with its event (or, through the change feed, two poller runs a minute apart). The real "
            "router, worker and poller on the local stack (batch sizes from template.yaml); the delay is "
            "reproduced by routing every event before the worker runs, without waiting. Counted at the "
            "stand-ins and at the token cipher."
        ),
    )
    for how, (label, _) in WAYS.items():
        counts = results[how]
        section.add(Figure(f"{how}_puts", f"{label}: ORCID PUTs", "calls", samples(counts.puts), 1.0, "1"))
        section.add(
            Figure(
                f"{how}_router_reads", "… Orbit reads by the router", "reads", samples(counts.router_reads)
            )
        )
        section.add(
            Figure(
                f"{how}_worker_reads", "… Orbit reads by the worker", "reads", samples(counts.worker_reads)
            )
        )
        section.add(Figure(f"{how}_decrypts", "… KMS decrypts", "calls", samples(counts.decrypts)))
        section.add(Figure(f"{how}_events", "… events routed", "events", samples(counts.events)))
    section.notes.append(
        "As they arrive, each job runs before the next save exists, so each finds a change to push: "
        "nothing can be merged or skipped, and only a delay (or the change feed's one event per output per "
        "poll) lets a burst be pushed once. With the delay, the jobs of each worker batch (10) are merged "
        "into one run; the first run reads Orbit after the last save and pushes it; every later one is "
        "about a change already pushed and is dropped with no read, no decrypt and no ORCID call."
    )
    section.notes.append(
        "Before (issue 19's own figures, not re-measured here): every event read the output twice (router "
        f"and worker) and decrypted the token: {2 * SAVES} Orbit reads and {SAVES} KMS calls for 1 PUT; "
        f"{SAVES} PUTs when the events were processed as they arrived."
    )
    section.problems.extend(problems)
    return section
