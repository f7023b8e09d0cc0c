"""Benchmark 1: ORCID calls per researcher, against the least each kind of run can cost.

One researcher with 250 public outputs connects in the browser (the consent flow queues the first full
sync); then a night with nothing changed; then a night after 5 % of the outputs were corrected in Orbit
without an event reaching us (the nightly reconciliation must find them). Each run uses a new
researcher on the same stack; the ORCID stand-in counts every member API request it receives.

Floors: a full sync must read the record once (`GET /activities`: works and employments in one answer);
new works go in bulk, ≤ 100 a call; ORCID has no bulk update, so each changed work is one `PUT`. A first
sync also writes the researcher's one DTU employment and the Orbit profile link (one `POST` each: ORCID
has no bulk call for either).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.common import Figure, Section, samples
from bench.seed import connect_in_browser, new_researcher, with_outputs
from infra.local.records import sources_on_orcid, titles_on_orcid
from infra.local.stack import LocalStack
from orcid_sync.jobs.sync_jobs import SyncJob, SyncJobQueue, nightly_job
from orcid_sync.orcid.client import BULK_LIMIT

OUTPUTS = 250
CHANGED_SHARE = 0.05
FIRST_NIGHT = date(2026, 11, 25)


@dataclass
class Scenario:
    key: str
    label: str
    floor: int
    floor_label: str
    calls: list[int] = field(default_factory=list)
    by_kind: list[dict[str, int]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def record(self, calls: Counter[str], seconds: float) -> None:
        self.calls.append(sum(calls.values()))
        self.by_kind.append(dict(sorted(calls.items())))
        self.seconds.append(seconds)


def _counted(stack: LocalStack, job: SyncJob | None = None) -> tuple[Counter[str], float]:
    """Queue `job` (if any), run the queues dry as Lambda would, and count the ORCID calls made."""
    before = Counter(stack.orcid.api.calls)
    started = time.perf_counter()
    if job is not None:
        SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(job)
    stack.drain()
    return Counter(stack.orcid.api.calls) - before, time.perf_counter() - started


def run(runs: int, outputs: int = OUTPUTS) -> Section:
    changed = math.ceil(outputs * CHANGED_SHARE)
    posts = math.ceil(outputs / BULK_LIMIT)
    first = Scenario(
        "first_sync",
        f"first sync of {outputs} outputs",
        1 + posts + 2,
        f"1 read + {posts} bulk posts + 1 employment + 1 profile link",
    )
    quiet = Scenario("no_change_night", "a night with nothing changed", 1, "1 read")
    night = Scenario(
        "changed_night",
        f"a night with {changed} of {outputs} outputs changed ({CHANGED_SHARE:.0%})",
        1 + changed,
        f"1 read + {changed} updates",
    )
    problems: list[str] = []
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        for number in range(runs):
            researcher = new_researcher(stack, number)
            made = with_outputs(stack, researcher, outputs)
            orcid = connect_in_browser(stack, researcher)
            first.record(*_counted(stack))  # the job the consent callback queued
            expected = {output.uuid: 1 for output in made}
            if sources_on_orcid(stack, orcid) != expected:
                problems.append(f"run {number + 1}: the first sync left the record incomplete")

            day = FIRST_NIGHT + timedelta(days=2 * number)
            quiet.record(*_counted(stack, nightly_job(researcher.uuid, day.isoformat())))

            corrected = {}
            for output in made[:: len(made) // changed][:changed]:
                title = f"{output.title_en} (corrected)"
                stack.orbit.change_output(output.uuid, title_en=title)
                corrected[output.uuid] = title
            next_day = day + timedelta(days=1)
            night.record(*_counted(stack, nightly_job(researcher.uuid, next_day.isoformat())))
            titles = titles_on_orcid(stack, orcid)
            if any(titles.get(uuid) != title for uuid, title in corrected.items()):
                problems.append(f"run {number + 1}: a corrected title did not reach ORCID")
            print(
                f"    researcher {number + 1}/{runs}: first sync {first.calls[-1]}, quiet night "
                f"{quiet.calls[-1]}, night with changes {night.calls[-1]} ORCID calls",
                flush=True,
            )

    section = Section(
        key="calls_per_researcher",
        title="1. ORCID calls per researcher",
        setup=(
            f"One researcher, {outputs} public journal articles in Orbit, connected through the consent flow "
            f"in the browser; then one nightly job with nothing changed, then one after {changed} outputs "
            f"were corrected in Orbit with no event. A new researcher each run, on one local stack; the "
            f"ORCID stand-in counts every member API request."
        ),
    )
    for scenario in (first, quiet, night):
        section.add(
            Figure(
                scenario.key,
                scenario.label,
                "calls",
                samples(scenario.calls),
                float(scenario.floor),
                scenario.floor_label,
            )
        )
    section.details = {
        scenario.key: {"calls_by_kind": scenario.by_kind, "seconds": [round(s, 3) for s in scenario.seconds]}
        for scenario in (first, quiet, night)
    }
    section.problems.extend(problems)
    if not problems:
        section.notes.append(
            "Every run checked: all outputs on the record once after the first sync, every corrected "
            "title on ORCID after the night."
        )
    return section
