"""The `work_links` table: what we remember about each (researcher, Orbit output) pair on ORCID."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.store.items import ItemsNotSaved, TableStore, from_item, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

__all__ = ["LinkState", "LinksNotSaved", "WorkLink", "WorkLinkStore"]

BY_PUBLICATION_INDEX = "by-publication"
# DynamoDB left some links unwritten after every retry; the job fails and is retried.
LinksNotSaved = ItemsNotSaved


class WorkLinkStore(TableStore):
    def get(self, person_id: str, publication_id: str) -> WorkLink | None:
        answer = self._db.get_item(
            TableName=self._table,
            Key=to_item({"person_id": person_id, "publication_id": publication_id}),
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return _link(item) if item else None

    def of_person(self, person_id: str) -> dict[str, WorkLink]:
        found = (_link(item) for item in self.person_items(person_id, consistent=True))
        return {record.publication_id: record for record in found}

    def holders_of(self, publication_id: str) -> set[str]:
        """Researchers holding a link to an output (a deletion event names only the output)."""
        pages = self._db.get_paginator("query").paginate(
            TableName=self._table,
            IndexName=BY_PUBLICATION_INDEX,
            KeyConditionExpression="publication_id = :p",
            ExpressionAttributeValues=to_item({":p": publication_id}),
        )
        return {str(from_item(item)["person_id"]) for page in pages for item in page.get("Items", [])}

    def put(self, link: WorkLink) -> None:
        self._db.put_item(TableName=self._table, Item=to_item(link.model_dump(mode="json")))

    def put_many(self, links: Iterable[WorkLink], sleep: Callable[[float], None] = time.sleep) -> None:
        """Write links 25 to a call (a bulk POST's answer); what DynamoDB leaves unprocessed is retried."""
        by_key = {(link.person_id, link.publication_id): link for link in links}  # a batch refuses repeats
        requests: list[WriteRequestTypeDef] = [
            {"PutRequest": {"Item": to_item(link.model_dump(mode="json"))}} for link in by_key.values()
        ]
        self.write_batches(requests, "work links", sleep)

    def delete_all(self, person_id: str) -> int:
        """Forget every link of a person (erasure), 25 deletions to a call; returns how many."""
        keys = [
            {"DeleteRequest": {"Key": to_item({"person_id": person_id, "publication_id": pid})}}
            for pid in self.of_person(person_id)
        ]
        self.write_batches(keys, "work links")
        return len(keys)

    def delete(self, person_id: str, publication_id: str) -> None:
        self._db.delete_item(
            TableName=self._table, Key=to_item({"person_id": person_id, "publication_id": publication_id})
        )


def _link(item: dict[str, Any]) -> WorkLink:
    values = from_item(item)
    if values.get("put_code") is not None:
        values["put_code"] = int(values["put_code"])
    return WorkLink.model_validate(values)
