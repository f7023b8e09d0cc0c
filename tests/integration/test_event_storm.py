"""A storm of saves in Orbit: 50 saves of one output, each with its event, cost one ORCID write.

The sync-jobs queue's delay (`SyncJobsDelaySeconds`) holds each job while the burst goes on; here the
router drains `orbit-events` before the worker starts, which is what that delay achieves. The jobs about
the output in one batch run once (merged); the first run reads Orbit after the last save and pushes
it; every later job is about a change the work already holds and needs no read of Orbit, no token and
no ORCID call. Counted: ORCID PUTs, Orbit reads, KMS decrypts. No time is asserted.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from infra.local.queues import DrainReport, QueueConsumer
from infra.local.stack import LocalStack
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, SyncJobQueue
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.store.work_links import WorkLinkStore
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    new_researcher,
    send_event,
    titles_on_orcid,
)

SAVES = 50
PUT = "PUT /work/{put-code}"
ORBIT_READ = "ws_output"


@pytest.fixture
def ida(stack: LocalStack) -> Connected:
    connected = connect(stack, new_researcher(stack, "Ida", "Storm"))
    stack.drain()
    return connected


@pytest.fixture
def decrypts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The person of every KMS decrypt of a token."""
    seen: list[str] = []
    real = TokenCipher.decrypt

    def counting(self: TokenCipher, person_id: str, ciphertext: bytes) -> str:
        seen.append(person_id)
        return real(self, person_id, ciphertext)

    monkeypatch.setattr(TokenCipher, "decrypt", counting)
    return seen


def _consumer(stack: LocalStack, function: str) -> QueueConsumer:
    return next(c for c in stack.queues.consumers if c.function == function)


def _route_all(stack: LocalStack) -> DrainReport:
    """The router takes every event before the worker runs: what the sync-jobs delay gives a burst."""
    report = DrainReport()
    while stack.queues.poll(_consumer(stack, "EventRouterFunction"), report):
        pass
    assert report.failed == 0
    return report


def _synced_output(stack: LocalStack, who: Connected) -> str:
    output = stack.orbit.put_output(article(who.researcher, title="Wakes, saved 0"))
    send_event(stack, "created", output.uuid, output.version)
    stack.drain()
    assert list(titles_on_orcid(stack, who.orcid).values()) == ["Wakes, saved 0"]
    return output.uuid


def _storm(stack: LocalStack, uuid: str, saves: int = SAVES) -> None:
    for save in range(1, saves + 1):
        output = stack.orbit.change_output(uuid, title_en=f"Wakes, saved {save}")
        send_event(stack, "updated", uuid, output.version)


def test_fifty_saves_of_one_output_make_one_put_one_worker_read_and_one_decrypt(
    stack: LocalStack, ida: Connected, decrypts: list[str]
) -> None:
    uuid = _synced_output(stack, ida)
    orbit_before, orcid_before = Counter(stack.orbit.calls), Counter(stack.orcid.api.calls)
    decrypts.clear()

    _storm(stack, uuid)
    routed = _route_all(stack)
    routed_reads = Counter(stack.orbit.calls)[ORBIT_READ] - orbit_before[ORBIT_READ]
    report = stack.drain()

    orcid = Counter(stack.orcid.api.calls) - orcid_before
    orbit_reads = Counter(stack.orbit.calls)[ORBIT_READ] - orbit_before[ORBIT_READ]
    assert orcid == Counter({PUT: 1})  # the floor; the issue allows 2
    # The router reads the output to find its authors: once per batch of events (at most one per event).
    assert routed.messages == SAVES
    assert routed_reads == routed.invocations <= SAVES
    assert orbit_reads - routed_reads == 1  # the worker: one read for 50 jobs
    assert decrypts == [ida.researcher.uuid]  # the token only for the one PUT
    assert report.messages == SAVES and report.failed == 0  # every job acknowledged
    assert list(titles_on_orcid(stack, ida.orcid).values()) == [f"Wakes, saved {SAVES}"]


def test_a_late_job_about_an_older_change_neither_reads_orbit_nor_overwrites_the_newer_work(
    stack: LocalStack, ida: Connected, decrypts: list[str]
) -> None:
    uuid = _synced_output(stack, ida)
    older = stack.orbit.outputs[uuid].modified
    _storm(stack, uuid, saves=2)
    stack.drain()
    orbit_before, orcid_before = Counter(stack.orbit.calls), Counter(stack.orcid.api.calls)
    decrypts.clear()

    late = SyncJob(
        kind=JobKind.OUTPUT,
        person_id=ida.researcher.uuid,
        publication_id=uuid,
        reason="event",
        version="1",
        orbit_modified=older,
    )
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(late)
    stack.drain()

    assert Counter(stack.orbit.calls) == orbit_before
    assert Counter(stack.orcid.api.calls) == orcid_before
    assert decrypts == []
    assert list(titles_on_orcid(stack, ida.orcid).values()) == ["Wakes, saved 2"]


def test_a_job_about_a_change_newer_than_the_work_reads_orbit_and_pushes_it(
    stack: LocalStack, ida: Connected
) -> None:
    uuid = _synced_output(stack, ida)
    pushed = WorkLinkStore(stack.resources.refs["WorkLinksTable"]).get(ida.researcher.uuid, uuid)
    assert pushed is not None and pushed.orbit_modified == stack.orbit.outputs[uuid].modified
    before = Counter(stack.orcid.api.calls)

    stack.orbit.change_output(uuid, title_en="Wakes, corrected")
    job = SyncJob(
        kind=JobKind.OUTPUT,
        person_id=ida.researcher.uuid,
        publication_id=uuid,
        reason="event",
        version="2",
        orbit_modified=pushed.orbit_modified + timedelta(milliseconds=1),
    )
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(job)
    stack.drain()

    assert Counter(stack.orcid.api.calls) - before == Counter({PUT: 1})
    assert list(titles_on_orcid(stack, ida.orcid).values()) == ["Wakes, corrected"]


@pytest.mark.redeliveries_expected
def test_a_merged_run_that_fails_retries_every_job_it_stood_for_and_nothing_is_lost(
    stack: LocalStack, ida: Connected
) -> None:
    uuid = _synced_output(stack, ida)
    _storm(stack, uuid, saves=10)
    _route_all(stack)
    worker = _consumer(stack, "SyncWorkerFunction")

    stack.orbit.failing_status = 503  # Orbit is down when the merged run reads it
    first = DrainReport()
    try:
        stack.queues.poll(worker, first)  # one batch: ten jobs merged into one run, which fails
    finally:
        stack.orbit.failing_status = None
    stack.drain()

    assert first.messages == 10 and first.failed == 10  # all ten come back, none acknowledged alone
    assert list(titles_on_orcid(stack, ida.orcid).values()) == ["Wakes, saved 10"]
