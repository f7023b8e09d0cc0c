"""results.json → RESULTS.md: the machine, the date, and each figure beside its floor."""

from __future__ import annotations

from typing import Any


def _number(value: float, unit: str) -> str:
    if float(value).is_integer() and unit not in ("s", "ms"):
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


_COUNTED = {
    "calls": "call",
    "responses": "response",
    "records": "record",
    "requests": "request",
    "jobs": "job",
}


def _figure_row(figure: dict[str, Any]) -> str:
    unit = figure["unit"]
    shown = _COUNTED.get(unit, unit) if figure["median"] == 1 else unit
    median = f"{_number(figure['median'], unit)} {shown}"
    spread = f"{_number(figure['min'], unit)} – {_number(figure['max'], unit)}"
    if figure["floor"] is None:
        floor, ratio = "—", "—"
    else:
        floor = f"{_number(figure['floor'], unit)}" + (
            f" ({figure['floor_label']})" if figure["floor_label"] else ""
        )
        ratio = f"{figure['ratio_to_floor']:.2f}" if figure["ratio_to_floor"] is not None else "—"
    label = figure["label"] + (f" — {figure['note']}" if figure["note"] else "")
    return f"| {label} | {median} | {spread} | {floor} | {ratio} |"


def _glance(sections: dict[str, Any]) -> list[str]:
    """One line per benchmark with its main figures (medians)."""

    def fig(section: str, key: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = sections.get(section, {}).get("figures", {}).get(key)
        return found

    def vs(figure: dict[str, Any]) -> str:
        unit = figure["unit"]
        return f"{_number(figure['median'], unit)} of {_number(figure['floor'], unit)}"

    lines = []
    first, quiet, changed = (fig("calls", k) for k in ("first_sync", "no_change_night", "changed_night"))
    if first and quiet and changed:
        lines.append(
            f"ORCID calls per researcher (made of floor): first sync of 250 outputs {vs(first)}, "
            f"a night with nothing changed {vs(quiet)}, a night with 5 % changed {vs(changed)}."
        )
    ratio, share, refused = (fig("throughput", k) for k in ("ratio", "share_of_limit", "refused_503"))
    previous, elapsed = fig("throughput", "previous_share"), fig("throughput", "elapsed")
    researchers = sections.get("throughput", {}).get("details", {}).get("runs", {}).get("template", [{}])
    if ratio and share and refused and elapsed:
        lines.append(
            f"Nightly run of {researchers[0].get('researchers', '?')} researchers with ORCID at ~300 ms and "
            f"Pure at ~500 ms: {_number(elapsed['median'], 's')} s, elapsed ÷ (calls ÷ 24/s) "
            f"{ratio['median']:.2f}, {share['median']:.0%} of ORCID's 24 requests/s, "
            f"{_number(refused['median'], '')} 503s"
            + (f"; the previous design: {previous['median']:.2f} of 24/s." if previous else ".")
        )
    work, quiet_work, event = (
        fig("overhead", k) for k in ("first_sync_per_work", "quiet_night_per_work", "event_total")
    )
    skipping = fig("overhead", "quiet_night_skipping_per_work")
    if work and quiet_work and event:
        night_cpu = f"{_number(quiet_work['median'], '')} µs per work on a quiet night"
        if skipping:
            night_cpu = (
                f"{_number(skipping['median'], '')} µs per work on a quiet night "
                f"({_number(quiet_work['median'], '')} µs with every work rebuilt, as before)"
            )
        lines.append(
            f"Our CPU time: {_number(work['median'], '')} µs per work on a first sync, {night_cpu}, "
            f"{_number(event['median'], '')} µs per event routed."
        )
    storm_puts, storm_reads = fig("storm", "delayed_puts"), fig("storm", "delayed_router_reads")
    storm_worker, storm_kms = fig("storm", "delayed_worker_reads"), fig("storm", "delayed_decrypts")
    if storm_puts and storm_reads and storm_worker and storm_kms:
        lines.append(
            f"50 saves of one output within a minute, with the sync-jobs delay: {vs(storm_puts)} ORCID "
            f"PUTs, {_number(storm_reads['median'], '')} + {_number(storm_worker['median'], '')} Orbit "
            f"reads (router + worker), {_number(storm_kms['median'], '')} KMS decrypts."
        )
    cold = sections.get("cold_start", {}).get("figures", {})
    named = {
        "shipped": "as shipped before",
        "lean_before": "built before the cold-start cuts",
        "lean": "built now",
    }
    for bundle, words in named.items():
        totals = [
            f
            for k, f in cold.items()
            if k.startswith(f"{bundle}_") and k.endswith("_total") and not k.startswith(f"{bundle}_before_")
        ]
        if totals and f"{bundle}_floor" in cold:
            low = min(f["ratio_to_floor"] for f in totals)
            high = max(f["ratio_to_floor"] for f in totals)
            lines.append(
                f"Cold start from the bundle {words}: "
                f"{low:.2f}–{high:.2f} × the floor in the same bundle (boto3 + one client, "
                f"{_number(cold[f'{bundle}_floor']['median'], 'ms')} ms)."
            )
    counted = {k: f for k, f in cold.items() if k.startswith("lean_") and k.endswith("_instr")}
    handlers = [
        f for k, f in counted.items() if not k.startswith(("lean_libs_", "lean_before_", "lean_floor"))
    ]
    libraries = [f for k, f in counted.items() if k.startswith("lean_libs_")]
    if handlers and libraries:

        def spread(figures: list[dict[str, Any]]) -> str:
            ratios = [f["ratio_to_floor"] for f in figures]
            return f"{min(ratios):.2f}–{max(ratios):.2f}"

        lines.append(
            f"Cold start from the bundle built now, in instructions (valgrind): {spread(handlers)} × the "
            f"floor; the required libraries alone (each handler's library floor): {spread(libraries)} ×."
        )
    fan_cpu, batches = fig("fan_out", "cpu"), fig("fan_out", "send_message_batch")
    queued = fig("fan_out", "queued")
    if fan_cpu and batches and queued:
        lines.append(
            f"Nightly fan-out: {_number(queued['median'], 'jobs')} jobs in "
            f"{_number(fan_cpu['median'], 's')} s of CPU (without AWS's latency), "
            f"{vs(batches)} SendMessageBatch calls."
        )
    median, p95 = fig("feed_latency", "edit_to_orcid_median"), fig("feed_latency", "edit_to_orcid_p95")
    if median and p95:
        every = sections.get("feed_latency", {}).get("details", {}).get("interval_seconds", "?")
        lines.append(
            f"Orbit edit → on ORCID through the change feed, poll every {every:g} s: median "
            f"{_number(median['median'], 's')} s, 95th percentile {_number(p95['median'], 's')} s — "
            "the seed's way: the following day (~86,400 s)."
            if isinstance(every, (int, float))
            else f"Orbit edit → on ORCID: median {_number(median['median'], 's')} s."
        )
    return [f"- {line}" for line in lines]


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python -m bench.run`) on {results['date']}; "
        + (
            f"the whole run took {results['total_seconds'] / 60:.1f} min."
            if len(results["measured"]) == len(results["sections"])
            else f"this run measured {', '.join(results['measured'])} in {results['total_seconds'] / 60:.1f} "
            "min; the other sections keep the figures of the run dated in them."
        ),
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']} "
        f"({machine['implementation']}), {machine['os']}",
        "- Each figure is the median of several runs (the number is under each heading), with the lowest "
        "and highest; beside it its floor — the least it could be (for rates and peaks: the most ORCID "
        "allows) — and median ÷ floor.",
        "- Nothing here is asserted by a test; `make test` never runs these.",
        "",
    ]
    glance = _glance(results["sections"])
    if glance:
        lines += ["## At a glance", "", *glance, ""]
    for section in results["sections"].values():
        lines += [f"## {section['title']}", "", section["setup"], ""]
        when = f", {section.get('date', '')}" if len(results["measured"]) != len(results["sections"]) else ""
        lines += [f"_{section.get('runs', '?')} runs, {section.get('seconds', 0):.0f} s{when}._", ""]
        lines += ["| figure | median | min – max | floor | ÷ floor |", "|---|---|---|---|---|"]
        lines += [_figure_row(figure) for figure in section["figures"].values()]
        lines.append("")
        lines += [f"- **Check failed:** {problem}" for problem in section.get("problems", [])]
        lines += [f"- {note}" for note in section["notes"]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
