"""The real sync worker on the local stack: one batch of several researchers' jobs, run concurrently.

Concurrency is shown by counting the requests the ORCID stand-in holds at once (a barrier that only
simultaneous requests pass); correctness by the records and the call counts. No time is asserted.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from infra.local.queues import DrainReport, QueueConsumer
from infra.local.stack import LocalStack
from orcid_sync.orcid.pacing import TokenBucket
from tests.integration.sync_fixtures import Connected, article, connect, new_researcher, sources_on_orcid

RESEARCHERS = 6
TOGETHER = 3  # requests the stand-in waits to hold at once before answering any of them


class InFlight:
    """Stands in for the ORCID stand-in's latency: counts the requests it holds at the same time."""

    def __init__(self, together: int) -> None:
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(together)
        self._met = threading.Event()  # once `together` requests were held at once, no one waits

    def hold(self) -> float:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        if not self._met.is_set():
            try:
                self._barrier.wait(timeout=20)  # the timeout only turns a hang into a failure
                self._met.set()
            except threading.BrokenBarrierError:
                pass
        with self._lock:
            self.now -= 1
        return 0.0


@pytest.fixture
def in_flight(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> InFlight:
    gauge = InFlight(TOGETHER)
    monkeypatch.setattr(stack.orcid.api.faults, "hold", gauge.hold)
    return gauge


@pytest.fixture
def buckets(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The identity of the token bucket each ORCID request was paced by."""
    seen: list[int] = []
    reserve = TokenBucket.reserve

    def noting(self: TokenBucket) -> float:
        seen.append(id(self))
        return reserve(self)

    monkeypatch.setattr(TokenBucket, "reserve", noting)
    return seen


def _worker(stack: LocalStack) -> QueueConsumer:
    return next(c for c in stack.queues.consumers if c.function == "SyncWorkerFunction")


def test_one_batch_runs_researchers_at_once_under_one_bucket_and_each_record_is_right(
    stack: LocalStack, in_flight: InFlight, buckets: list[int]
) -> None:
    people: list[Connected] = []
    outputs: dict[str, list[str]] = {}
    for number in range(RESEARCHERS):
        researcher = new_researcher(stack, "Ida", f"Holm {number}")
        outputs[researcher.uuid] = [
            stack.orbit.put_output(article(researcher, title=f"Wakes {number}.{n}")).uuid for n in range(2)
        ]
        people.append(connect(stack, researcher))  # queues the researcher's first full sync
    before = Counter(stack.orcid.api.calls)
    report = DrainReport()

    handled = stack.queues.poll(_worker(stack), report)  # one invocation, one batch
    stack.drain()  # whatever the batch did not hold

    assert handled == min(RESEARCHERS, _worker(stack).batch_size)
    assert report.failed == 0 and report.crashed_invocations == 0
    assert in_flight.most >= TOGETHER
    assert len(set(buckets)) == 1  # one shared pacing for all the threads
    made = Counter(stack.orcid.api.calls) - before
    # Per researcher: one read (GET /activities), one bulk post of works, their DTU employment, and
    # the Orbit profile link (the consent has /person/update).
    assert made == Counter(
        {
            "GET /activities": RESEARCHERS,
            "POST /works": RESEARCHERS,
            "POST /employment": RESEARCHERS,
            "POST /researcher-urls": RESEARCHERS,
        }
    )
    assert len(buckets) == sum(made.values())
    for person in people:
        assert sources_on_orcid(stack, person.orcid) == {uuid: 1 for uuid in outputs[person.researcher.uuid]}
