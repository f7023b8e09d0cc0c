"""Taking over from Pure's own ORCID export: adopt what it made, never duplicate or delete it."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass

import boto3
import pytest

from infra.local.browser import Browser
from infra.local.stack import LOCAL_CLIENT_ID, LocalStack
from infra.orbit_standin.outputs import ResearchOutput, isbn13
from infra.orbit_standin.people import Researcher
from infra.orcid_standin.work_input import ExternalId, WorkDocument
from orcid_sync.cli import main
from orcid_sync.domain.identifiers import external_id_key
from tests.integration.sync_fixtures import article
from tests.safety.helpers import assert_first_attempts, consent_of, new_person, nightly, snapshot

CO_AUTHOR = "0000-0002-1825-0097"  # another author's record, as Pure records theirs too


def legacy(stack: LocalStack, orcid: str, title: str, *ids: tuple[str, str]) -> int:
    """A work Pure's own export made with DTU's client: our source, no source-work-id."""
    document = WorkDocument(
        title=title,
        type="journal-article",
        external_ids=tuple(ExternalId(t, v, None, "self") for t, v in ids),
    )
    return stack.orcid.api.add_work_as(orcid, LOCAL_CLIENT_ID, document).put_code


def book(author: Researcher, isbn: str) -> ResearchOutput:
    return ResearchOutput(
        uuid=str(uuid.uuid4()),
        group="bookanthology",
        subtype="book",
        title_en="A book",
        year=2023,
        authors=article(author).authors,
        isbns=(isbn,),
    )


@dataclass
class SwitchedOver:
    person: Researcher
    orcid: str
    browser: Browser
    legacy: dict[str, list[int]]  # kind of legacy work → put-codes
    outputs: dict[str, list[str]]  # kind of output → uuids


def switched_over(stack: LocalStack) -> SwitchedOver:
    """A researcher whose record holds 40 works of Pure's export, with 46 outputs in Orbit; not yet synced."""
    rng = random.Random(7)
    person = new_person(stack, "Freja")
    orcid = stack.orcid.state.add_record("Freja", "Legacy", "freja@dtu.dk").orcid
    kinds_legacy: dict[str, list[int]] = {k: [] for k in ("recorded", "by-id", "ambiguous", "unmatched")}
    kinds_output: dict[str, list[str]] = {k: [] for k in ("recorded", "by-id", "ambiguous", "new")}
    for n in range(25):  # Pure recorded the put-code, on her record and a co-author's
        doi = f"10.5555/recorded.{n}"
        put_code = legacy(stack, orcid, f"Recorded {n}", ("doi", doi))
        kinds_legacy["recorded"].append(put_code)
        output = article(
            person, title=f"Recorded {n}", doi=doi, orcid_put_codes=((CO_AUTHOR, 900 + n), (orcid, put_code))
        )
        kinds_output["recorded"].append(stack.orbit.put_output(output).uuid)
    for n in range(10):  # matched only by an identifier: 6 DOIs, 2 ISBNs of books, 2 PubMed ids
        if n < 6:
            doi = f"10.5555/by-id.{n}"
            kinds_legacy["by-id"].append(
                legacy(stack, orcid, f"By DOI {n}", ("doi", f"https://doi.org/{doi.upper()}"))
            )
            output = article(person, title=f"By DOI {n}", doi=doi)
        elif n < 8:
            isbn = isbn13(rng)
            kinds_legacy["by-id"].append(legacy(stack, orcid, f"Book {n}", ("isbn", isbn.replace("-", ""))))
            output = book(person, isbn)
        else:
            pmid = str(3_100_000 + n)
            kinds_legacy["by-id"].append(legacy(stack, orcid, f"By PMID {n}", ("pmid", f"PMID:{pmid}")))
            output = article(person, title=f"By PMID {n}", pmid=pmid)
        kinds_output["by-id"].append(stack.orbit.put_output(output).uuid)
    # One output matching two legacy works (its DOI one, its PubMed id the other): ambiguous.
    kinds_legacy["ambiguous"] += [
        legacy(stack, orcid, "Twin A", ("doi", "10.5555/twin")),
        legacy(stack, orcid, "Twin B", ("pmid", "3200001")),
    ]
    twin = article(person, title="Twin", doi="10.5555/twin", pmid="3200001")
    kinds_output["ambiguous"].append(stack.orbit.put_output(twin).uuid)
    for n in range(3):  # matching no output at all
        kinds_legacy["unmatched"].append(
            legacy(stack, orcid, f"Unmatched {n}", ("doi", f"10.5555/other.{n}"))
        )
    for n in range(10):  # new in Orbit; one carries a put-code Pure recorded on a co-author's record only
        extra = {"orcid_put_codes": ((CO_AUTHOR, kinds_legacy["unmatched"][0]),)} if n == 0 else {}
        output = article(person, title=f"New {n}", **extra)  # type: ignore[arg-type]
        kinds_output["new"].append(stack.orbit.put_output(output).uuid)
    browser = Browser(stack).sign_in(person.uuid)
    assert browser.open(browser.decide_on_orcid(browser.connect(), orcid)).status_code == 200
    return SwitchedOver(person, orcid, browser, kinds_legacy, kinds_output)


def our_identifiers(stack: LocalStack, orcid: str) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for work in stack.orcid.api.works_of(orcid):
        if work.source_client_id == LOCAL_CLIENT_ID:
            for external_id in work.document.external_ids:
                key = external_id_key(external_id.type, external_id.value)
                if external_id.relationship == "self" and key:
                    counts[key] += 1
    return counts


