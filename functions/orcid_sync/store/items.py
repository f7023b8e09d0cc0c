"""Conversion between plain Python values and DynamoDB's typed attribute values."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from orcid_sync import aws

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Serialize, leaving out None so optional attributes stay absent (sparse indexes rely on it)."""
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    values = {key: _deserializer.deserialize(value) for key, value in item.items()}
    return {key: _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    # Binary's stub types __bytes__ as returning str; the runtime object keeps the bytes in `.value`.
    return value.value if isinstance(value, Binary) else value  # type: ignore[attr-defined]


BATCH_WRITE_LIMIT = 25  # DynamoDB's most items per BatchWriteItem
BATCH_WRITE_ATTEMPTS = 6


class ItemsNotSaved(RuntimeError):
    """DynamoDB left some writes of a batch unprocessed after every retry; the caller's job fails."""


class TableStore:
    """Base of the table adapters: one table, and a DynamoDB client made on first use (or given)."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._client = client

    @property
    def _db(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    def person_items(self, person_id: str, *, consistent: bool = False) -> Iterator[dict[str, Any]]:
        """Every item of a table keyed by `person_id`, page after page (boto3's paginator)."""
        pages = self._db.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="person_id = :p",
            ExpressionAttributeValues=to_item({":p": person_id}),
            ConsistentRead=consistent,
        )
        for answer in pages:
            yield from answer.get("Items", [])

    def write_batches(
        self, requests: Sequence[Any], what: str, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """Put and delete requests, 25 to a BatchWriteItem; what DynamoDB leaves unprocessed is retried
        with a growing wait, and raises ItemsNotSaved (naming `what`) if it is still left after six tries."""
        for start in range(0, len(requests), BATCH_WRITE_LIMIT):
            pending: Any = list(requests[start : start + BATCH_WRITE_LIMIT])
            for attempt in range(BATCH_WRITE_ATTEMPTS):
                if attempt:
                    sleep(0.05 * 2**attempt)
                answer = self._db.batch_write_item(RequestItems={self._table: pending})
                pending = answer.get("UnprocessedItems", {}).get(self._table, [])
                if not pending:
                    break
            else:
                raise ItemsNotSaved(f"{len(pending)} {what} left unprocessed by DynamoDB")

    def forget_person(self, person_id: str, key: str) -> int:
        """Delete every item whose `person_id` is this person (a scan: erasure is rare); returns how many.

        For the small, short-lived tables (sessions, OAuth states) that have no index by person.
        """
        paginator = self._db.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self._table,
            FilterExpression="person_id = :p",
            ExpressionAttributeValues=to_item({":p": person_id}),
            ProjectionExpression="#k",
            ExpressionAttributeNames={"#k": key},
        )
        deleted = 0
        for page in pages:
            for item in page.get("Items", []):
                self._db.delete_item(TableName=self._table, Key={key: item[key]})
                deleted += 1
        return deleted

    def forget_partition(self, person_id: str, sort_key: str) -> int:
        """Delete every item of a table keyed (person_id, `sort_key`) for this person; returns how many."""
        paginator = self._db.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="person_id = :p",
            ExpressionAttributeValues=to_item({":p": person_id}),
            ProjectionExpression="person_id, #s",
            ExpressionAttributeNames={"#s": sort_key},
        )
        deleted = 0
        for page in pages:
            for item in page.get("Items", []):
                self._db.delete_item(TableName=self._table, Key=item)
                deleted += 1
        return deleted
