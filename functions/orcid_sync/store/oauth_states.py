"""The `oauth_states` table: one-time OAuth states, stored by hash, single use, with a TTL."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from orcid_sync.store.items import TableStore, from_item, to_item

if TYPE_CHECKING:
    pass


class StoredState(BaseModel):
    """What we remember about a state we handed to ORCID. The state itself is never stored."""

    model_config = ConfigDict(frozen=True)

    state_hash: str
    person_id: str
    browser_hash: str
    expires_at: int  # epoch seconds; also the table's TTL attribute
    registration: bool = False  # the researcher asked for ORCID's registration form
    used_at: datetime | None = None


class OAuthStateStore(TableStore):
    def put(self, state: StoredState) -> None:
        values = state.model_dump()
        values["used_at"] = None
        self._db.put_item(
            TableName=self._table,
            Item=to_item(values),
            ConditionExpression="attribute_not_exists(state_hash)",
        )

    def get(self, state_hash: str) -> StoredState | None:
        answer = self._db.get_item(
            TableName=self._table, Key=to_item({"state_hash": state_hash}), ConsistentRead=True
        )
        item = answer.get("Item")
        return StoredState.model_validate(from_item(item)) if item else None

    def consume(self, state_hash: str, now: datetime) -> bool:
        """Mark the state used; False when it was already used (or is gone). Atomic, so a race loses."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=to_item({"state_hash": state_hash}),
                UpdateExpression="SET used_at = :now",
                ConditionExpression="attribute_exists(state_hash) AND attribute_not_exists(used_at)",
                ExpressionAttributeValues=to_item({":now": now.isoformat()}),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
