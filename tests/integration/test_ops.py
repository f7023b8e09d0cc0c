"""`orcid-sync ops` against the local stack: each command shows the right answer and does the right thing."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from infra.local.stack import LocalStack
from orcid_sync.cli import main
from tests.integration.sync_fixtures import article, send_raw
from tests.safety.helpers import consent_of, live_tokens, nightly, researcher_with_works, snapshot


@pytest.fixture
def outputs(stack: LocalStack, tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(stack.outputs()), encoding="utf-8")
    return path


def ops(outputs: Path, *args: str) -> int:
    return main(["ops", "--outputs", str(outputs), *args])


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    """What ops printed since the last call, without the functions' JSON log lines."""
    return "".join(
        line + "\n" for line in capsys.readouterr().out.splitlines() if not line.startswith('{"level"')
    )


def test_status_by_person_and_by_orcid_id_shows_the_consent_counts_and_trail(
    stack: LocalStack, outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ida = researcher_with_works(stack, 3)

    assert ops(outputs, "status", ida.person) == 0
    by_person = printed(capsys)
    assert ops(outputs, "status", f"https://orcid.org/{ida.orcid}") == 0
    by_orcid = printed(capsys)

    assert by_person == by_orcid
    assert f"ORCID {ida.orcid} · active" in by_person and "on ORCID 3" in by_person
    assert "links: synced 3" in by_person and " connected " in by_person
    assert ops(outputs, "status", ida.person, "--json") == 0
    data = json.loads(printed(capsys))
    assert data["sync"]["on_orcid"] == 3 and data["connected"] is True and "access_token" not in data


def test_status_of_someone_unknown_says_so(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ops(outputs, "status", "0000-0002-1825-0097") == 4
    assert "no consent names ORCID iD 0000-0002-1825-0097" in capsys.readouterr().err


def test_problems_lists_a_revoked_researcher_and_filters_by_kind(
    stack: LocalStack, outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ida = researcher_with_works(stack, 1)
    stack.orcid.state.revoke_by_user(ida.orcid, "APP-LOCALSTACK000001")
    nightly(stack, ida.person)

    assert ops(outputs, "problems", "--kind", "revoked", "--json") == 0
    found = json.loads(printed(capsys))

    mine = [p for p in found if p["person_id"] == ida.person]
    assert mine == [
        {
            "person_id": ida.person,
            "orcid": ida.orcid,
            "status": "revoked",
            "kind": "revoked",
            "detail": "the researcher removed DTU Orbit on orcid.org; they must connect again",
        }
    ]
    assert all(p["kind"] == "revoked" for p in found)
    assert ops(outputs, "problems") == 0
    assert ida.person in printed(capsys)


def test_resync_of_one_researcher_and_of_everyone_queues_full_syncs(
    stack: LocalStack, outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ida = researcher_with_works(stack, 2)
    stack.orcid.api.delete_as_researcher(ida.orcid, next(iter(snapshot(stack, ida.orcid))))
    stack.drain()

    assert ops(outputs, "resync", ida.person, "--restore") == 0
    stack.drain()
    assert len(snapshot(stack, ida.orcid)) == 2  # the restore brought the removed work back
    assert ops(outputs, "resync", "--all") == 0
    assert "queued a full sync for" in printed(capsys)
    report = stack.drain()
    assert report.messages >= 1


@pytest.mark.redeliveries_expected
def test_a_redrive_empties_the_dead_letter_queue_and_the_job_then_succeeds(
    stack: LocalStack, outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ida = researcher_with_works(stack, 1)
    stack.orbit.put_output(article(ida.connected.researcher, title="Waits for Orbit"))
    stack.orbit.failing_status = 503
    nightly(stack, ida.person)  # tried until the sync-jobs queue gives up: dead-lettered
    stack.orbit.failing_status = None
    assert ops(outputs, "dlq", "list", "sync-jobs") == 0
    listed = printed(capsys)
    assert "1 message(s) in the sync-jobs dead-letter queue" in listed

    assert ops(outputs, "dlq", "redrive", "sync-jobs", "--all") == 0
    stack.drain()

    assert len(snapshot(stack, ida.orcid)) == 2
    assert ops(outputs, "dlq", "list", "sync-jobs") == 0
    assert "0 message(s)" in printed(capsys)


def test_dlq_list_and_show_give_each_message_with_its_reason(
    stack: LocalStack, outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    send_raw(stack, "this is not JSON")
    stack.drain()

    assert ops(outputs, "dlq", "list", "orbit-events", "--json") == 0
    letters = json.loads(printed(capsys))
    mine = [m for m in letters if m["body"] == "this is not JSON"]
    assert mine and mine[0]["reason"] == "the message body is not JSON"
    assert ops(outputs, "dlq", "show", "orbit-events", mine[0]["message_id"]) == 0
    assert "the message body is not JSON" in printed(capsys)
    assert ops(outputs, "dlq", "redrive", "orbit-events", mine[0]["message_id"]) == 0
    stack.drain()  # malformed again: back in the DLQ, with its reason, not lost


def test_erase_revokes_deletes_our_works_and_leaves_no_personal_data(
    stack: LocalStack, outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ida = researcher_with_works(stack, 3)
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.name
    researcher = ida.connected.researcher

    assert ops(outputs, "erase", ida.person, "--by", "Orbit team (ticket 4711)", "--delete-works") == 0

    said = printed(capsys)
    assert "token revoked True" in said and "works deleted 3" in said
    assert snapshot(stack, ida.orcid) == {}
    assert live_tokens(stack, ida.orcid) == set()
    dynamodb = boto3.client("dynamodb")
    personal = {ida.person, ida.orcid, consent.name, researcher.family_names, researcher.email or "?"}
    tombstones = []
    for name, table in stack.resources.refs.items():
        if not name.endswith("Table"):
            continue
        for item in dynamodb.scan(TableName=table)["Items"]:
            text = json.dumps(item, default=str)
            assert not any(value in text for value in personal), f"{name} still holds {text[:200]}"
            if "erased_by" in item:
                tombstones.append(item)
    assert any(t["erased_by"]["S"] == "Orbit team (ticket 4711)" for t in tombstones)
    assert ops(outputs, "status", ida.person) == 4


def test_every_ops_command_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("status", "problems", "resync", "plan", "dlq", "erase"):
        with pytest.raises(SystemExit) as exit_:
            main(["ops", command, "--help"])
        assert exit_.value.code == 0
        assert "Example:\n  orcid-sync ops --stack" in printed(capsys)
