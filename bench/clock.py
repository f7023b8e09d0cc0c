"""A clock that runs `speedup` times faster than the wall clock, for pacing against a sped-up ORCID.

The ORCID stand-in's rate limiter counts `speedup` seconds for each real second; a worker whose token
bucket reads this clock (and sleeps on it) paces against the same accelerated time, so the ratio of
elapsed time to ORCID's floor means the same as at real pace.
"""

from __future__ import annotations

import threading
import time


class ScaledClock:
    def __init__(self, speedup: float = 1.0) -> None:
        if speedup <= 0:
            raise ValueError("speedup must be positive")
        self.speedup = speedup
        self._lock = threading.Lock()
        self.slept = 0.0  # real seconds spent sleeping on this clock

    def now(self) -> float:
        return time.monotonic() * self.speedup

    def sleep(self, seconds: float) -> None:
        real = max(0.0, seconds) / self.speedup
        with self._lock:
            self.slept += real
        time.sleep(real)
