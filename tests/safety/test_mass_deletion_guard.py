"""A full sync that would delete many works deletes none, until an operator confirms that researcher's run."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from infra.local.stack import LocalStack
from orcid_sync.cli import main
from tests.safety.helpers import (
    WithWorks,
    assert_first_attempts,
    consent_of,
    nightly,
    researcher_with_works,
    snapshot,
)


def withdraw(stack: LocalStack, who: WithWorks, count: int) -> None:
    for output in who.outputs[:count]:
        stack.orbit.change_output(output.uuid, visibility="BACKEND")


def operator_resync(stack: LocalStack, person: str, *flags: str) -> int:
    outputs = Path(tempfile.mkdtemp()) / "outputs.json"
    outputs.write_text(json.dumps(stack.outputs()), encoding="utf-8")
    return main(["ops", "--outputs", str(outputs), "resync", person, *flags])


def test_a_run_deleting_more_than_the_guard_allows_deletes_nothing_and_says_so(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 12)
    before = snapshot(stack, ida.orcid)
    withdraw(stack, ida, 11)  # 11 > 10 works and 11 > 25 % of 12

    assert_first_attempts(nightly(stack, ida.person))

    assert snapshot(stack, ida.orcid) == before
    status = ida.connected.browser.status_json()
    assert status["symbol"] == "needs_attention"
    assert status["sync"]["run_problem"] == "mass_deletion_held"  # type: ignore[index]
    assert status["sync"]["held_deletions"] == 11  # type: ignore[index]
    # It stays until a run shows it is gone: the next night holds it back again.
    assert_first_attempts(nightly(stack, ida.person, night="2026-12-01"))
    assert snapshot(stack, ida.orcid) == before


def test_an_operator_can_let_one_run_go_past_the_guard(stack: LocalStack, capsys: object) -> None:
    ida = researcher_with_works(stack, 12)
    withdraw(stack, ida, 11)
    assert_first_attempts(nightly(stack, ida.person))

    assert operator_resync(stack, ida.person, "--allow-mass-delete") == 0
    assert_first_attempts(stack.drain())

    left = {source for _, source, _ in snapshot(stack, ida.orcid).values()}
    assert left == {ida.outputs[11].uuid}
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.sync is not None and consent.sync.run_problem is None
    assert consent.history[-1].event == "resync_requested_by_operator_allowing_mass_delete"
    # The override was for that one run: the guard holds again afterwards.
    stack.orbit.change_output(ida.outputs[11].uuid, title_en="Still wanted")
    assert_first_attempts(nightly(stack, ida.person, night="2026-12-02"))
    assert len(snapshot(stack, ida.orcid)) == 1


def test_a_run_deleting_within_the_guard_goes_ahead(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 12)
    withdraw(stack, ida, 10)  # 10 is not more than 10

    assert_first_attempts(nightly(stack, ida.person))

    assert len(snapshot(stack, ida.orcid)) == 2
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.sync is not None and consent.sync.run_problem is None


def test_the_operator_command_refuses_a_researcher_without_a_consent(stack: LocalStack) -> None:
    assert operator_resync(stack, "7f0c9a55-0000-4000-8000-000000000000") == 4
