"""The event router reads an output once per batch of events, and stamps each job with Orbit's time.

In-memory Orbit, DynamoDB and SQS at the adapters' seams (bench/fakes.py); Orbit's reads are counted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bench.fakes import MemoryDynamoDB, MemoryOrbit, MemorySqs, memory_stores
from infra.orbit_standin.outputs import Author, ResearchOutput, to_ws
from orcid_sync.orbit.research_outputs import OrbitResearchOutputs
from orcid_sync.orcid.oauth import REQUIRED_SCOPES
from orcid_sync.store.consents import Consent, ConsentStatus
from orcid_sync.sync.events import ChangeKind, OrbitEvent
from orcid_sync.sync.router import EventRouter

PERSON = "5a1c2f0e-1111-4b6b-9b7e-5d0c6a1e9f10"
OUTPUT = "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10"
SAVED = datetime(2026, 11, 20, 9, 30, 1, 43000, tzinfo=UTC)


class CountingOrbit(MemoryOrbit):
    def __init__(self, outputs: dict[str, dict[str, Any]]) -> None:
        super().__init__(outputs)
        self.reads = 0

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        self.reads += 1
        return super().get(path, params)


def _router() -> tuple[EventRouter, CountingOrbit, MemorySqs]:
    dynamodb, sqs = MemoryDynamoDB(), MemorySqs()
    consents, links, jobs = memory_stores(dynamodb, sqs)
    consents.create(
        Consent(
            person_id=PERSON,
            status=ConsentStatus.ACTIVE,
            orcid="0000-0002-1825-0097",
            scopes=REQUIRED_SCOPES,
            access_token=b"\x01" * 184,
            granted_at=SAVED,
            changed_at=SAVED,
        ).with_event("connected", SAVED)
    )
    output = ResearchOutput(
        uuid=OUTPUT,
        group="contributiontojournal",
        subtype="article",
        title_en="Wakes",
        authors=(Author(PERSON, "Ida", "Holm"),),
        modified=SAVED,
    )
    orbit = CountingOrbit({OUTPUT: to_ws(output)})
    return EventRouter(consents, links, OrbitResearchOutputs(orbit), jobs), orbit, sqs


def _updated(version: int) -> OrbitEvent:
    return OrbitEvent(publication_id=OUTPUT, change=ChangeKind.UPDATED, version=version)


def test_events_about_one_output_in_one_batch_cost_one_orbit_read() -> None:
    router, orbit, _ = _router()
    router.new_batch()

    queued = [router.route(_updated(version), fallback_version=str(version)) for version in range(1, 6)]

    assert orbit.reads == 1
    assert [len(jobs) for jobs in queued] == [1] * 5  # every event still queues its job


def test_the_next_batch_reads_orbit_again() -> None:
    router, orbit, _ = _router()
    router.new_batch()
    router.route(_updated(1), fallback_version="1")

    router.new_batch()
    router.route(_updated(2), fallback_version="2")

    assert orbit.reads == 2


def test_each_job_carries_when_orbit_last_changed_the_output() -> None:
    router, _, _ = _router()
    router.new_batch()

    (job,) = router.route(_updated(1), fallback_version="1")

    assert job.orbit_modified == SAVED
    assert json.loads(job.model_dump_json())["orbit_modified"] is not None


def test_a_deletion_reads_nothing_and_its_jobs_carry_no_time() -> None:
    router, orbit, _ = _router()
    router.new_batch()

    router.route(OrbitEvent(publication_id=OUTPUT, change=ChangeKind.DELETED), fallback_version="m")

    assert orbit.reads == 0
