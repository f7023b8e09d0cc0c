"""Fixtures for unit tests: our own Pure JSON fixtures, and ORCID's official XSDs from ../shared."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xmlschema

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = REPO_ROOT / ".." / "shared"
PURE_FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures" / "pure"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The reference-data folder beside the repository; tests that need it skip when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"reference data not found: {SHARED_DIR.resolve()} (the 'shared' folder beside the repo)")
    return SHARED_DIR


def _schema(shared_dir: Path, name: str) -> xmlschema.XMLSchema:
    path = shared_dir / "orcid-model" / "record_3.0" / name
    if not path.is_file():
        pytest.skip(f"ORCID schema not found: {path.resolve()}")
    # Loaded by file path: the XSD imports ../common_3.0/common-3.0.xsd relative to its own location.
    return xmlschema.XMLSchema(str(path.resolve()))


@pytest.fixture(scope="session")
def work_schema(shared_dir: Path) -> xmlschema.XMLSchema:
    """ORCID's official work-3.0.xsd."""
    return _schema(shared_dir, "work-3.0.xsd")


@pytest.fixture(scope="session")
def bulk_schema(shared_dir: Path) -> xmlschema.XMLSchema:
    """ORCID's official bulk-3.0.xsd."""
    return _schema(shared_dir, "bulk-3.0.xsd")


@pytest.fixture
def pure_fixture() -> Callable[[str], dict[str, Any]]:
    """Load one of our Pure JSON fixtures by file name (a fresh copy each call, free to modify)."""

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((PURE_FIXTURES_DIR / name).read_text(encoding="utf-8"))
        return data

    return load
