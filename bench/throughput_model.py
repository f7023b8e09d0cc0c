"""Benchmark 2's shared vocabulary: ORCID's limit, how the workers run, and what one night measured."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ORCID_RATE = 24.0  # requests per second per member client (../shared/docs/orcid-api.md, "Limits")
ORCID_BURST = 40
TODAY = "previous"


@dataclass(frozen=True)
class WorkerConfig:
    """How the sync workers run: environments at once, batch size, pacing each, jobs at once each."""

    label: str
    concurrency: int
    batch_size: int
    rate: float
    burst: int
    jobs_at_once: int
    shared_bucket: bool = False

    @property
    def design_rate(self) -> float:
        return self.rate if self.shared_bucket else self.concurrency * self.rate


@dataclass
class RunResult:
    config: WorkerConfig
    researchers: int
    elapsed: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    orbit_calls: int = 0
    refused: int = 0
    peak: int = 0
    invocations: int = 0
    failed: int = 0
    crashed: int = 0
    dead: int = 0
    pacing_wait: float = 0.0
    cpu: float = 0.0
    verified: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        return sum(self.calls.values())

    @property
    def floor(self) -> float:
        return self.made / ORCID_RATE

    @property
    def rate(self) -> float:
        return self.made / self.elapsed if self.elapsed else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "config": self.config.__dict__,
            "researchers": self.researchers,
            "elapsed_s": round(self.elapsed, 3),
            "orcid_calls": dict(self.calls),
            "orbit_calls": self.orbit_calls,
            "refused_503": self.refused,
            "peak_requests_in_one_second": self.peak,
            "invocations": self.invocations,
            "failed_records": self.failed,
            "crashed_invocations": self.crashed,
            "pacing_wait_s": round(self.pacing_wait, 1),
            "cpu_s_this_process": round(self.cpu, 1),
            "records_verified": self.verified,
            "records_wrong": self.wrong[:20],
        }


@dataclass(frozen=True)
class Latency:
    orcid: float
    pure: float
    jitter: float
