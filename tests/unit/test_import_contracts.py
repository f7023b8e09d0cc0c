"""The layers hold: the planner is pure, and the import contracts catch an adapter that reaches up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_importing_the_planner_loads_no_boto3() -> None:
    probe = (
        "import sys, orcid_sync.sync.planner; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'boto3', 'botocore', 'requests'}))"
    )

    answer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert answer.stdout.strip() == "[]"


def lint_imports(functions_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(functions_dir)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed in this environment")
def test_the_contracts_hold_for_the_code_as_it_is(tmp_path: Path) -> None:
    shutil.copytree(REPO / "functions" / "orcid_sync", tmp_path / "orcid_sync")

    assert lint_imports(tmp_path).returncode == 0


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed in this environment")
@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("orcid/client.py", "import orcid_sync.sync.service"),  # an adapter reaching a service
        ("orbit/http.py", "import orcid_sync.orcid.errors"),  # one adapter reaching another
        ("domain/links.py", "import orcid_sync.store.items"),  # the domain reaching an adapter
        ("sync/planner.py", "import boto3"),  # the planner doing I/O
    ],
)
def test_the_contracts_catch_an_import_in_the_wrong_direction(
    tmp_path: Path, module: str, bad_import: str
) -> None:
    shutil.copytree(REPO / "functions" / "orcid_sync", tmp_path / "orcid_sync")
    target = tmp_path / "orcid_sync" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # noqa\n", encoding="utf-8")

    answer = lint_imports(tmp_path)

    assert answer.returncode != 0, answer.stdout
    assert "BROKEN" in answer.stdout
