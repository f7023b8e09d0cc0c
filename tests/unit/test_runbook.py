"""The runbook names real commands: each `orcid-sync …` in docs/operations.md has a working --help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orcid_sync.cli import main

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
COMMAND = re.compile(r"`orcid-sync ((?:ops )?[a-z-]+(?: (?:list|show|redrive))?)\b")


def runbook_commands() -> list[list[str]]:
    found = {match.group(1) for match in COMMAND.finditer(RUNBOOK.read_text(encoding="utf-8"))}
    return [
        command.split()[:2] if command.startswith("ops ") else command.split()[:1]
        for command in sorted(found)
    ]


@pytest.mark.parametrize("command", runbook_commands(), ids=" ".join)
def test_each_command_the_runbook_names_has_a_help(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])

    assert exit_.value.code == 0
    assert "usage: orcid-sync" in capsys.readouterr().out


def test_the_runbook_names_every_ops_command() -> None:
    assert {tuple(c) for c in runbook_commands()} >= {
        ("ops", "status"),
        ("ops", "problems"),
        ("ops", "resync"),
        ("ops", "plan"),
        ("ops", "dlq"),
        ("ops", "erase"),
    }
