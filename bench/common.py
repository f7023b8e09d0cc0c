"""What every benchmark reports: figures (several runs, each beside its floor) grouped in sections."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


@dataclass(frozen=True)
class Figure:
    """One measured quantity over several runs, beside the best it could be (`floor`), when there is one."""

    key: str
    label: str
    unit: str
    samples: tuple[float, ...]
    floor: float | None = None
    floor_label: str = ""
    # How to read the ratio: "lower" when smaller is better (calls, time).
    note: str = ""

    @property
    def median(self) -> float:
        return float(statistics.median(self.samples))

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0:
            return None
        return self.median / self.floor

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit": self.unit,
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "runs": list(self.samples),
            "floor": self.floor,
            "floor_label": self.floor_label,
            "ratio_to_floor": self.ratio,
            "note": self.note,
        }


@dataclass
class Section:
    """One benchmark: its figures, how it was run (`setup`), what to keep in mind (`notes`), and extras."""

    key: str
    title: str
    setup: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the benchmark's own checks found wrong (an incomplete record, a missing job): the figures of
    # a run that did the wrong thing mean nothing, so `make bench` then exits 1.
    problems: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    runs: int = 0

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "setup": self.setup,
            "figures": {figure.key: figure.as_json() for figure in self.figures},
            "notes": self.notes,
            "problems": self.problems,
            "details": self.details,
            "seconds": round(self.seconds, 1),
            "runs": self.runs,
        }


def machine() -> dict[str, Any]:
    """The machine the figures belong to: CPU model, cores, Python, OS."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 1,
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "os": f"{platform.system()} {platform.release()}",
    }


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def per(total: float, count: int) -> float:
    return total / count if count else 0.0


def samples(values: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(value) for value in values)
