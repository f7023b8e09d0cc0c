"""The `affiliation_links` table: our employments and the Orbit profile link on each researcher's record."""

from __future__ import annotations

from typing import Any

from orcid_sync.domain.affiliation_links import AffiliationLink
from orcid_sync.store.items import TableStore, from_item, to_item

__all__ = ["AffiliationLink", "AffiliationLinkStore"]


class AffiliationLinkStore(TableStore):
    def of_person(self, person_id: str) -> dict[str, AffiliationLink]:
        """Every link of the researcher, by item (`employment#…`, `researcher-url#…`)."""
        links: dict[str, AffiliationLink] = {}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "person_id = :p",
            "ExpressionAttributeValues": to_item({":p": person_id}),
            "ConsistentRead": True,
        }
        while True:
            answer = self._db.query(**kwargs)
            for item in answer.get("Items", []):
                link = _link(item)
                links[link.item] = link
            if "LastEvaluatedKey" not in answer:
                return links
            kwargs["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def put(self, link: AffiliationLink) -> None:
        self._db.put_item(TableName=self._table, Item=to_item(link.model_dump(mode="json")))


def _link(item: dict[str, Any]) -> AffiliationLink:
    values = from_item(item)
    if values.get("put_code") is not None:
        values["put_code"] = int(values["put_code"])
    return AffiliationLink.model_validate(values)
