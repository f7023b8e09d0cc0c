"""Fixtures every test layer may use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# `make mutation` runs the property tests once per mutant: fewer examples there keep it affordable
# (HYPOTHESIS_PROFILE=mutation); every other run uses each test's own settings.
settings.register_profile("mutation", max_examples=60)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The reference data folder beside the repository; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip(f"reference data not found at {SHARED} (the shared/ folder beside the repository)")
    return SHARED
