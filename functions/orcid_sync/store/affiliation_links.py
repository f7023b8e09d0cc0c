"""The `affiliation_links` table: our employments and the Orbit profile link on each researcher's record."""

from __future__ import annotations

from typing import Any

from orcid_sync.domain.affiliation_links import AffiliationLink
from orcid_sync.store.items import TableStore, from_item, to_item

__all__ = ["AffiliationLink", "AffiliationLinkStore"]


class AffiliationLinkStore(TableStore):
    def of_person(self, person_id: str) -> dict[str, AffiliationLink]:
        """Every link of the researcher, by item (`employment#…`, `researcher-url#…`)."""
        found = (_link(item) for item in self.person_items(person_id, consistent=True))
        return {record.item: record for record in found}

    def put(self, link: AffiliationLink) -> None:
        self._db.put_item(TableName=self._table, Item=to_item(link.model_dump(mode="json")))


def _link(item: dict[str, Any]) -> AffiliationLink:
    values = from_item(item)
    if values.get("put_code") is not None:
        values["put_code"] = int(values["put_code"])
    return AffiliationLink.model_validate(values)
