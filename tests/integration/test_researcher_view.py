"""The researcher's view and choices on the local stack: pause and resume, leaving out an output or a
kind of output, merged and locked records, and counts on the page that always equal the ORCID record."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest

from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import ResearchOutput
from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job
from orcid_sync.store.consents import Consent, ConsentStore
from tests.integration.sync_fixtures import (
    Connected,
    article,
    connect,
    new_researcher,
    send_event,
    sources_on_orcid,
    writes,
)


def _consent(stack: LocalStack, connected: Connected) -> Consent:
    consent = ConsentStore(stack.resources.refs["ConsentsTable"]).get(connected.researcher.uuid)
    assert consent is not None
    return consent


def _nightly(stack: LocalStack, connected: Connected, night: str) -> None:
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(
        nightly_job(connected.researcher.uuid, night)
    )
    stack.drain()


def _on_orcid_on_page(connected: Connected, language: str = "en") -> int:
    """The "On ORCID" count the status page shows (0 when the group is absent)."""
    page = connected.browser.status_html(language).text
    name = "På ORCID" if language.startswith("da") else "On ORCID"
    match = re.search(rf'href="#group-on_orcid">{name}: (\d+)<', page)
    return int(match.group(1)) if match else 0


def _ours(stack: LocalStack, connected: Connected) -> Counter[str]:
    return sources_on_orcid(stack, connected.orcid)


def _news(output: ResearchOutput) -> ResearchOutput:
    """The same output as a newspaper article (ORCID work type newspaper-article)."""
    return replace(output, group="contributiontoperiodical", subtype="newspaper")


def _researcher_with(stack: LocalStack, *outputs: ResearchOutput) -> Connected:
    researcher = outputs[0].authors[0]
    assert researcher.person_uuid is not None
    for output in outputs:
        stack.orbit.put_output(output)
    connected = connect(stack, stack.orbit.researchers[researcher.person_uuid])
    stack.drain()
    return connected


def test_pausing_writes_nothing_and_resuming_brings_everything_in_step(stack: LocalStack) -> None:
    ida = new_researcher(stack, "Ida", "Pause")
    first, second = article(ida, title="First"), article(ida, title="Second")
    connected = _researcher_with(stack, first, second)
    assert set(_ours(stack, connected)) == {first.uuid, second.uuid}

    assert connected.browser.choose("pause").status_code == 303
    before, summary = writes(stack), _consent(stack, connected).sync
    third = stack.orbit.put_output(article(ida, title="Third"))
    send_event(stack, "created", third.uuid)
    stack.orbit.change_output(first.uuid, title_en="First, corrected")
    send_event(stack, "updated", first.uuid)
    stack.drain()
    _nightly(stack, connected, "2026-12-01")

    assert writes(stack) == before  # nothing was written to ORCID while paused ...
    assert _consent(stack, connected).sync == summary  # ... nor to the summary
    page = connected.browser.status_html().text
    assert "You paused the synchronization" in page and "Resume the synchronization" in page

    assert connected.browser.choose("resume").status_code == 303
    stack.drain()
    assert set(_ours(stack, connected)) == {first.uuid, second.uuid, third.uuid}
    assert _on_orcid_on_page(connected) == 3


def test_an_output_left_out_is_deleted_kept_off_and_comes_back_when_taken_back(stack: LocalStack) -> None:
    ida = new_researcher(stack, "Ida", "Leave")
    keep, leave = article(ida, title="Keep me"), article(ida, title="Leave me out")
    connected = _researcher_with(stack, keep, leave)

    connected.browser.choose("exclude", leave.uuid)
    stack.drain()
    assert set(_ours(stack, connected)) == {keep.uuid}
    stack.orbit.change_output(leave.uuid, title_en="Leave me out, corrected")
    send_event(stack, "updated", leave.uuid)
    stack.drain()
    _nightly(stack, connected, "2026-12-02")
    assert set(_ours(stack, connected)) == {keep.uuid}  # neither an event nor the night brings it back
    page = connected.browser.status_html().text
    assert "You left it out: it is not on ORCID" in page
    assert _on_orcid_on_page(connected) == 1

    connected.browser.choose("include", leave.uuid)
    stack.drain()
    assert set(_ours(stack, connected)) == {keep.uuid, leave.uuid}
    assert _on_orcid_on_page(connected) == 2


def test_leaving_out_a_kind_removes_every_output_of_it_without_tripping_the_mass_deletion_guard(
    stack: LocalStack,
) -> None:
    ida = new_researcher(stack, "Ida", "Kinds")
    papers = [article(ida, title=f"Paper {n}") for n in range(2)]
    news = [_news(article(ida, title=f"News {n}")) for n in range(12)]
    connected = _researcher_with(stack, *papers, *news)
    assert len(_ours(stack, connected)) == 14

    connected.browser.choose("exclude_kind", "newspaper-article")
    stack.drain()
    assert set(_ours(stack, connected)) == {p.uuid for p in papers}  # 12 of 14: the researcher's word
    later = stack.orbit.put_output(_news(article(ida, title="News later")))
    send_event(stack, "created", later.uuid)
    stack.drain()
    assert later.uuid not in _ours(stack, connected)
    assert "You left out all Newspaper articles" in connected.browser.status_html().text

    connected.browser.choose("include_kind", "newspaper-article")
    stack.drain()
    assert len(_ours(stack, connected)) == 15


def test_a_merged_record_stops_the_jobs_and_the_page_names_the_new_id(stack: LocalStack) -> None:
    ida = new_researcher(stack, "Ida", "Merged")
    first = article(ida, title="First")
    connected = _researcher_with(stack, first)
    new_record = stack.orcid.state.add_record("Ida", "Merged", None)
    stack.orcid.api.merge_record(connected.orcid, new_record.orcid)

    added = stack.orbit.put_output(article(ida, title="Second"))
    send_event(stack, "created", added.uuid)
    stack.drain()
    consent = _consent(stack, connected)
    assert consent.sync is not None and consent.sync.run_problem == "record_merged"
    assert consent.sync.run_problem_args["orcid"] == new_record.orcid
    assert consent.sync.problems == {}  # not reported as a refusal of the work

    calls = sum(stack.orcid.api.calls.values())
    another = stack.orbit.put_output(article(ida, title="Third"))
    send_event(stack, "created", another.uuid)
    stack.drain()
    _nightly(stack, connected, "2026-12-03")
    assert sum(stack.orcid.api.calls.values()) == calls  # no more calls for the merged record
    english = connected.browser.status_html("en").text
    danish = connected.browser.status_html("da").text
    assert f"ORCID merged this record into {new_record.orcid}" in english
    assert f"Connect again with {new_record.orcid}" in english
    assert f"ORCID har lagt denne profil sammen med {new_record.orcid}" in danish


def test_a_locked_record_takes_no_event_jobs_and_the_nightly_checks_it_again(stack: LocalStack) -> None:
    ida = new_researcher(stack, "Ida", "Locked")
    connected = _researcher_with(stack, article(ida, title="First"))
    stack.orcid.state.records[connected.orcid].locked = True
    added = stack.orbit.put_output(article(ida, title="Second"))
    send_event(stack, "created", added.uuid)
    stack.drain()
    consent = _consent(stack, connected)
    assert consent.sync is not None and consent.sync.run_problem == "record_unavailable"
    assert "ORCID has locked your record" in connected.browser.status_html().text
    assert "ORCID har låst din profil" in connected.browser.status_html("da").text

    calls = sum(stack.orcid.api.calls.values())
    send_event(stack, "updated", added.uuid)
    stack.drain()
    assert sum(stack.orcid.api.calls.values()) == calls  # the event job did not call ORCID

    stack.orcid.state.records[connected.orcid].locked = False
    _nightly(stack, connected, "2026-12-04")
    assert added.uuid in _ours(stack, connected)
    assert _consent(stack, connected).sync.run_problem is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"choice": "dance"}, 400, "a choice this page does not offer"),
        ({"choice": "exclude", "target": "not-a-uuid"}, 400, "named no output of DTU Orbit"),
        ({"choice": "exclude_kind", "target": "poems"}, 400, "no kind of output that ORCID knows"),
        ({"choice": "exclude", "target": "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10", "csrf": ""}, 403, ""),
    ],
    ids=["unknown-choice", "malformed-output", "unknown-kind", "no-form-token"],
)
def test_a_malformed_choice_gets_a_clear_answer_and_changes_nothing(
    stack: LocalStack, fields: dict[str, str], status: int, words: str
) -> None:
    ida = new_researcher(stack, "Ida", "Forms")
    connected = _researcher_with(stack, article(ida, title="First"))
    before = _consent(stack, connected)
    page = connected.browser.status_html().text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]

    answer = connected.browser.session.post(
        f"{stack.base_url}/orcid/choices", data={"csrf": csrf, **fields}, allow_redirects=False
    )

    assert answer.status_code == status
    assert words in answer.text
    assert _consent(stack, connected).choices == before.choices


def test_choices_need_a_connected_record(stack: LocalStack) -> None:
    from infra.local.browser import Browser

    ida = new_researcher(stack, "Ida", "Unconnected")
    browser = Browser(stack).sign_in(ida.uuid)
    page = browser.status_html().text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]

    answer = browser.session.post(
        f"{stack.base_url}/orcid/choices", data={"csrf": csrf, "choice": "pause"}, allow_redirects=False
    )

    assert answer.status_code == 409


def test_the_counts_on_the_page_equal_the_orcid_record_after_every_kind_of_job(stack: LocalStack) -> None:
    ida = new_researcher(stack, "Ida", "Counts")
    outputs = [article(ida, title=f"Work {n}") for n in range(4)]
    connected = _researcher_with(stack, *outputs)

    def same() -> int:
        on_record = sum(_ours(stack, connected).values())
        status = connected.browser.status_json()
        assert status["sync"]["on_orcid"] == on_record  # type: ignore[index]
        assert _on_orcid_on_page(connected, "en") == on_record
        assert _on_orcid_on_page(connected, "da-DK") == on_record
        return on_record

    assert same() == 4  # after the first full sync
    added = stack.orbit.put_output(article(ida, title="Added"))
    send_event(stack, "created", added.uuid)
    stack.drain()
    assert same() == 5  # after an event that adds
    stack.orbit.change_output(outputs[0].uuid, confidential=True)
    send_event(stack, "updated", outputs[0].uuid)
    stack.drain()
    assert same() == 4  # after an event that withdraws
    put_code = next(w.put_code for w in stack.orcid.api.works_of(connected.orcid))
    stack.orcid.api.delete_as_researcher(connected.orcid, put_code)
    _nightly(stack, connected, "2026-12-05")
    assert same() == 3  # after a full sync that finds a work removed by the researcher
    assert "You removed it on ORCID" in connected.browser.status_html().text
    connected.browser.press("/orcid/resync?restore=1")
    stack.drain()
    assert same() == 4  # after a restore
    connected.browser.choose("exclude", outputs[1].uuid)
    stack.drain()
    assert same() == 3  # after leaving one out
    connected.browser.choose("include", outputs[1].uuid)
    stack.drain()
    assert same() == 4  # after taking it back
