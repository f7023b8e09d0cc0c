"""When a work needs no rebuild, and an event job no read: Orbit's modification time with each link."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, merge_key, merged
from orcid_sync.orbit.stamps import modified_at
from orcid_sync.sync.freshness import (
    REBUILD_EVERY_NIGHTS,
    already_holds,
    due_for_rebuild,
    mapping_stamp,
    unchanged_since_push,
)

ORCID = "0000-0002-1825-0097"
PID = "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10"
SAVED = datetime(2026, 11, 20, 9, 30, 1, 43000, tzinfo=UTC)
MAPPING = mapping_stamp(50)


def _not_due(pid: str = PID) -> date:
    night = date(2026, 11, 25)
    while due_for_rebuild(pid, night):
        night += timedelta(days=1)
    return night


def _link(**changes: object) -> WorkLink:
    values: dict[str, object] = {
        "person_id": "p",
        "publication_id": PID,
        "state": LinkState.SYNCED,
        "orcid": ORCID,
        "put_code": 7,
        "content_hash": "h",
        "changed_at": SAVED,
        "orbit_modified": SAVED,
        "mapping": MAPPING,
    }
    values.update(changes)
    return WorkLink.model_validate(values)


def test_pures_modification_time_is_read_from_either_api_shape_in_utc() -> None:
    assert modified_at({"info": {"modifiedDate": "2026-11-20T04:30:01.043-0500"}}) == SAVED
    assert modified_at({"modifiedDate": "2026-11-20T10:30:01.043+01:00"}) == SAVED


@pytest.mark.parametrize(
    "data",
    [{}, {"info": {}}, {"info": {"modifiedDate": "yesterday"}}, {"modifiedDate": "2026-11-20T09:30:01"}, []],
)
def test_no_trusted_time_is_no_stamp(data: object) -> None:
    assert modified_at(data) is None


def test_a_synced_work_of_an_output_orbit_has_not_changed_since_is_not_rebuilt() -> None:
    assert unchanged_since_push(_link(), ORCID, SAVED, MAPPING, _not_due())


@pytest.mark.parametrize(
    ("link", "modified", "mapping"),
    [
        (_link(), SAVED + timedelta(milliseconds=1), MAPPING),  # Orbit changed it since
        (_link(), None, MAPPING),  # Orbit gave no time
        (_link(), SAVED, mapping_stamp(20)),  # the mapping (or its settings) changed
        (_link(orbit_modified=None), SAVED, MAPPING),  # a link from before stamps
        (_link(orcid="0000-0001-5109-3700"), SAVED, MAPPING),  # made for another iD
        (_link(state=LinkState.REJECTED), SAVED, MAPPING),  # not on ORCID
        (_link(content_hash=None), SAVED, MAPPING),
        (None, SAVED, MAPPING),
    ],
)
def test_anything_else_is_rebuilt(link: WorkLink | None, modified: datetime | None, mapping: str) -> None:
    assert not unchanged_since_push(link, ORCID, modified, mapping, _not_due())


def test_every_output_is_rebuilt_once_in_every_run_of_nights_whatever_its_stamp() -> None:
    pids = [f"{n:08d}-2a44-4f6b-9b7e-5d0c6a1e9f10" for n in range(200)]
    first = date(2026, 11, 25)
    nights = [first + timedelta(days=d) for d in range(REBUILD_EVERY_NIGHTS)]

    due = {pid: [night for night in nights if due_for_rebuild(pid, night)] for pid in pids}

    assert all(len(found) == 1 for found in due.values())
    tonight = sum(1 for pid in pids if due_for_rebuild(pid, first))
    assert 0 < tonight < len(pids) / 3  # spread over the nights, not all at once
    its_night = next(night for night in nights if due_for_rebuild(PID, night))
    assert not unchanged_since_push(_link(), ORCID, SAVED, MAPPING, its_night)


def test_an_event_job_about_a_change_the_link_already_holds_needs_no_read() -> None:
    assert already_holds(_link(), ORCID, SAVED, MAPPING)
    assert already_holds(_link(), ORCID, SAVED - timedelta(seconds=5), MAPPING)  # a late, older job


def test_an_event_job_about_a_newer_change_or_without_a_time_is_run() -> None:
    assert not already_holds(_link(), ORCID, SAVED + timedelta(milliseconds=1), MAPPING)
    assert not already_holds(_link(), ORCID, None, MAPPING)
    assert not already_holds(_link(orbit_modified=None), ORCID, SAVED, MAPPING)
    assert not already_holds(_link(), ORCID, SAVED, mapping_stamp(20))
    assert not already_holds(_link(orcid="0000-0001-5109-3700"), ORCID, SAVED, MAPPING)
    assert not already_holds(None, ORCID, SAVED, MAPPING)


def _job(version: int, seen: datetime | None, publication: str = PID) -> SyncJob:
    return SyncJob(
        kind=JobKind.OUTPUT,
        person_id="p",
        publication_id=publication,
        reason="event",
        version=str(version),
        orbit_modified=seen,
    )


def test_merged_jobs_run_as_the_newest_with_the_latest_time_any_of_them_saw() -> None:
    later = SAVED + timedelta(seconds=3)

    job = merged([_job(1, SAVED), _job(3, later), _job(2, SAVED + timedelta(seconds=1))])

    assert job.version == "2"
    assert job.orbit_modified == later  # not the newest's own: one router may have read before another


def test_a_merged_job_with_one_job_that_saw_no_time_reads_orbit() -> None:
    assert merged([_job(1, SAVED), _job(2, None)]).orbit_modified is None
    assert merged([_job(1, None), _job(2, SAVED)]).orbit_modified is None


def test_only_jobs_about_one_output_of_one_researcher_merge() -> None:
    assert merge_key(_job(1, SAVED)) == ("p", PID)
    full = SyncJob(kind=JobKind.FULL, person_id="p", reason="nightly", version="2026-11-25")
    assert merge_key(full) is None
