"""The safety tests run against the same local stack as the integration tests."""

from tests.integration.conftest import _clean_faults, stack

__all__ = ["_clean_faults", "stack"]
