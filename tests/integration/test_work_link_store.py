"""The work_links adapter's batched writes: 25 links to a call, DynamoDB's leftovers retried, never lost."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import boto3
import pytest

from infra.local.stack import LocalStack
from orcid_sync.store.work_links import LinksNotSaved, LinkState, WorkLink, WorkLinkStore


def link(number: int, person_id: str = "p-batch") -> WorkLink:
    return WorkLink(
        person_id=person_id,
        publication_id=f"pub-{number:04d}",
        state=LinkState.SYNCED,
        put_code=1000 + number,
        content_hash=f"hash-{number}",
        changed_at=datetime(2026, 11, 24, tzinfo=UTC),
    )


class CountingClient:
    """The real moto-backed client, counting BatchWriteItem calls and, if told, leaving items unprocessed."""

    def __init__(self, leave_unprocessed: list[int]) -> None:
        self.real = boto3.client("dynamodb")
        self.calls: list[int] = []
        self.leave_unprocessed = list(leave_unprocessed)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:  # noqa: N803
        ((table, requests),) = RequestItems.items()
        self.calls.append(len(requests))
        keep = self.leave_unprocessed.pop(0) if self.leave_unprocessed else 0
        written, left = requests[: len(requests) - keep], requests[len(requests) - keep :]
        if written:
            self.real.batch_write_item(RequestItems={table: written})
        return {"UnprocessedItems": {table: left} if left else {}}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def store(stack: LocalStack, client: CountingClient) -> WorkLinkStore:
    return WorkLinkStore(stack.resources.refs["WorkLinksTable"], client=client)  # type: ignore[arg-type]


def test_links_are_written_twenty_five_to_a_call(stack: LocalStack) -> None:
    client = CountingClient(leave_unprocessed=[])
    links = [link(n, "p-chunks") for n in range(60)]

    store(stack, client).put_many(links)

    assert client.calls == [25, 25, 10]
    assert store(stack, client).of_person("p-chunks") == {item.publication_id: item for item in links}


def test_items_dynamodb_leaves_unprocessed_are_retried_until_written(stack: LocalStack) -> None:
    client = CountingClient(leave_unprocessed=[7, 3])
    pauses: list[float] = []
    links = [link(n, "p-retry") for n in range(25)]

    store(stack, client).put_many(links, sleep=pauses.append)

    assert client.calls == [25, 7, 3]
    assert pauses and all(later > earlier for earlier, later in pairwise(pauses))
    assert len(store(stack, client).of_person("p-retry")) == 25


def test_links_still_unprocessed_after_every_retry_fail_the_job_loudly(stack: LocalStack) -> None:
    client = CountingClient(leave_unprocessed=[2] * 10)

    with pytest.raises(LinksNotSaved, match="2 work links"):
        store(stack, client).put_many([link(n, "p-stuck") for n in range(5)], sleep=lambda _: None)


def test_a_link_given_twice_is_written_once_with_its_last_value(stack: LocalStack) -> None:
    client = CountingClient(leave_unprocessed=[])
    first, again = link(1, "p-twice"), link(1, "p-twice").model_copy(update={"put_code": 77})

    store(stack, client).put_many([first, again])

    assert client.calls == [1]
    assert store(stack, client).get("p-twice", "pub-0001").put_code == 77  # type: ignore[union-attr]
