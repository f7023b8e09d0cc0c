"""Benchmark 3: our own CPU time per work (mapping, hash, plan, XML) and per Orbit event routed.

Measured with `time.process_time` in this process, over the Orbit stand-in's seeded, DTU-like data set
(every type group, Danish titles, co-authors, outputs that may not go to ORCID). No network: Orbit,
DynamoDB and SQS are in-memory stand-ins at the adapters' seams (`bench.fakes`), so botocore's and AWS's
share is not in these figures — only ours (with pydantic, json and ElementTree underneath).
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from bench.common import Figure, Section, samples
from bench.fakes import MemoryDynamoDB, MemoryOrbit, MemorySqs, memory_stores
from infra.orbit_standin.outputs import ResearchOutput, seed_outputs, to_ws
from infra.orbit_standin.people import RESEARCHERS
from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.pure_json import publication_from_pure
from orcid_sync.orbit.research_outputs import OrbitResearchOutputs
from orcid_sync.orcid.client import BULK_LIMIT
from orcid_sync.orcid.oauth import REQUIRED_SCOPES
from orcid_sync.orcid.work import Work, WorkNotSendable
from orcid_sync.orcid.work_xml import bulk_document, content_hash
from orcid_sync.store.consents import Consent, ConsentStatus
from orcid_sync.store.work_links import LinkState, WorkLink
from orcid_sync.sync.desired import DesiredBuilder
from orcid_sync.sync.events import OrbitEvent, parse_event
from orcid_sync.sync.planner import ActionKind, DesiredWork, OrcidItem, plan_sync
from orcid_sync.sync.router import EventRouter
from orcid_sync.sync.work_builder import DEFAULT_MAX_CONTRIBUTORS, work_from_publication

ORCID_RATE = 24.0  # calls per second per member client (../shared/docs/orcid-api.md, "Limits")
PER_RESEARCHER = 150  # × 4 researchers in the Orbit stand-in's data set
ORCID_IDS = ("0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X", "0000-0003-1415-9269")
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
NIGHT = date(2026, 11, 25)  # which outputs a night rebuilds anyway (each once a week) depends on it

T = TypeVar("T")


def _cpu(action: Callable[[], T]) -> tuple[float, T]:
    """CPU seconds `action` takes (garbage collected first, so earlier garbage is not billed to it)."""
    gc.collect()
    started = time.process_time()
    value = action()
    return time.process_time() - started, value


# --- works ---------------------------------------------------------------------------------------------


@dataclass
class WorkTimes:
    """Seconds per work, one entry per run."""

    works: int = 0
    outputs: int = 0
    reused: int = 0  # works not rebuilt on the quiet night (the rest: their weekly turn)
    parse: list[float] = field(default_factory=list)
    mapping: list[float] = field(default_factory=list)
    hashing: list[float] = field(default_factory=list)
    planning: list[float] = field(default_factory=list)
    xml: list[float] = field(default_factory=list)
    quiet_plan: list[float] = field(default_factory=list)
    # A quiet night as the worker runs it now: outputs unchanged since their push are not rebuilt.
    quiet_skipping: list[float] = field(default_factory=list)

    def first_sync(self) -> list[float]:
        return [sum(parts) for parts in zip(self.mapping, self.hashing, self.planning, self.xml, strict=True)]

    def quiet_night(self) -> list[float]:
        return [sum(parts) for parts in zip(self.mapping, self.hashing, self.quiet_plan, strict=True)]


def _build(publications: list[Publication], person: str, orcid: str) -> dict[str, Work]:
    """As the worker does: eligible outputs the person is an author of, each as an ORCID work."""
    works = {}
    for publication in publications:
        if not check_eligibility(publication).eligible:
            continue
        if not any((a.person_uuid or "").lower() == person for a in publication.authors):
            continue
        try:
            build = work_from_publication(publication, person_uuid=person, orcid_id=orcid)
        except WorkNotSendable:
            continue
        works[publication.uuid.lower()] = build.work
    return works


def _serialize(works: dict[str, Work], pids: list[str]) -> list[bytes | None]:
    """As the client does for bulk posts: ≤ 100 works at a time, each validated and serialized."""
    return [
        bulk_document([works[pid] for pid in pids[start : start + BULK_LIMIT]]).xml
        for start in range(0, len(pids), BULK_LIMIT)
    ]


def _hashes(works: dict[str, Work]) -> dict[str, DesiredWork]:
    return {pid: DesiredWork(pid, content_hash(work)) for pid, work in works.items()}


def _synced(person: str, desired: dict[str, DesiredWork]) -> tuple[dict[str, WorkLink], dict[int, OrcidItem]]:
    """Links and ORCID items as they are after a complete sync of `desired`."""
    links = {
        pid: WorkLink(
            person_id=person,
            publication_id=pid,
            state=LinkState.SYNCED,
            put_code=number,
            content_hash=wanted.content_hash,
            changed_at=NOW,
        )
        for number, (pid, wanted) in enumerate(desired.items(), start=1)
    }
    return links, {link.put_code or 0: OrcidItem(link.put_code or 0, pid) for pid, link in links.items()}


def _consent(person: str, orcid: str) -> Consent:
    return Consent(
        person_id=person,
        status=ConsentStatus.ACTIVE,
        orcid=orcid,
        scopes=REQUIRED_SCOPES,
        access_token=b"\x01" * 184,
        granted_at=NOW,
        changed_at=NOW,
    )


def _stamped(links: dict[str, WorkLink], mapping: str) -> dict[str, WorkLink]:
    """The links as the worker leaves them: each with Orbit's modification time and the mapping."""
    stamp = {"orbit_modified": NOW, "mapping": mapping}
    return {pid: link.model_copy(update=stamp) for pid, link in links.items()}


