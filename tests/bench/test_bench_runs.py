"""`make bench` keeps working as the code changes: every benchmark runs once, tiny, and writes both files.

No figure is asserted (the numbers belong to bench/RESULTS.md, never to a test); only that each
benchmark finishes, passes its own checks (records correct, one job per consent), and is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import fanout, run
from bench.common import REPO_ROOT, Section


def test_every_benchmark_runs_at_a_tiny_size_and_writes_json_and_markdown(tmp_path: Path) -> None:
    arguments = ["--runs", "1", "--researchers", "4", "--outputs", "3", "--previous-researchers", "2"]
    arguments += ["--consents", "300", "--bundle-deps", "site-packages", "--page-outputs", "20"]
    arguments += ["--feed-edits", "2", "--feed-interval", "1", "--out", str(tmp_path)]

    # As `make bench` runs it: a process of its own, so its quiet logging and stacks leave this one alone.
    finished = subprocess.run(
        [sys.executable, "-m", "bench.run", *arguments], cwd=REPO_ROOT, capture_output=True, text=True
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr

    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert list(results["sections"]) == list(run.ORDER)
    assert {name: section["problems"] for name, section in results["sections"].items()} == {
        name: [] for name in run.ORDER
    }
    markdown = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert [line[:5] for line in markdown.splitlines() if line.startswith("## ") and line[3].isdigit()] == [
        "## 1.",
        "## 2.",
        "## 3.",
        "## 4.",
        "## 5.",
        "## 6.",
        "## 7.",
        "## 8.",
    ]


def test_a_benchmark_whose_own_check_fails_makes_the_run_fail_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(runs: int, active: int) -> Section:
        return Section(
            "fan_out", "5. Nightly fan-out", "setup", problems=["not exactly one job per active consent"]
        )

    monkeypatch.setattr(fanout, "run", wrong)
    monkeypatch.setattr(
        run, "_quiet", lambda: None
    )  # leave this process's logging as the other tests want it

    assert run.main(["--only", "fan_out", "--out", str(tmp_path)]) == 1
    assert "**Check failed:** not exactly one job per active consent" in (tmp_path / "RESULTS.md").read_text(
        encoding="utf-8"
    )
