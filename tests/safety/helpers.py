"""Researchers with works on ORCID, and snapshots of their records to compare before and after."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from infra.local.queues import DrainReport
from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import ResearchOutput
from infra.orbit_standin.people import Researcher
from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job
from orcid_sync.store.consents import Consent, ConsentStore
from tests.integration.sync_fixtures import Connected, article, connect, new_researcher

# A work on the record: put-code → (source client, the Orbit output it names or None, title).
Snapshot = dict[int, tuple[str, str | None, str]]


@dataclass
class WithWorks:
    connected: Connected
    outputs: list[ResearchOutput]

    @property
    def orcid(self) -> str:
        return self.connected.orcid

    @property
    def person(self) -> str:
        return self.connected.researcher.uuid


def researcher_with_works(stack: LocalStack, count: int, given: str = "Ida") -> WithWorks:
    """A researcher with `count` eligible outputs who connected and whose first sync ran cleanly."""
    researcher = new_researcher(stack, given, f"Safety{uuid.uuid4().hex[:6]}")
    outputs = [stack.orbit.put_output(article(researcher, title=f"Work {n}")) for n in range(count)]
    connected = connect(stack, researcher)
    report = stack.drain()
    assert_first_attempts(report)
    assert len(snapshot(stack, connected.orcid)) == count
    return WithWorks(connected, outputs)


def snapshot(stack: LocalStack, orcid: str) -> Snapshot:
    works = {}
    for work in stack.orcid.api.works_of(orcid):
        source = next((e.value for e in work.document.external_ids if e.type == "source-work-id"), None)
        works[work.put_code] = (work.source_client_id, source, work.document.title)
    return works


def duplicates(stack: LocalStack, orcid: str) -> list[str]:
    """Orbit outputs that appear more than once on the record."""
    counts = Counter(source for _, source, _ in snapshot(stack, orcid).values() if source)
    return [source for source, n in counts.items() if n > 1]


def nightly(stack: LocalStack, person: str, night: str = "2026-11-30") -> DrainReport:
    """The nightly job of one researcher, run to completion."""
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(nightly_job(person, night))
    return stack.drain()


def assert_first_attempts(report: DrainReport) -> None:
    """A job without injected faults succeeds on its first attempt: a retry must not hide a crash."""
    assert report.failed == 0, f"{report.failed} messages failed and were redelivered"
    assert report.crashed_invocations == 0


def consent_of(stack: LocalStack, person: str) -> Consent | None:
    return ConsentStore(stack.resources.refs["ConsentsTable"]).get(person)


def live_tokens(stack: LocalStack, orcid: str) -> set[str]:
    """Access tokens ORCID would still accept for `orcid` (not revoked by us or by the researcher)."""
    with stack.orcid.state.lock:
        return {
            grant.access_token
            for grant in stack.orcid.state.tokens.values()
            if grant.orcid == orcid and not grant.revoked and not grant.revoked_by_user
        }


def new_person(stack: LocalStack, given: str = "Karl") -> Researcher:
    return new_researcher(stack, given, f"Safety{uuid.uuid4().hex[:6]}")
