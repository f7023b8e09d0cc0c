"""Quiet nights: outputs Orbit has not changed since their push are not rebuilt or hashed again.

Counted: the works built (the mapping, and the content hash that follows each build). A night still
reads the record, so a work the researcher deleted is still noticed; a changed output is still pushed;
a mapping change, a resync, and each output's turn once a week rebuild regardless. No time is asserted.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from infra.local.stack import LocalStack
from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job, resync_job
from orcid_sync.store.work_links import LinkState, WorkLinkStore
from orcid_sync.sync import desired, freshness
from tests.integration.sync_fixtures import Connected, article, connect, new_researcher, sources_on_orcid

OUTPUTS = 8


@pytest.fixture
def ida(stack: LocalStack) -> Connected:
    connected = connect(stack, new_researcher(stack, "Ida", "Nat"))
    stack.drain()
    return connected


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The output of every work the worker builds (each build is then hashed)."""
    built: list[str] = []
    real = desired.work_from_publication

    def counting(publication, **kwargs):  # type: ignore[no-untyped-def]
        built.append(publication.uuid.lower())
        return real(publication, **kwargs)

    monkeypatch.setattr(desired, "work_from_publication", counting)
    return built


def _night(stack: LocalStack, who: Connected, day: str) -> Counter[str]:
    before = Counter(stack.orcid.api.calls)
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(nightly_job(who.researcher.uuid, day))
    stack.drain()
    return Counter(stack.orcid.api.calls) - before


def _synced(stack: LocalStack, who: Connected) -> list[str]:
    uuids = [
        stack.orbit.put_output(article(who.researcher, title=f"Paper {n}")).uuid.lower()
        for n in range(OUTPUTS)
    ]
    _night(stack, who, "2026-11-24")
    assert set(sources_on_orcid(stack, who.orcid)) == set(uuids)
    return uuids


def _due_tonight(uuids: list[str]) -> set[str]:
    """The outputs rebuilt tonight whatever their stamp (each output's turn comes once a week)."""
    return {uuid for uuid in uuids if freshness.due_for_rebuild(uuid, datetime.now(UTC).date())}


def test_a_quiet_night_rebuilds_only_the_outputs_whose_weekly_turn_it_is(
    stack: LocalStack, ida: Connected, builds: list[str]
) -> None:
    uuids = _synced(stack, ida)
    builds.clear()

    calls = _night(stack, ida, "2026-11-25")

    assert calls == Counter({"GET /activities": 1})
    assert set(builds) == _due_tonight(uuids)
    assert len(builds) < OUTPUTS


def test_a_changed_output_is_rebuilt_and_pushed_on_a_quiet_night(
    stack: LocalStack, ida: Connected, builds: list[str]
) -> None:
    uuids = _synced(stack, ida)
    changed = uuids[0]
    stack.orbit.change_output(changed, title_en="Paper 0, corrected")
    builds.clear()

    calls = _night(stack, ida, "2026-11-25")

    assert calls == Counter({"GET /activities": 1, "PUT /work/{put-code}": 1})
    assert set(builds) == {changed} | _due_tonight(uuids)


def test_a_work_the_researcher_deleted_is_still_noticed_and_not_pushed_again(
    stack: LocalStack, ida: Connected, builds: list[str]
) -> None:
    uuids = _synced(stack, ida)
    links = WorkLinkStore(stack.resources.refs["WorkLinksTable"])
    gone = links.get(ida.researcher.uuid, uuids[1])
    assert gone is not None and gone.put_code is not None
    stack.orcid.api.delete_as_researcher(ida.orcid, gone.put_code)
    builds.clear()

    calls = _night(stack, ida, "2026-11-25")

    assert calls == Counter({"GET /activities": 1})
    assert uuids[1] not in sources_on_orcid(stack, ida.orcid)
    removed = links.get(ida.researcher.uuid, uuids[1])
    assert removed is not None and removed.state is LinkState.REMOVED_BY_RESEARCHER


def test_a_change_of_our_mapping_rebuilds_every_output_once(
    stack: LocalStack, ida: Connected, builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    uuids = _synced(stack, ida)
    monkeypatch.setattr(freshness, "MAPPING_VERSION", "mapping-changed")
    builds.clear()

    first = _night(stack, ida, "2026-11-25")
    rebuilt = sorted(builds)
    builds.clear()
    _night(stack, ida, "2026-11-26")

    assert first == Counter({"GET /activities": 1})  # the same works: nothing to send
    assert rebuilt == sorted(uuids)
    assert set(builds) <= _due_tonight(uuids)  # the links now carry the new mapping


def test_a_resync_rebuilds_every_output(stack: LocalStack, ida: Connected, builds: list[str]) -> None:
    uuids = _synced(stack, ida)
    builds.clear()

    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(
        resync_job(ida.researcher.uuid, datetime.now(UTC), restore=False)
    )
    stack.drain()

    assert sorted(builds) == sorted(uuids)
