"""In-memory stand-ins at the boto3-client and Orbit-HTTP seams, for measuring our own code's CPU time.

`MemoryDynamoDB` and `MemorySqs` answer the few client calls the stores and the job queue make, with
DynamoDB's wire format (so the real `to_item`/`from_item` run); `MemoryOrbit` answers Orbit's Pure
WS 5.24 paths from stored JSON text (so the real JSON decoding and Pure adapter run). No network.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from orcid_sync.jobs.sync_jobs import SyncJobQueue
from orcid_sync.orbit.http import OrbitHttp
from orcid_sync.store.consents import ConsentStore
from orcid_sync.store.work_links import WorkLinkStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

_EQUALS = re.compile(r"^\s*(\S+)\s*=\s*(:\w+)\s*$")
_KEYS = {"consents": ("person_id",), "links": ("person_id", "publication_id")}


class _OnePage:
    """A boto3 paginator over an operation that answers everything at once."""

    def __init__(self, operation: Callable[..., dict[str, Any]]) -> None:
        self._operation = operation

    def paginate(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        kwargs.pop("PaginationConfig", None)
        yield self._operation(**kwargs)


class MemoryDynamoDB:
    """get_item, put_item and an equality query on a key attribute (base table or index), from dicts."""

    def __init__(self) -> None:
        self.items: dict[str, dict[tuple[str, ...], dict[str, Any]]] = defaultdict(dict)
        # table → key attribute → value → the keys of the items holding it (what an index gives DynamoDB)
        self._by: dict[str, dict[str, dict[str, set[tuple[str, ...]]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(set))
        )

    def _key(self, table: str, item: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(str(item[name]["S"]) for name in _KEYS[table])

    def put_item(self, *, TableName: str, Item: dict[str, Any], **_: Any) -> dict[str, Any]:  # noqa: N803
        key = self._key(TableName, Item)
        self.items[TableName][key] = Item
        for name in _KEYS[TableName]:
            self._by[TableName][name][str(Item[name]["S"])].add(key)
        return {}

    def get_item(self, *, TableName: str, Key: dict[str, Any], **_: Any) -> dict[str, Any]:  # noqa: N803
        item = self.items[TableName].get(self._key(TableName, Key))
        return {"Item": item} if item is not None else {}

    def get_paginator(self, operation: str) -> _OnePage:
        """What the stores page through: this table answers every query in one page."""
        return _OnePage(getattr(self, operation))

    def query(
        self,
        *,
        TableName: str,  # noqa: N803
        KeyConditionExpression: str,  # noqa: N803
        ExpressionAttributeValues: dict[str, Any],  # noqa: N803
        **_: Any,
    ) -> dict[str, Any]:
        match = _EQUALS.match(KeyConditionExpression)
        if match is None or match.group(1) not in _KEYS[TableName]:
            raise NotImplementedError(f"query {KeyConditionExpression!r} on {TableName}")
        name, placeholder = match.groups()
        value = str(ExpressionAttributeValues[placeholder]["S"])
        table = self.items[TableName]
        items = [table[key] for key in sorted(self._by[TableName][name].get(value, ()))]
        return {"Items": items, "Count": len(items)}


class MemorySqs:
    """send_message_batch: keeps the entries, answers each as sent."""

    def __init__(self) -> None:
        self.batches = 0
        self.messages = 0

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        if len(Entries) > 10:
            raise ValueError("SQS takes at most 10 entries per batch")
        self.batches += 1
        self.messages += len(Entries)
        return {"Successful": [{"Id": e["Id"], "MessageId": e["Id"]} for e in Entries], "Failed": []}


class MemoryOrbit(OrbitHttp):
    """Orbit's research outputs by uuid, kept as the JSON text Pure WS 5.24 would send."""

    def __init__(self, outputs: Mapping[str, dict[str, Any]]) -> None:
        super().__init__("http://orbit.invalid", lambda: "unused")
        self._json = {uuid: json.dumps(data) for uuid, data in outputs.items()}

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        text = self._json.get(path.rsplit("/", 1)[-1])
        return cast(dict[str, Any], json.loads(text)) if text is not None else None


def memory_stores(
    dynamodb: MemoryDynamoDB, sqs: MemorySqs
) -> tuple[ConsentStore, WorkLinkStore, SyncJobQueue]:
    client = cast("DynamoDBClient", dynamodb)
    return (
        ConsentStore("consents", client=client),
        WorkLinkStore("links", client=client),
        SyncJobQueue("memory://sync-jobs.fifo", client=cast("SQSClient", sqs)),
    )
