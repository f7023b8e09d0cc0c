"""`make bench`: run every benchmark, write bench/results.json and bench/RESULTS.md.

    python -m bench.run                       # everything (about 10 minutes on 2 cores)
    python -m bench.run --only calls,fan_out  # some of them; the others keep their last results
    python -m bench.run --runs 5 --researchers 100

Benchmarks: calls (ORCID calls per researcher), throughput (a nightly run of 1,000 researchers
against ORCID's limit, with latency), overhead (our CPU time per work and per event), cold_start
(handlers from the built bundle), fan_out (the nightly fan-out to 50,000 consents), status_page (a
researcher with 2,000 outputs), feed_latency (an Orbit edit → on ORCID through the change feed, at the
default poll interval), storm (50 saves of one output within a minute: ORCID PUTs, Orbit reads, KMS
calls). Runs per figure: 3 (throughput: 2), or 5 for the quick ones, unless --runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    calls,
    coldstart,
    fanout,
    feed_latency,
    overhead,
    status_page,
    storm,
    throughput,
    throughput_model,
)
from bench.common import BENCH_DIR, Section, machine
from bench.report import markdown

RESULTS_JSON = "results.json"
RESULTS_MD = "RESULTS.md"
ORDER = (
    "calls",
    "throughput",
    "overhead",
    "cold_start",
    "fan_out",
    "status_page",
    "feed_latency",
    "storm",
)
DEFAULT_RUNS = {
    "calls": 3,
    "throughput": 2,
    "overhead": 5,
    "cold_start": 5,
    "fan_out": 3,
    "status_page": 5,
    "feed_latency": 1,
    "storm": 3,
}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per figure for every benchmark")
    parser.add_argument("--only", default=",".join(ORDER), help=f"comma-separated, of: {', '.join(ORDER)}")
    parser.add_argument("--researchers", type=int, default=1000, help="throughput: researchers (1000)")
    parser.add_argument("--outputs", type=int, default=3, help="throughput: outputs each (3)")
    parser.add_argument(
        "--previous-researchers",
        type=int,
        default=300,
        help="throughput: researchers for the previous design's night (300)",
    )
    parser.add_argument(
        "--orcid-latency", type=float, default=0.3, help="throughput: ORCID's latency, s (0.3)"
    )
    parser.add_argument("--pure-latency", type=float, default=0.5, help="throughput: Pure's latency, s (0.5)")
    parser.add_argument("--jitter", type=float, default=0.3, help="throughput: latency ± this share (0.3)")
    parser.add_argument(
        "--consents", type=int, default=fanout.ACTIVE, help="fan-out: active consents (50000)"
    )
    parser.add_argument(
        "--page-outputs", type=int, default=status_page.OUTPUTS, help="status page: outputs (2000)"
    )
    parser.add_argument(
        "--feed-edits", type=int, default=feed_latency.EDITS, help="feed latency: edits per run (12)"
    )
    parser.add_argument(
        "--feed-interval",
        type=float,
        default=None,
        help="feed latency: seconds between poller runs (default: the template's schedule, 60)",
    )
    parser.add_argument(
        "--bundle-deps",
        choices=("pip", "site-packages"),
        default="pip",
        help="cold start: bundle dependencies from PyPI (pip), or copied from this .venv (no network)",
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH_DIR, help="folder for results.json and RESULTS.md (bench/)"
    )
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(ORDER)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def _benchmarks(args: argparse.Namespace) -> dict[str, Callable[[int], Section]]:
    return {
        "calls": lambda runs: calls.run(runs),
        "throughput": lambda runs: throughput.run(
            runs,
            args.researchers,
            args.outputs,
            throughput_model.Latency(args.orcid_latency, args.pure_latency, args.jitter),
            min(args.previous_researchers, args.researchers),
        ),
        "overhead": lambda runs: overhead.run(runs),
        "cold_start": lambda runs: coldstart.run(runs, args.bundle_deps),
        "fan_out": lambda runs: fanout.run(runs, active=args.consents),
        "status_page": lambda runs: status_page.run(runs, args.page_outputs),
        "feed_latency": lambda runs: feed_latency.run(runs, args.feed_edits, args.feed_interval),
        "storm": lambda runs: storm.run(runs),
    }


def _previous_sections(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / RESULTS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    sections = data.get("sections") if isinstance(data, dict) else None
    return dict(sections) if isinstance(sections, dict) else {}


def _quiet() -> None:
    """The functions log at ERROR, as the benchmarks' stacks configure them, even if imported before."""
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from orcid_sync.observability import logger

    logger.setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    _quiet()
    started = time.monotonic()
    benchmarks = _benchmarks(args)
    sections = _previous_sections(args.out) if set(args.only) != set(ORDER) else {}
    for name in ORDER:
        if name not in args.only:
            continue
        runs = args.runs or DEFAULT_RUNS[name]
        print(f"▶ {name} ({runs} runs)", flush=True)
        began = time.monotonic()
        section = benchmarks[name](runs)
        section.seconds = time.monotonic() - began
        section.runs = runs
        sections[name] = {**section.as_json(), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
        print(f"  done in {section.seconds:.0f} s", flush=True)
    total = time.monotonic() - started
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "total_seconds": round(total, 1),
        "measured": [name for name in ORDER if name in args.only],
        "arguments": {key: value for key, value in vars(args).items() if key != "out"},
        "sections": {name: sections[name] for name in ORDER if name in sections},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / RESULTS_JSON).write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (args.out / RESULTS_MD).write_text(markdown(results), encoding="utf-8")
    print(f"wrote {args.out / RESULTS_JSON} and {args.out / RESULTS_MD} after {total / 60:.1f} min")
    failed = [f"{name}: {problem}" for name in args.only for problem in sections[name].get("problems", [])]
    for problem in failed:
        print(f"check failed — {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
