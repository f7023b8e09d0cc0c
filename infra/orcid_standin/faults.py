"""ORCID's rate limit and the switches a test or demo flips to make the member API misbehave.

The rate limit is a token bucket per member client (24 requests/s, burst 40, 503 beyond) on an
injectable clock; `speedup` makes stand-in time run faster so long demos need not wait.
Faults are reproducible: one seeded random generator decides which requests fail or hang.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


class RateLimiter:
    """Non-blocking token buckets keyed by client id: `allow(key)` is False when ORCID would answer 503."""

    def __init__(
        self,
        rate: float = 24.0,
        burst: int = 40,
        *,
        clock: Callable[[], float] = time.monotonic,
        speedup: float = 1.0,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.speedup = speedup
        self.enabled = True
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)

    def allow(self, key: str) -> bool:
        if not self.enabled:
            return True
        with self._lock:
            now = self._clock()
            tokens, updated = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - updated) * self.rate * self.speedup)
            allowed = tokens >= 1.0 - 1e-9  # a client pacing at exactly the rate is within the limit
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            return allowed

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


@dataclass(frozen=True)
class ScriptedFailure:
    status: int
    retry_after: str | None = None


@dataclass
class FaultSwitches:
    """What goes wrong, and how often. All off by default.

    - `error_rate`: share of requests answered with a status drawn from `error_statuses` (503/500);
      503s carry `Retry-After: retry_after` when that is set.
    - `latency`: seconds added to every answer; `latency_jitter`: each answer's latency is drawn
      uniformly from latency × (1 ± jitter) (0.3: ±30 %), as answers over the internet vary.
    - `timeout_rate` / `hold_seconds`: share of requests held that long before being served (longer than
      the client's read timeout, this is a timeout; the request is still applied afterwards, as at ORCID).
    - `fail_next(...)`: the next requests answer these statuses, in order (deterministic tests).
    - `hold_next(count, seconds)`: the next `count` requests are held that long, then served.
    """

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (503, 500)
    retry_after: str | None = None
    latency: float = 0.0
    latency_jitter: float = 0.0
    timeout_rate: float = 0.0
    hold_seconds: float = 0.0
    seed: int | None = 0
    scripted: deque[ScriptedFailure] = field(default_factory=deque)
    holds: deque[float] = field(default_factory=deque)
    rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def fail_next(self, *statuses: int, retry_after: str | None = None) -> None:
        with self._lock:
            self.scripted.extend(ScriptedFailure(status, retry_after) for status in statuses)

    def hold_next(self, count: int, seconds: float) -> None:
        with self._lock:
            self.holds.extend([seconds] * count)

    def next_failure(self) -> ScriptedFailure | None:
        """The failure to answer this request with, if any (scripted first, then random)."""
        with self._lock:
            if self.scripted:
                return self.scripted.popleft()
            if self.error_rate > 0 and self.rng.random() < self.error_rate:
                status = self.rng.choice(self.error_statuses)
                return ScriptedFailure(status, self.retry_after if status == 503 else None)
        return None

    def hold(self) -> float:
        """Seconds to hold this request before serving it (latency plus any simulated hang)."""
        with self._lock:
            latency = jittered(self.latency, self.latency_jitter, self.rng)
            if self.holds:
                return latency + self.holds.popleft()
            timed_out = self.timeout_rate > 0 and self.rng.random() < self.timeout_rate
        return latency + (self.hold_seconds if timed_out else 0.0)


def jittered(latency: float, jitter: float, rng: random.Random) -> float:
    """`latency` varied uniformly by ± `jitter` of itself (0 ≤ jitter ≤ 1)."""
    if latency <= 0 or jitter <= 0:
        return max(0.0, latency)
    return latency * rng.uniform(1.0 - min(jitter, 1.0), 1.0 + min(jitter, 1.0))
