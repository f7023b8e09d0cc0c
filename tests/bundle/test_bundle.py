"""The Lambda bundle build (functions/build_bundle.py, what `sam build` runs through functions/Makefile).

Built here from this .venv's installed packages (no network), for this interpreter: the same steps
as the real build after pip. No time is measured or asserted (bench/RESULTS.md, section 4, has that).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.local.template import load_template

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "functions" / "build_bundle.py"
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
HANDLERS = ("http", "sync_worker", "event_router", "nightly")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run(
        [
            sys.executable,
            str(BUILD),
            "--out",
            str(out),
            "--python-version",
            VERSION,
            "--deps-from-site-packages",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def _unchecked_hash_pyc(source: Path) -> bool:
    """True when the .pyc for `source` exists and is hash-based and unchecked (PEP 552 flags = 0b01)."""
    cached = Path(importlib.util.cache_from_source(str(source)))
    return cached.is_file() and int.from_bytes(cached.read_bytes()[4:8], "little") == 0b01


def test_every_module_in_the_bundle_is_compiled_with_an_unchecked_hash(bundle: Path) -> None:
    sources = list(bundle.rglob("*.py"))

    assert len(sources) > 500  # our code and the dependencies
    assert [str(p.relative_to(bundle)) for p in sources if not _unchecked_hash_pyc(p)] == []


def test_the_bundle_holds_our_code_and_the_dependencies_but_not_the_dev_tools(bundle: Path) -> None:
    top = {p.name for p in bundle.iterdir()}

    assert {"orcid_sync", "boto3", "botocore", "aws_lambda_powertools", "pydantic", "requests"} <= top
    assert not top & {"moto", "pytest", "samcli", "infra", "bench", "tests", "bin"}


def test_botocore_keeps_only_the_services_that_are_called(bundle: Path) -> None:
    kept = {p.name for p in (bundle / "botocore" / "data").iterdir() if p.is_dir()}

    assert kept == {"dynamodb", "sqs", "kms", "secretsmanager", "ssm", "sts", "sso", "sso-oidc"}


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_handler_imports_from_the_bundle_alone_without_compiling_anything(
    bundle: Path, handler: str
) -> None:
    # Only the bundle and the standard library (-I -S), nothing written (-B), and every module of the
    # bundle that was imported must have come from its .pyc (a module compiled on import has none).
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import importlib, os\n"
        f"importlib.import_module('orcid_sync.handlers.{handler}')\n"
        "from_bundle = [m for m in list(sys.modules.values()) if (getattr(m, '__file__', '') or '')"
        ".startswith(sys.argv[1]) and m.__file__.endswith('.py')]\n"
        "assert from_bundle, 'nothing came from the bundle'\n"
        "missing = [m.__name__ for m in from_bundle if not os.path.exists(m.__cached__ or '')]\n"
        "assert not missing, missing\n"
        "print(len(from_bundle))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", code, str(bundle)],
        env=env,
        cwd=bundle,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.strip()) > 100


def test_the_build_refuses_to_compile_for_another_python(tmp_path: Path) -> None:
    other = "3.13" if VERSION != "3.13" else "3.12"
    done = subprocess.run(
        [sys.executable, str(BUILD), "--out", str(tmp_path), "--python-version", other],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert f"the bundle is for Python {other}" in done.stderr
    assert not any(tmp_path.iterdir())  # refused before installing anything


def test_every_function_in_the_template_is_built_by_the_bundle_makefile() -> None:
    functions = {
        name: resource
        for name, resource in load_template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    makefile = (REPO / "functions" / "Makefile").read_text(encoding="utf-8")

    assert functions
    assert {name: r.get("Metadata", {}).get("BuildMethod") for name, r in functions.items()} == {
        name: "makefile" for name in functions
    }
    assert "build-%:" in makefile  # one rule for every function, so a new one needs only its Metadata
