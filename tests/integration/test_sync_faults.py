"""The fault test: 200 events for 20 researchers while ORCID fails 20% of calls and the worker crashes.

After the queues drain, every researcher's ORCID works must equal exactly what Orbit says should be
there: no duplicate, no missing, no stale work.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from infra.local.queues import DrainReport, QueueConsumer
from infra.local.records import wanted_on_orcid
from infra.local.stack import LocalStack, reset_function_caches
from infra.orbit_standin.outputs import ResearchOutput
from orcid_sync.store.work_links import WorkLink, WorkLinkStore
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    dead_letters,
    new_researcher,
    send_event,
    sources_on_orcid,
    titles_on_orcid,
)

pytestmark = pytest.mark.slow

EVENTS = 200
RESEARCHERS = 20


class Crash(RuntimeError):
    """An injected crash of the Lambda (as a timeout or an out-of-memory kill would end it)."""


@pytest.fixture
def fast_failures(stack: LocalStack) -> Iterator[None]:
    """Short timeouts and backoff for this test; the ORCID stand-in holds some requests past the timeout."""
    saved = {k: os.environ.get(k) for k in ("ORCID_READ_TIMEOUT_SECONDS", "ORCID_RETRY_BASE_DELAY_SECONDS")}
    os.environ["ORCID_READ_TIMEOUT_SECONDS"] = "0.3"
    os.environ["ORCID_RETRY_BASE_DELAY_SECONDS"] = "0.01"
    reset_function_caches()
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    faults = stack.orcid.api.faults
    faults.error_rate, faults.timeout_rate, faults.hold_seconds = 0.0, 0.0, 0.0
    stack.queues.before_invoke = None
    reset_function_caches()


@pytest.mark.redeliveries_expected
def test_orcid_matches_orbit_after_faults_crashes_and_200_events(
    stack: LocalStack, fast_failures: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(20261124)
    people: list[Connected] = [
        connect(stack, new_researcher(stack, f"R{i}", "Test")) for i in range(RESEARCHERS)
    ]
    stack.drain()

    # Faults: ORCID answers 503/500 to 20% of calls and holds some past the client's timeout.
    faults = stack.orcid.api.faults
    faults.error_rate, faults.timeout_rate, faults.hold_seconds = 0.2, 0.02, 0.5
    injected = {"orcid_errors": 0, "crashes": 0}
    real_next_failure = faults.next_failure

    def counted_failure() -> object:
        failure = real_next_failure()
        injected["orcid_errors"] += failure is not None
        return failure

    monkeypatch.setattr(faults, "next_failure", counted_failure)

    def crash_sometimes(consumer: QueueConsumer) -> None:
        if consumer.function == "SyncWorkerFunction" and rng.random() < 0.05:
            injected["crashes"] += 1
            raise Crash("worker killed before it started")

    stack.queues.before_invoke = crash_sometimes
    real_put, real_put_many = WorkLinkStore.put, WorkLinkStore.put_many

    def put_or_crash(self: WorkLinkStore, link: WorkLink) -> None:
        if rng.random() < 0.05:
            injected["crashes"] += 1
            raise Crash("worker killed between ORCID's answer and saving the link")
        real_put(self, link)

    def put_some_or_crash(self: WorkLinkStore, links: Iterable[WorkLink], **kw: Any) -> None:
        links = list(links)
        if links and rng.random() < 0.05:
            injected["crashes"] += 1
            real_put_many(self, links[: rng.randrange(len(links))], **kw)
            raise Crash("worker killed while saving a bulk POST's links")
        real_put_many(self, links, **kw)

    monkeypatch.setattr(WorkLinkStore, "put", put_or_crash)
    monkeypatch.setattr(WorkLinkStore, "put_many", put_some_or_crash)

    outputs: list[ResearchOutput] = []
    versions: dict[str, int] = {}
    drained: list[DrainReport] = []
    for number in range(EVENTS):
        roll = rng.random()
        if not outputs or roll < 0.35:
            authors = rng.sample([p.researcher for p in people], rng.choice([1, 1, 1, 2, 3]))
            output = stack.orbit.put_output(article(*authors, title=f"Output {number}"))
            outputs.append(output)
            versions[output.uuid] = 1
            send_event(stack, "created", output.uuid, 1)
        else:
            target = rng.choice(outputs)
            if target.uuid not in stack.orbit.outputs:
                send_event(stack, "deleted", target.uuid, versions[target.uuid])  # a late duplicate
                continue
            change = rng.choice(
                ["title", "title", "confidential", "public", "validation", "delete", "repeat"]
            )
            if change == "delete":
                stack.orbit.delete_output(target.uuid)
                send_event(stack, "deleted", target.uuid, versions[target.uuid] + 1)
                continue
            if change != "repeat":
                updates = {
                    "title": {"title_en": f"Output {number} (corrected)"},
                    "confidential": {"confidential": True},
                    "public": {"confidential": False, "workflow": "approved"},
                    "validation": {"workflow": "forValidation"},
                }[change]
                stack.orbit.change_output(target.uuid, **updates)
                versions[target.uuid] += 1
            send_event(stack, "updated", target.uuid, versions[target.uuid])
        if number % 25 == 24:
            drained.append(stack.drain())  # events keep arriving while earlier ones are being retried

    drained.append(stack.drain())
    # Faults off: whatever is still in flight finishes, as it would once ORCID recovers.
    faults.error_rate, faults.timeout_rate = 0.0, 0.0
    stack.queues.before_invoke = None
    monkeypatch.setattr(WorkLinkStore, "put", real_put)
    monkeypatch.setattr(WorkLinkStore, "put_many", real_put_many)
    drained.append(stack.drain())

    duplicates = missing = stale = 0
    for person in people:
        on_orcid = sources_on_orcid(stack, person.orcid)
        titles = titles_on_orcid(stack, person.orcid)
        wanted = wanted_on_orcid(stack, person.researcher.uuid)
        duplicates += sum(count - 1 for count in on_orcid.values() if count > 1)
        missing += len(set(wanted) - set(on_orcid))
        stale += len(set(on_orcid) - set(wanted)) + sum(
            1 for uuid in wanted if uuid in titles and titles[uuid] != wanted[uuid]
        )
    print(
        f"\nfault test: events={EVENTS} researchers={RESEARCHERS} "
        f"orcid_errors_injected={injected['orcid_errors']} "
        f"crashes_injected={injected['crashes']} redeliveries={sum(r.failed for r in drained)} "
        f"invocations={sum(r.invocations for r in drained)} "
        f"duplicates={duplicates} missing={missing} stale={stale}"
    )
    assert injected["orcid_errors"] > 20 and injected["crashes"] > 5, "the faults must actually happen"
    assert (duplicates, missing, stale) == (0, 0, 0)
    assert dead_letters(stack, "SyncJobsDlq") == []