def test_a_researcher_switched_over_keeps_every_legacy_work_adopted_or_left_alone(stack: LocalStack) -> None:
    freja = switched_over(stack)
    before = Counter(stack.orcid.api.calls)

    assert_first_attempts(stack.drain())

    calls = Counter(stack.orcid.api.calls) - before
    # The first sync also writes her DTU employment and the Orbit profile link (one POST each).
    assert calls == Counter(
        {
            "GET /activities": 1,
            "PUT /work/{put-code}": 35,
            "POST /works": 1,
            "POST /employment": 1,
            "POST /researcher-urls": 1,
        }
    )
    after = snapshot(stack, freja.orcid)
    all_legacy = [pc for codes in freja.legacy.values() for pc in codes]
    assert set(all_legacy) <= set(after), "no legacy work deleted"
    adopted = freja.legacy["recorded"] + freja.legacy["by-id"]
    sources = {pc: source for pc, (_, source, _) in after.items()}
    assert {sources[pc] for pc in freja.legacy["recorded"]} == set(freja.outputs["recorded"])
    assert {sources[pc] for pc in freja.legacy["by-id"]} == set(freja.outputs["by-id"])
    left_alone = freja.legacy["ambiguous"] + freja.legacy["unmatched"]
    assert all(sources[pc] is None for pc in left_alone)
    created = {source for pc, source in sources.items() if pc not in all_legacy}
    assert created == set(freja.outputs["new"])
    assert len(after) == 40 + 10
    assert [key for key, n in our_identifiers(stack, freja.orcid).items() if n > 1] == []
    consent = consent_of(stack, freja.person.uuid)
    assert consent is not None and consent.sync is not None
    assert consent.sync.left_alone == 5 and consent.sync.on_orcid == 45
    assert "several works from Orbit's earlier export" in consent.sync.problems[freja.outputs["ambiguous"][0]]
    assert len(adopted) == 35

    quiet = Counter(stack.orcid.api.calls)
    assert_first_attempts(nightly(stack, freja.person.uuid))
    assert Counter(stack.orcid.api.calls) - quiet == Counter({"GET /activities": 1})
    assert snapshot(stack, freja.orcid) == after


def test_a_put_code_pure_recorded_that_the_researcher_deleted_is_not_created_again(stack: LocalStack) -> None:
    person = new_person(stack, "Bo")
    orcid = stack.orcid.state.add_record("Bo", "Deleted", "bo@dtu.dk").orcid
    gone = legacy(stack, orcid, "Deleted by Bo", ("doi", "10.5555/gone"))
    stack.orcid.api.delete_as_researcher(orcid, gone)
    output = stack.orbit.put_output(article(person, doi="10.5555/gone", orcid_put_codes=((orcid, gone),)))
    browser = Browser(stack).sign_in(person.uuid)

    assert browser.open(browser.decide_on_orcid(browser.connect(), orcid)).status_code == 200
    assert_first_attempts(stack.drain())
    assert_first_attempts(nightly(stack, person.uuid))

    assert snapshot(stack, orcid) == {}
    links = boto3.client("dynamodb").get_item(
        TableName=stack.resources.refs["WorkLinksTable"],
        Key={"person_id": {"S": person.uuid}, "publication_id": {"S": output.uuid}},
    )
    assert links["Item"]["state"]["S"] == "removed_by_researcher"


def test_an_event_for_an_output_pure_exported_adopts_its_work(stack: LocalStack) -> None:
    person = new_person(stack, "Ea")
    orcid = stack.orcid.state.add_record("Ea", "Event", "ea@dtu.dk").orcid
    browser = Browser(stack).sign_in(person.uuid)
    assert browser.open(browser.decide_on_orcid(browser.connect(), orcid)).status_code == 200
    assert_first_attempts(stack.drain())
    recorded = legacy(stack, orcid, "Old", ("doi", "10.5555/event"))
    by_doi = legacy(stack, orcid, "Old too", ("doi", "10.5555/event-doi"))
    from tests.integration.sync_fixtures import send_event

    first = stack.orbit.put_output(article(person, doi="10.5555/event", orcid_put_codes=((orcid, recorded),)))
    second = stack.orbit.put_output(article(person, doi="10.5555/event-doi"))
    send_event(stack, "created", first.uuid, 1)
    send_event(stack, "created", second.uuid, 1)
    assert_first_attempts(stack.drain())

    sources = {pc: source for pc, (_, source, _) in snapshot(stack, orcid).items()}
    assert sources == {recorded: first.uuid, by_doi: second.uuid}


def test_the_dry_run_shows_the_plan_before_the_first_sync_and_changes_nothing(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    freja = switched_over(stack)
    record, consent = snapshot(stack, freja.orcid), consent_of(stack, freja.person.uuid)
    before = Counter(stack.orcid.api.calls)

    assert main(["plan", freja.person.uuid]) == 0

    printed = capsys.readouterr().out
    assert Counter(stack.orcid.api.calls) - before == Counter({"GET /activities": 1})
    assert snapshot(stack, freja.orcid) == record and consent_of(stack, freja.person.uuid) == consent
    links = boto3.client("dynamodb").query(
        TableName=stack.resources.refs["WorkLinksTable"],
        KeyConditionExpression="person_id = :p",
        ExpressionAttributeValues={":p": {"S": freja.person.uuid}},
    )
    assert links["Count"] == 0
    assert printed.count("  adopt ") == 35 and printed.count("  create ") == 10
    assert printed.count("  delete ") == 0 and printed.count("  leave ") == 4  # 3 unmatched + 1 twin line
    assert "Totals: create 10, adopt 35, leave 5" in printed
    assert "made by Pure's export (put-code recorded in Orbit)" in printed
    assert_first_attempts(stack.drain())  # the first sync then does exactly that
    assert len(snapshot(stack, freja.orcid)) == 50