def _quiet_night_skipping(
    builder: DesiredBuilder,
    publications: list[Publication],
    modified: dict[str, datetime],
    links: dict[str, WorkLink],
    actual: dict[int, OrcidItem],
) -> int:
    """As the worker plans a night: desired state (unchanged outputs not rebuilt), then the plan."""
    state = builder.build(publications, modified, links)
    plan = plan_sync(state.desired, links, actual)
    if not plan.is_empty or state.must_build(plan):
        raise RuntimeError("a night with nothing changed planned ORCID calls")
    return len(state.reused)


def works_run(records: list[dict[str, Any]], times: WorkTimes) -> None:
    parse_s, publications = _cpu(lambda: [publication_from_pure(record) for record in records])
    mapping_s = hashing_s = planning_s = xml_s = quiet_s = skipping_s = 0.0
    works_total = reused = 0
    modified = {publication.uuid.lower(): NOW for publication in publications}  # as Orbit lists them
    for researcher, orcid in zip(RESEARCHERS, ORCID_IDS, strict=True):
        person = researcher.uuid.lower()
        seconds, works = _cpu(lambda: _build(publications, person, orcid))  # noqa: B023 - called at once
        mapping_s += seconds
        seconds, desired = _cpu(lambda: _hashes(works))  # noqa: B023
        hashing_s += seconds
        seconds, plan = _cpu(lambda: plan_sync(desired, {}, {}))  # noqa: B023
        planning_s += seconds
        creates = [action.publication_id for action in plan.of_kind(ActionKind.CREATE)]
        seconds, _ = _cpu(lambda: _serialize(works, creates))  # noqa: B023
        xml_s += seconds
        links, actual = _synced(person, desired)
        seconds, quiet = _cpu(lambda: plan_sync(desired, links, actual))  # noqa: B023
        if not quiet.is_empty:
            raise RuntimeError("a night with nothing changed planned ORCID calls")
        quiet_s += seconds
        builder = DesiredBuilder(_consent(person, orcid), DEFAULT_MAX_CONTRIBUTORS, NIGHT)
        stamped = _stamped(links, builder.mapping)
        seconds, kept = _cpu(
            lambda: _quiet_night_skipping(builder, publications, modified, stamped, actual)  # noqa: B023
        )
        skipping_s += seconds
        reused += kept
        works_total += len(works)
    times.works, times.outputs = works_total, len(records)
    times.parse.append(parse_s / len(records))
    times.mapping.append(mapping_s / works_total)
    times.hashing.append(hashing_s / works_total)
    times.planning.append(planning_s / works_total)
    times.xml.append(xml_s / works_total)
    times.quiet_plan.append(quiet_s / works_total)
    times.quiet_skipping.append(skipping_s / works_total)
    times.reused = reused


# --- events --------------------------------------------------------------------------------------------


def _event_bodies(outputs: list[ResearchOutput]) -> list[str]:
    """One event per output: 70 % updated, 10 % created, 10 % deleted (our shape), 10 % Pure's shape."""
    bodies = []
    for number, output in enumerate(outputs):
        kind = number % 10
        if kind == 9:
            body: dict[str, Any] = {
                "uuid": output.uuid,
                "changeType": "UPDATE",
                "familySystemName": "ResearchOutput",
                "version": output.version + 1,
            }
        else:
            change = "created" if kind == 7 else "deleted" if kind == 8 else "updated"
            body = {
                "type": f"researchoutput.{change}",
                "uuid": output.uuid,
                "version": output.version + 1,
                "occurredAt": "2026-11-24T08:00:00Z",
            }
        bodies.append(json.dumps(body))
    return bodies


def _router(outputs: list[ResearchOutput]) -> tuple[EventRouter, MemorySqs]:
    """Every researcher consenting; links for every eligible output of theirs, as after a sync."""
    dynamodb, sqs = MemoryDynamoDB(), MemorySqs()
    consents, links, jobs = memory_stores(dynamodb, sqs)
    for researcher, orcid in zip(RESEARCHERS, ORCID_IDS, strict=True):
        consents.create(
            Consent(
                person_id=researcher.uuid,
                status=ConsentStatus.ACTIVE,
                orcid=orcid,
                scopes=REQUIRED_SCOPES,
                access_token=b"\x01" * 184,
                granted_at=NOW,
                changed_at=NOW,
            ).with_event("connected", NOW)
        )
    for output in outputs:
        for author in output.authors:
            if author.person_uuid:
                links.put(
                    WorkLink(
                        person_id=author.person_uuid,
                        publication_id=output.uuid,
                        state=LinkState.SYNCED,
                        put_code=1,
                        content_hash="0" * 64,
                        changed_at=NOW,
                    )
                )
    orbit = OrbitResearchOutputs(MemoryOrbit({output.uuid: to_ws(output) for output in outputs}))
    return EventRouter(consents, links, orbit, jobs), sqs


