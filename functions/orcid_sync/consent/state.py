"""One-time OAuth state: 256 random bits handed to ORCID, remembered only as a hash, bound to a browser."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum


class StateProblem(StrEnum):
    MISSING = "missing"
    UNKNOWN = "unknown"  # never issued by us (forged), or swept by the TTL
    EXPIRED = "expired"
    REPLAYED = "replayed"
    OTHER_BROWSER = "other_browser"


class StateRejected(Exception):
    """The callback's state cannot be trusted; nothing is stored."""

    def __init__(self, problem: StateProblem) -> None:
        self.problem = problem
        super().__init__(f"OAuth state rejected: {problem.value}")


def new_secret() -> str:
    """256 bits from the OS CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(secret: str | None, expected_hash: str) -> bool:
    return secret is not None and hmac.compare_digest(digest(secret), expected_hash)
