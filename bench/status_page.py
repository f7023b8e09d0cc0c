"""Benchmark 6: the status page of a researcher with 2,000 outputs.

The page reads the consent, the researcher's work links and Orbit output states (two paged Queries)
and renders every output, grouped, 25 to a group's page. DynamoDB is moto's, in this process (its time is
not AWS's latency, so the DynamoDB calls are counted and our own time — grouping and HTML — is timed
apart from the reads).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import boto3
from moto import mock_aws

from bench.common import Figure, Section, samples
from orcid_sync.consent.choices import OutputsReader
from orcid_sync.consent.service import StatusView, symbol_for
from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.store.consents import Consent, ConsentStatus, SyncSummary
from orcid_sync.store.output_states import OutputState, OutputStateStore, _state
from orcid_sync.store.work_links import WorkLinkStore, _link
from orcid_sync.web.outputs import Group, outputs_view
from orcid_sync.web.pages import StatusExtras, status_page

OUTPUTS = 2000
PERSON = "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10"
ORCID = "0000-0002-1825-0097"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _table(client: Any, name: str) -> None:
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "person_id", "AttributeType": "S"},
            {"AttributeName": "publication_id", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "person_id", "KeyType": "HASH"},
            {"AttributeName": "publication_id", "KeyType": "RANGE"},
        ],
    )


def _seed(links: WorkLinkStore, states: OutputStateStore, outputs: int) -> None:
    """Outputs as a long career has them: most on ORCID, some staying in Orbit, a few refused."""
    link_items, state_items = [], []
    for n in range(outputs):
        pid = str(uuid.UUID(int=n + 1))
        stays = "not_public" if n % 10 == 0 else None
        state_items.append(
            OutputState(
                person_id=PERSON,
                publication_id=pid,
                title=f"Wake effects of offshore wind farms on the atmospheric boundary layer, part {n}",
                kind="journal-article" if n % 7 else "conference-paper",
                year=1990 + n % 35,
                url=f"https://orbit.dtu.dk/en/publications/{pid}",
                stays=stays,
            )
        )
        if stays is None:
            state = LinkState.REJECTED if n % 50 == 1 else LinkState.SYNCED
            link_items.append(
                WorkLink(
                    person_id=PERSON,
                    publication_id=pid,
                    state=state,
                    orcid=ORCID,
                    put_code=100_000 + n if state is LinkState.SYNCED else None,
                    content_hash="0" * 64,
                    message="9001: invalid" if state is LinkState.REJECTED else None,
                    changed_at=NOW,
                )
            )
    links.put_many(link_items)
    states.write(state_items)


def run(runs: int, outputs: int = OUTPUTS) -> Section:
    reads, ours, queries, sizes = [], [], [], []
    problems: list[str] = []
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-north-1")
        _table(client, "links")
        _table(client, "states")
        links, states = WorkLinkStore("links", client), OutputStateStore("states", client)
        _seed(links, states, outputs)
        reader = OutputsReader(links, states)
        consent = Consent(
            person_id=PERSON,
            status=ConsentStatus.ACTIVE,
            orcid=ORCID,
            access_token=b"x",
            changed_at=NOW,
            sync=SyncSummary(last_run_at=NOW),
        )
        counted: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb.Query", lambda **_: counted.update(["Query"]))
        for number in range(runs):
            counted.clear()
            found_links, found_states = reader.of(PERSON)
            raw = [
                item
                for table in ("links", "states")
                for item in client.query(
                    TableName=table,
                    KeyConditionExpression="person_id = :p",
                    ExpressionAttributeValues={":p": {"S": PERSON}},
                )["Items"]
            ]
            started = time.perf_counter()
            for item in raw:  # what the reads cost us beyond DynamoDB: items → models
                (_state if "stays" in item or "kind" in item else _link)(item)
            read = time.perf_counter() - started
            began = time.perf_counter()
            view = outputs_view(consent, found_links, found_states)
            extras = StatusExtras(outputs=view, profile_url="https://orbit.dtu.dk/en/persons/x")
            html = status_page(StatusView(symbol_for(consent), consent), "da", "t", "/c", "/r", extras=extras)
            ours.append((time.perf_counter() - began) * 1000)
            reads.append(read * 1000)
            queries.append(counted["Query"] - 2)  # the two raw reads above are not the page's
            sizes.append(len(html.encode()) / 1024)
            if view.total != outputs or view.count(Group.STAYS) != -(-outputs // 10):
                problems.append(f"run {number + 1}: {view.total} outputs on the page, not {outputs}")
            print(
                f"    run {number + 1}/{runs}: items {reads[-1]:.0f} ms, page {ours[-1]:.0f} ms", flush=True
            )
    section = Section(
        key="status_page",
        title="6. The status page for 2,000 outputs",
        setup=(
            f"A researcher with {outputs:,} outputs (90 % on ORCID, 10 % not public, 2 % refused): the "
            "status page's reads (work links and output states, each one paged Query, from moto's DynamoDB "
            "in this process), the items turned into our models, then grouping and the Danish HTML "
            "(25 outputs shown per group)."
        ),
    )
    section.add(Figure("queries", "DynamoDB Queries per page view", "calls", samples(queries), floor=2))
    section.add(Figure("ours", "grouping and HTML (ours)", "ms", samples(ours)))
    section.add(Figure("items", "DynamoDB items → our models (ours)", "ms", samples(reads)))
    section.add(Figure("size", "page size", "KiB", samples(sizes)))
    section.notes.append(
        "DynamoDB's own time is not measured: moto answers a 2,000-item Query in seconds, which says "
        "nothing about AWS, where each Query page (up to 1 MB) is one round trip; the count carries over."
    )
    section.problems.extend(problems)
    return section