@dataclass
class EventTimes:
    events: int = 0
    jobs: int = 0
    parse: list[float] = field(default_factory=list)
    route: list[float] = field(default_factory=list)

    def total(self) -> list[float]:
        return [a + b for a, b in zip(self.parse, self.route, strict=True)]


def events_run(outputs: list[ResearchOutput], times: EventTimes) -> None:
    router, sqs = _router(outputs)
    bodies = _event_bodies(outputs)
    parse_s, events = _cpu(lambda: [parse_event(body) for body in bodies])

    def route_all() -> int:
        queued = 0
        for number, event in enumerate(events):
            if isinstance(event, OrbitEvent):
                queued += len(router.route(event, fallback_version=f"message-{number}"))
        return queued

    route_s, jobs = _cpu(route_all)
    if sqs.messages != jobs:
        raise RuntimeError(f"{jobs} jobs routed but {sqs.messages} reached the queue")
    times.events, times.jobs = len(bodies), jobs
    times.parse.append(parse_s / len(bodies))
    times.route.append(route_s / len(bodies))


# --- the section ---------------------------------------------------------------------------------------


def run(runs: int) -> Section:
    outputs = seed_outputs(RESEARCHERS, per_researcher=PER_RESEARCHER)
    records = [to_ws(output) for output in outputs]
    work_times, event_times = WorkTimes(), EventTimes()
    for _ in range(runs):
        works_run(records, work_times)
        events_run(outputs, event_times)
    section = Section(
        key="overhead",
        title="3. Our CPU time per work and per event",
        setup=(
            f"The Orbit stand-in's seeded data set: {work_times.outputs} outputs of {len(RESEARCHERS)} "
            f"researchers (every type group; some may not go to ORCID), {work_times.works} works built "
            f"(per researcher: eligible outputs they wrote); {event_times.events} events (70 % updated, "
            f"10 % created, 10 % deleted, 10 % in Pure's change-feed shape) routed to "
            f"{event_times.jobs} jobs with every author consenting. `time.process_time`, in-memory "
            f"Orbit/DynamoDB/SQS at the adapters' seams (no botocore, no network)."
        ),
    )
    micro = 1e6
    rows = (
        ("first_sync_per_work", "per work, first sync: mapping + hash + plan + XML", work_times.first_sync()),
        ("mapping", "… mapping (eligibility, Publication → Work)", work_times.mapping),
        ("hash", "… content hash", work_times.hashing),
        ("plan", "… plan (first sync)", work_times.planning),
        ("xml", "… XML (work documents in bulk documents)", work_times.xml),
        (
            "quiet_night_per_work",
            "per work, night with nothing changed, every work rebuilt (before): mapping + hash + plan",
            work_times.quiet_night(),
        ),
        (
            "quiet_night_skipping_per_work",
            "per work, night with nothing changed, unchanged outputs not rebuilt (now): desired + plan",
            work_times.quiet_skipping,
        ),
        ("parse_output", "per output read: Pure JSON → Publication", work_times.parse),
        ("event_total", "per event: parse + route (incl. Orbit read and job batch)", event_times.total()),
        ("event_parse", "… parse_event", event_times.parse),
        ("event_route", "… router", event_times.route),
    )
    for key, label, values in rows:
        section.add(Figure(key, label, "µs CPU", samples([value * micro for value in values])))
    first = statistics.median(work_times.first_sync()) * micro
    budget = 1 / (ORCID_RATE * BULK_LIMIT) * micro
    section.notes.append(
        f"For scale: at ORCID's full rate ({ORCID_RATE:g} calls/s) with {BULK_LIMIT} works per bulk post, "
        f"ORCID takes a new work every {budget:.0f} µs; a first sync spends {first:.0f} µs of CPU per "
        f"work here ({first / budget:.0%} of that), besides the time its DynamoDB writes and HTTP take."
    )
    skipping = statistics.median(work_times.quiet_skipping) * micro
    rebuilt = statistics.median(work_times.quiet_night()) * micro
    section.notes.append(
        f"A quiet night, both ways in the same runs: {skipping:.0f} µs per work now (works of outputs "
        f"unchanged since their push are not rebuilt; {work_times.reused} of {work_times.works} were not, "
        f"the rest had their weekly turn) against {rebuilt:.0f} µs with every work rebuilt, as before."
    )
    section.details = {
        "outputs": work_times.outputs,
        "works": work_times.works,
        "events": event_times.events,
        "jobs_queued_per_run": event_times.jobs,
        "quiet_night_works_not_rebuilt": work_times.reused,
    }
    return section
