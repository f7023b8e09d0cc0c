"""The `consents` table: one researcher's authorization of DTU Orbit on their ORCID record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from orcid_sync.store.items import TableStore, from_item, to_item

if TYPE_CHECKING:
    pass

# The audit trail kept on a consent; older entries fall off so the item stays small.
HISTORY_LIMIT = 50


class ConsentStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"  # ORCID answered 401 invalid_token: the researcher removed us on orcid.org
    DISCONNECTED = "disconnected"  # the researcher disconnected from Orbit
    DECLINED = "declined"  # the researcher pressed Deny on ORCID's consent screen


class ConsentEvent(BaseModel):
    """One line of the audit trail: what happened to the consent, when, and for which iD."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    event: str
    orcid: str | None = None


class SyncSummary(BaseModel):
    """What the last sync run did for this researcher, shown on the status page."""

    model_config = ConfigDict(frozen=True)

    last_run_at: datetime
    on_orcid: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    failed: int = 0
    problem: str | None = None


class Consent(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    status: ConsentStatus
    orcid: str | None = None
    name: str | None = None
    scopes: frozenset[str] = frozenset()
    # KMS ciphertexts (encryption context: person_id). Absent once disconnected or revoked.
    access_token: bytes | None = Field(default=None, repr=False)
    refresh_token: bytes | None = Field(default=None, repr=False)
    token_expires_at: datetime | None = None
    granted_at: datetime | None = None
    changed_at: datetime
    sync: SyncSummary | None = None
    history: tuple[ConsentEvent, ...] = ()

    def with_event(self, event: str, at: datetime, **changes: Any) -> Consent:
        """A copy with `changes` applied and `event` appended to the audit trail."""
        entry = ConsentEvent(at=at, event=event, orcid=changes.get("orcid", self.orcid))
        history = (*self.history, entry)[-HISTORY_LIMIT:]
        return self.model_copy(update={**changes, "changed_at": at, "history": history})


class ConsentStore(TableStore):
    def get(self, person_id: str) -> Consent | None:
        answer = self._db.get_item(
            TableName=self._table, Key=to_item({"person_id": person_id}), ConsistentRead=True
        )
        item = answer.get("Item")
        if not item:
            return None
        values = from_item(item)
        values["scopes"] = frozenset(values.get("scopes", ()))
        return Consent.model_validate(values)

    def active_person_ids(self, page_size: int = 1000) -> Iterator[list[str]]:
        """Pages of person ids with an active consent (a scan: the nightly run reads them all anyway)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "ProjectionExpression": "person_id",
            "FilterExpression": "#status = :active",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": to_item({":active": ConsentStatus.ACTIVE.value}),
            "Limit": page_size,
        }
        while True:
            answer = self._db.scan(**kwargs)
            page = [str(from_item(item)["person_id"]) for item in answer.get("Items", [])]
            if page:
                yield page
            if "LastEvaluatedKey" not in answer:
                return
            kwargs["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def put(self, consent: Consent) -> None:
        values = consent.model_dump(mode="json", exclude={"access_token", "refresh_token", "scopes"})
        values["access_token"] = consent.access_token
        values["refresh_token"] = consent.refresh_token
        # DynamoDB string sets cannot be empty; store scopes as a sorted list.
        values["scopes"] = sorted(consent.scopes)
        self._db.put_item(TableName=self._table, Item=to_item(values))
