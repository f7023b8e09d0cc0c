"""Benchmark 5: the nightly fan-out queueing a full-sync job for each of 50,000 active consents.

`fan_out` (what NightlyFunction's handler calls) with the real `ConsentStore` and `SyncJobQueue` on real
boto3 clients, whose requests are answered in-process (`bench.memory_aws`): the time is ours and
botocore's, without network or AWS latency. A botocore `before-call` hook counts the calls.
"""

from __future__ import annotations

import math
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

import boto3

from bench.common import Figure, Section, samples
from bench.memory_aws import NOWHERE, MemoryAws
from infra.local.template import function_setting, load_template
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, SyncJobQueue
from orcid_sync.store.consents import ConsentStore
from orcid_sync.sync.nightly import fan_out

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

ACTIVE = 50_000
INACTIVE = 2_500  # revoked, disconnected or declined: scanned, not queued
TABLE = "orcid-sync-consents"
QUEUE_URL = "https://sqs.eu-north-1.amazonaws.com/123456789012/orcid-sync-sync-jobs.fifo"
SCAN_PAGE = 1000  # ConsentStore.active_person_ids' page size
FIRST_NIGHT = date(2026, 11, 25)


def _consents(active: int, inactive: int) -> tuple[list[dict[str, Any]], set[str]]:
    """Consent items as ConsentStore.put writes them (the attributes the scan looks at), shuffled."""
    rng = random.Random(2026)
    statuses = ["active"] * active + [
        rng.choice(["revoked", "disconnected", "declined"]) for _ in range(inactive)
    ]
    rng.shuffle(statuses)
    items, wanted = [], set()
    for status in statuses:
        person = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        items.append(
            {
                "person_id": {"S": person},
                "status": {"S": status},
                "orcid": {"S": "0000-0002-1825-0097"},
                "changed_at": {"S": "2026-11-01T10:00:00Z"},
                "access_token": {"B": b"\x01" * 184} if status == "active" else {"NULL": True},
            }
        )
        if status == "active":
            wanted.add(person)
    return items, wanted


def _clients(aws: MemoryAws, counted: Counter[str]) -> tuple[DynamoDBClient, SQSClient]:
    session = boto3.session.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name="eu-north-1"
    )
    dynamodb = session.client("dynamodb", endpoint_url=NOWHERE)
    sqs = session.client("sqs", endpoint_url=NOWHERE)
    # A before-send handler that returns a response is what botocore sends instead (typed as returning None).
    answer = cast("Callable[..., None]", aws.answer)
    for client in (dynamodb, sqs):
        client.meta.events.register("before-send", answer)

    def count(model: Any, **_: Any) -> None:
        counted[model.name] += 1

    dynamodb.meta.events.register("before-call.dynamodb.Scan", count)
    sqs.meta.events.register("before-call.sqs.SendMessageBatch", count)
    return dynamodb, sqs


