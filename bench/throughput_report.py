"""Benchmark 2's section of RESULTS.md: the template's night beside one shared bucket and the old design.

Steps, each a function: the setup text, the template's figures, the comparisons, the notes and the
problems (records that differ from Orbit, failures), then the raw runs for results.json.
"""

from __future__ import annotations

import statistics

from bench.common import Figure, Section, samples
from bench.throughput_model import ORCID_BURST, ORCID_RATE, TODAY, Latency, RunResult, WorkerConfig


def _ratio(result: RunResult) -> float:
    return result.elapsed / result.floor if result.floor else float("inf")


def section(
    results: dict[str, list[RunResult]], config: WorkerConfig, latency: Latency, outputs_each: int
) -> Section:
    out = Section(
        key="throughput",
        title="2. Throughput: a nightly run against ORCID's limit, with the internet's latency",
        setup=_setup(results, config, latency, outputs_each),
    )
    for figure in [*_template_figures(results["template"]), *_comparisons(results)]:
        out.add(figure)
    out.notes.extend(_notes(results, config))
    out.problems.extend(_problems(results))
    out.details = {
        "latency": latency.__dict__,
        "outputs_each": outputs_each,
        "template_config": config.__dict__,
        "runs": {label: [r.as_json() for r in group] for label, group in results.items()},
    }
    return out


def _setup(
    results: dict[str, list[RunResult]], config: WorkerConfig, latency: Latency, outputs_each: int
) -> str:
    researchers = results["template"][0].researchers
    jitter = f"±{latency.jitter:.0%}"
    previous_count = results[TODAY][0].researchers if results[TODAY] else 0
    return (
        f"{researchers} researchers × {outputs_each} outputs, already in sync (a first sync ran before, "
        f"unmeasured, without latency); then one nightly job each, all queued at once. ORCID stand-in "
        f"answering in {latency.orcid * 1000:.0f} ms {jitter}, limiting to {ORCID_RATE:g} requests/s, "
        f"burst {ORCID_BURST} (503 beyond); Orbit stand-in answering in {latency.pure * 1000:.0f} ms "
        f"{jitter}. AWS in this process: DynamoDB and KMS answered in memory at botocore's HTTP layer "
        "(bench/memory_store.py), the FIFO queue and Lambda's poller in memory (bench/fifo.py). "
        f"Template: {config.concurrency} execution environments "
        f"(MaximumConcurrency), batch size {config.batch_size}, up to {config.jobs_at_once} researchers' "
        f"jobs at once in each, each environment pacing itself at {config.rate:g} requests/s, burst "
        f"{config.burst}; the real handler. Beside it, the same with one bucket shared by all "
        f"environments, and the previous design on {previous_count} researchers."
    )


def _template_figures(main: list[RunResult]) -> list[Figure]:
    researchers = main[0].researchers
    return [
        Figure(
            "elapsed",
            f"elapsed, nightly run of {researchers} researchers (template)",
            "s",
            samples([r.elapsed for r in main]),
            statistics.median(r.floor for r in main),
            "calls ÷ 24/s",
        ),
        Figure("ratio", "elapsed ÷ (calls ÷ 24/s), template", "×", samples([_ratio(r) for r in main]), 1.0),
        Figure(
            "share_of_limit",
            "share of ORCID's 24 requests/s used, template",
            "of 24/s",
            samples([r.rate / ORCID_RATE for r in main]),
            1.0,
            "all of it",
        ),
        Figure("refused_503", "503s received, template", "responses", samples([r.refused for r in main]), 0),
        Figure(
            "orcid_calls",
            "ORCID calls made, template",
            "calls",
            samples([r.made for r in main]),
            float(researchers),
            f"{researchers} × 1 read",
        ),
        Figure(
            "peak",
            "most requests at ORCID in any one second, template",
            "requests",
            samples([r.peak for r in main]),
            ORCID_BURST + ORCID_RATE,
            "burst + 1 s refill; a ceiling",
        ),
        Figure(
            "verified",
            "records as Orbit says after the night, template",
            "records",
            samples([r.verified for r in main]),
            float(researchers),
            "all",
        ),
    ]


