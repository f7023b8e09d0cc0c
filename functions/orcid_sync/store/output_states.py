"""The `output_states` table: what Orbit holds for a researcher, one item per research output.

The sync worker writes it (only what changed) from the Orbit answers it reads anyway; the status page
reads it with the work links to account for every output without asking Orbit at page time. It holds
Orbit's side only — title, kind, year, whether and why the output stays in Orbit, whether it could be
sent at all — never what happened on ORCID (that is the work links').
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from orcid_sync.store.items import TableStore, from_item, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

TITLE_MAX = 300  # enough to recognize an output; keeps 2,000 of them in one or two query pages
DETAIL_MAX = 500


class OutputState(BaseModel):
    """One Orbit output of one researcher, as the last job that read it from Orbit saw it."""

    model_config = ConfigDict(frozen=True)

    person_id: str
    publication_id: str
    title: str | None = None
    kind: str | None = None  # the ORCID work type it would have (the researcher chooses by it)
    year: int | None = None
    url: str | None = None  # the output's page on Orbit
    stays: str | None = None  # why it stays in Orbit (orbit.eligibility.IneligibilityReason), or None
    # Why it cannot be sent although it may go: unbuildable, unreadable, ambiguous (by code) ...
    problem: str | None = None
    detail: str | None = None  # ... and the technical detail, shown after our words


def clipped(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OutputStateStore(TableStore):
    def of_person(self, person_id: str) -> dict[str, OutputState]:
        found = (_state(item) for item in self.person_items(person_id))
        return {record.publication_id: record for record in found}

    def get(self, person_id: str, publication_id: str) -> OutputState | None:
        answer = self._db.get_item(
            TableName=self._table, Key=to_item({"person_id": person_id, "publication_id": publication_id})
        )
        item = answer.get("Item")
        return _state(item) if item else None

    def write(
        self,
        puts: Iterable[OutputState],
        deletes: Iterable[tuple[str, str]] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Put and delete, 25 to a call; what DynamoDB leaves unprocessed is retried."""
        requests: list[WriteRequestTypeDef] = [
            {"PutRequest": {"Item": to_item(state.model_dump(mode="json"))}} for state in puts
        ]
        requests += [
            {"DeleteRequest": {"Key": to_item({"person_id": person, "publication_id": pid})}}
            for person, pid in deletes
        ]
        self.write_batches(requests, "output states", sleep)


def _state(item: dict[str, Any]) -> OutputState:
    values = from_item(item)
    if values.get("year") is not None:
        values["year"] = int(values["year"])
    return OutputState.model_validate(values)