def _check(aws: MemoryAws, wanted: set[str], night: date) -> list[str]:
    problems = []
    groups = Counter(message["MessageGroupId"] for message in aws.messages)
    if set(groups) != wanted or any(count != 1 for count in groups.values()):
        problems.append("not exactly one job per active consent")
    sample = [
        SyncJob.model_validate_json(m["MessageBody"])
        for m in aws.messages[:: max(1, len(aws.messages) // 500)]
    ]
    if any(
        j.kind is not JobKind.FULL or j.reason != "nightly" or j.version != night.isoformat() for j in sample
    ):
        problems.append("a queued job is not the night's full sync")
    if aws.duplicates:
        problems.append(f"{aws.duplicates} duplicate sends")
    return problems


@dataclass
class _Runs:
    """What each run measured, in run order."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    stand_in: list[float] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)
    scans: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run(runs: int, active: int = ACTIVE, inactive: int = INACTIVE) -> Section:
    items, wanted = _consents(active, inactive)
    measured = _Runs()
    for number in range(runs):
        _one_night(measured, number, items, wanted, active)
        print(
            f"    run {number + 1}/{runs}: {measured.walls[-1]:.1f} s, "
            f"{measured.batches[-1]} SendMessageBatch, {measured.scans[-1]} Scan",
            flush=True,
        )
    section = Section(
        key="fan_out",
        title="5. Nightly fan-out",
        setup=(
            f"{active:,} active consents among {active + inactive:,} (the rest revoked, disconnected or "
            f"declined) → `fan_out` with the real ConsentStore (scan pages of {SCAN_PAGE}) and SyncJobQueue "
            f"(batches of 10) on boto3 clients answered in-process at botocore's HTTP layer "
            f"(`bench/memory_aws.py`): no network, no AWS latency. Calls counted with botocore `before-call` "
            f"hooks."
        ),
    )
    for figure in _figures(measured, active, inactive):
        section.add(figure)
    section.problems.extend(measured.problems)
    section.notes.extend(_notes(measured, active))
    return section


def _one_night(
    measured: _Runs, number: int, items: list[dict[str, Any]], wanted: set[str], active: int
) -> None:
    aws = MemoryAws(TABLE, items)
    counted: Counter[str] = Counter()
    dynamodb, sqs = _clients(aws, counted)
    night = FIRST_NIGHT + timedelta(days=number)
    cpu_started = time.process_time()
    started = time.perf_counter()
    result = fan_out(ConsentStore(TABLE, client=dynamodb), SyncJobQueue(QUEUE_URL, client=sqs), night)
    measured.walls.append(time.perf_counter() - started)
    measured.cpus.append(time.process_time() - cpu_started)
    measured.stand_in.append(aws.cpu_seconds)
    measured.batches.append(counted["SendMessageBatch"])
    measured.scans.append(counted["Scan"])
    measured.queued.append(len(aws.messages))
    if result.jobs != active or counted != aws.calls:
        measured.problems.append(
            f"run {number + 1}: {result.jobs} jobs reported, calls {dict(counted)} vs {dict(aws.calls)}"
        )
    measured.problems.extend(f"run {number + 1}: {p}" for p in _check(aws, wanted, night))


def _figures(measured: _Runs, active: int, inactive: int) -> list[Figure]:
    total = active + inactive
    without_stand_in = samples(
        [(c - s) / active * 1_000_000 for c, s in zip(measured.cpus, measured.stand_in, strict=True)]
    )
    return [
        Figure("elapsed", f"elapsed for {active:,} jobs", "s", samples(measured.walls)),
        Figure("cpu", "… CPU time (ours + botocore + the in-memory AWS)", "s", samples(measured.cpus)),
        Figure("stand_in_cpu", "… of which the in-memory AWS stand-in", "s", samples(measured.stand_in)),
        Figure("per_thousand", "CPU time per 1,000 jobs, without the stand-in", "ms", without_stand_in),
        Figure(
            "send_message_batch",
            "SendMessageBatch calls",
            "calls",
            samples(measured.batches),
            float(math.ceil(active / 10)),
            f"{active:,} ÷ 10 per batch",
        ),
        Figure(
            "scan",
            "Scan calls",
            "calls",
            samples(measured.scans),
            float(math.ceil(total / SCAN_PAGE)),
            f"{total:,} ÷ {SCAN_PAGE}",
        ),
        Figure(
            "queued",
            "jobs queued (distinct)",
            "jobs",
            samples(measured.queued),
            float(active),
            "one per active consent",
        ),
    ]


def _notes(measured: _Runs, active: int) -> list[str]:
    notes = []
    if not measured.problems:
        notes.append(
            "Every run checked: one job per active consent, none for the others, each the night's full sync."
        )
    extra = statistics.median(measured.batches) - math.ceil(active / 10)
    if extra:
        notes.append(
            f"SendMessageBatch above its floor by {extra:.0f}: some batches of `fan_out` held fewer than 10."
        )
    calls = statistics.median(measured.batches) + statistics.median(measured.scans)
    notes.append(
        f"Not in these figures: the network and AWS's own time for the {calls:,.0f} calls, which the "
        f"function spends waiting, one call after another. NightlyFunction's Timeout in template.yaml is "
        f"{_nightly_timeout()} s."
    )
    notes.append(
        "moto was not used here: while writing this benchmark, moto 5 took 23 s (in-process) to fan out "
        "to 500 consents, because each send to a FIFO queue looks through every message it holds, and "
        "49 s to scan 50,000 consents, because each page walks the table from its first item to the "
        "page's start key; at 50,000 it would measure only itself."
    )
    return notes


def _nightly_timeout() -> str:
    template = load_template()
    return str(function_setting(template, "NightlyFunction", "Timeout"))