def _comparisons(results: dict[str, list[RunResult]]) -> list[Figure]:
    """One bucket shared by every environment, and the previous design, when they ran."""
    figures: list[Figure] = []
    shared = results["shared"]
    if shared:
        rate = shared[0].config.rate
        figures.append(
            Figure(
                "shared_ratio",
                f"elapsed ÷ (calls ÷ 24/s), one bucket shared at {rate:g}/s",
                "×",
                samples([_ratio(r) for r in shared]),
                1.0,
            )
        )
        refused = samples([r.refused for r in shared])
        figures.append(Figure("shared_503", "503s received, one shared bucket", "responses", refused, 0.0))
    previous = results[TODAY]
    if previous:
        figures.append(
            Figure(
                "previous_share",
                f"share of 24/s used by the previous design ({previous[0].researchers} researchers)",
                "of 24/s",
                samples([r.rate / ORCID_RATE for r in previous]),
                1.0,
                "all of it",
            )
        )
        ratios = samples([_ratio(r) for r in previous])
        label = "elapsed ÷ (calls ÷ 24/s), previous design"
        figures.append(Figure("previous_ratio", label, "×", ratios, 1.0))
    return figures


def _problems(results: dict[str, list[RunResult]]) -> list[str]:
    runs = [r for group in results.values() for r in group]
    wrong = [
        f"{r.config.label} night: {len(r.wrong)} of {r.researchers} ORCID records differ from Orbit"
        for r in runs
        if r.wrong
    ]
    failed = [
        f"{r.config.label} night: {r.failed} failed records, {r.crashed} crashed invocations, "
        f"{r.dead} dead letters"
        for r in runs
        if r.failed or r.crashed or r.dead
    ]
    return wrong + failed


def _notes(results: dict[str, list[RunResult]], config: WorkerConfig) -> list[str]:
    main = results["template"]
    notes = []
    waited = statistics.median(r.pacing_wait for r in main)
    elapsed = statistics.median(r.elapsed for r in main)
    jobs_in_flight = config.concurrency * config.jobs_at_once
    design = config.design_rate
    if waited > elapsed:
        notes.append(
            f"Template: {config.concurrency} environments × {config.rate:g} requests/s = {design:g}/s by "
            f"design ({design / ORCID_RATE:.0%} of ORCID's limit, the rest headroom for retries), with up to "
            f"{jobs_in_flight} jobs in flight. The token buckets held requests back {waited:.0f} s in all "
            f"over the {elapsed:.0f} s (summed over the job threads): the pacing set the pace, not latency."
        )
    else:
        notes.append(
            f"Template: the token buckets held requests back only {waited:.1f} s in all over "
            f"{elapsed:.0f} s: latency, not the pacing, set the pace."
        )
    cpu = statistics.median(r.cpu for r in main)
    share = cpu / elapsed if elapsed else 0.0
    harness = (
        "well under one core, so the harness did not set the pace"
        if share < 0.5
        else "close enough to one core that this process (one interpreter: Python code runs on one core "
        "at a time) may set part of the pace, so part of what is measured is this harness, not the workers"
    )
    notes.append(
        f"CPU of this one process (workers, stand-ins, the in-memory AWS) per template run: {cpu:.0f} s in "
        f"{elapsed:.0f} s, {share:.0%} of one core; {harness}."
    )
    shared = results["shared"]
    if shared:
        notes.append(
            f"One bucket for all environments (a shared limiter at {shared[0].config.rate:g}/s; here an "
            "object in one process, across Lambda environments a conditional write per token or lease in "
            f"DynamoDB): elapsed ÷ floor {statistics.median(_ratio(r) for r in shared):.2f}, against "
            f"{statistics.median(_ratio(r) for r in main):.2f} for concurrency × per-environment rate."
        )
    previous = results[TODAY]
    if previous:
        p = previous[0]
        notes.append(
            f"Previous design ({p.config.concurrency} environments, batch {p.config.batch_size}, one job "
            f"after the other, {p.config.rate:g}/s each): {p.researchers} researchers in {p.elapsed:.0f} s, "
            f"{p.made} calls, {p.rate:.2f}/s = {p.rate / ORCID_RATE:.2f} of ORCID's limit (the handler's "
            "MAX_GROUPS_AT_ONCE patched to 1 stands in for its one-after-the-other processing)."
        )
    return notes
