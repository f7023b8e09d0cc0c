"""Pacing and retrying for calls to ORCID: a token bucket and a bounded, jittered backoff policy.

ORCID allows a member client 24 requests per second with a burst of 40 and answers 503 beyond that,
so each worker paces itself instead of finding the limit by failing. Clock, sleep and randomness are
injected so tests can check both without waiting.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """A thread-safe token bucket: `rate` tokens per second, at most `burst` saved up.

    `acquire` reserves a token and sleeps until it is due, outside the lock, so concurrent callers are
    served in arrival order at the configured rate without holding each other up while they wait.
    """

    def __init__(
        self,
        rate: float = 24.0,
        burst: int = 40,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._updated = now

    def reserve(self) -> float:
        """Take a token now and return how many seconds the caller must wait before using it."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self) -> float:
        """Block until a request may be sent; returns the seconds waited (0 within the burst)."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried: bounded in attempts and in total time.

    The delay before retry n (1-based) is drawn from [b/2, b] with b = min(max_delay, base_delay * 2**(n-1))
    ("equal jitter": never zero, never synchronized). A Retry-After from ORCID replaces it when longer.
    When the next wait would pass `max_elapsed` since the first attempt, the failure is raised instead,
    so a job that runs out of time goes back to its queue rather than sleeping past its deadline.
    """

    max_attempts: int = 4
    max_elapsed: float = 20.0
    base_delay: float = 0.5
    max_delay: float = 8.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.max_elapsed < 0 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("retry limits must be positive")

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry `retry_number` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
        backoff = self.rng.uniform(ceiling / 2, ceiling)
        return max(backoff, retry_after) if retry_after is not None else backoff

    def allows(self, attempts_made: int, elapsed: float, next_delay: float) -> bool:
        """True when another attempt fits in both the attempt and the time budget."""
        return attempts_made < self.max_attempts and elapsed + next_delay <= self.max_elapsed


NO_RETRIES = RetryPolicy(max_attempts=1)
