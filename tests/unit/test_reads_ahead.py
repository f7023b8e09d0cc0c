"""Each sync service (one per Lambda execution environment) reads ahead on its own threads: one
environment's slow Orbit reads never hold back another's (they shared one pool of 10 threads before, so
three environments in one process ran 30 jobs on 10 readers)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any, cast

from orcid_sync.jobs.sync_jobs import nightly_job
from orcid_sync.store.consents import Consent, ConsentStatus
from orcid_sync.sync.service import READS_AHEAD_AT_ONCE, SyncService


class BlockingOrbit:
    """Lists a person's outputs once `release` is set (a slow Orbit)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def of_person(self, person_id: str) -> str:
        self.release.wait(30)
        return f"outputs of {person_id}"


def _service(orbit: BlockingOrbit) -> SyncService:
    unused = cast(Any, None)
    return SyncService(
        consents=unused,
        links=unused,
        cipher=unused,
        orcid=unused,
        orbit=cast(Any, orbit),
        affiliations=cast(Any, object()),  # a job with employment: its outputs are read ahead
    )


def _read_ahead(service: SyncService, person: str) -> Any:
    consent = Consent(
        person_id=person,
        status=ConsentStatus.ACTIVE,
        orcid="0000-0002-1825-0097",
        changed_at=datetime.now(UTC),
    )
    return service._read_ahead(nightly_job(person, "2026-12-01"), consent)


def test_one_environments_slow_reads_do_not_hold_back_anothers() -> None:
    slow, quick = BlockingOrbit(), BlockingOrbit()
    first, second = _service(slow), _service(quick)
    try:
        waiting = [_read_ahead(first, f"p{n}") for n in range(READS_AHEAD_AT_ONCE)]  # every reader busy
        quick.release.set()

        assert _read_ahead(second, "ida").result(timeout=10) == "outputs of ida"
        assert not any(read.done() for read in waiting)
    finally:
        slow.release.set()
        quick.release.set()
