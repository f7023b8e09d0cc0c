"""The `sessions` table: sign-in attempts (one per trip to the identity provider) and signed-in sessions.

Both are stored under the SHA-256 of a secret only the browser holds (the OIDC `state`, the session
cookie), so a read of the table yields nothing a browser could present. `expires_at` is the table's TTL
attribute; expiry is always checked in code, since DynamoDB sweeps expired items only eventually.
"""

from __future__ import annotations

from typing import Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from orcid_sync.store.items import TableStore, from_item, to_item


class SignInAttempt(BaseModel):
    model_config = ConfigDict(frozen=True)

    id_hash: str  # SHA-256 of the `state` sent to the provider
    kind: Literal["sign_in"] = "sign_in"
    browser_hash: str  # SHA-256 of the secret in this browser's sign-in cookie
    return_to: str  # our own path to go back to once signed in
    expires_at: int
    used_at: int | None = None


class Session(BaseModel):
    model_config = ConfigDict(frozen=True)

    id_hash: str  # SHA-256 of the session cookie's value
    kind: Literal["session"] = "session"
    person_id: str
    created_at: int
    expires_at: int  # sliding: moved forward while the researcher is active
    absolute_expires_at: int  # never moved: a session ends at the latest here
    renewed_at: int


def _conditional_failed(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"


class SessionStore(TableStore):
    def put_attempt(self, attempt: SignInAttempt) -> None:
        self._db.put_item(
            TableName=self._table,
            Item=to_item(attempt.model_dump()),
            ConditionExpression="attribute_not_exists(id_hash)",
        )

    def get_attempt(self, id_hash: str) -> SignInAttempt | None:
        item = self._get(id_hash)
        return SignInAttempt.model_validate(item) if item and item.get("kind") == "sign_in" else None

    def consume_attempt(self, id_hash: str, now: int) -> bool:
        """Mark the attempt used; False when it already was (a replay, or a race lost). Atomic."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=to_item({"id_hash": id_hash}),
                UpdateExpression="SET used_at = :now",
                ConditionExpression="#kind = :kind AND attribute_not_exists(used_at)",
                ExpressionAttributeNames={"#kind": "kind"},
                ExpressionAttributeValues=to_item({":now": now, ":kind": "sign_in"}),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def put_session(self, session: Session) -> None:
        self._db.put_item(
            TableName=self._table,
            Item=to_item(session.model_dump()),
            ConditionExpression="attribute_not_exists(id_hash)",
        )

    def get_session(self, id_hash: str) -> Session | None:
        item = self._get(id_hash)
        return Session.model_validate(item) if item and item.get("kind") == "session" else None

    def renew(self, id_hash: str, expires_at: int, now: int) -> bool:
        """Slide the session's expiry; False when it ended meanwhile (signed out, expired), never revived."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=to_item({"id_hash": id_hash}),
                UpdateExpression="SET expires_at = :expires, renewed_at = :now",
                ConditionExpression="#kind = :kind AND expires_at > :now",
                ExpressionAttributeNames={"#kind": "kind"},
                ExpressionAttributeValues=to_item({":expires": expires_at, ":now": now, ":kind": "session"}),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def delete_session(self, id_hash: str) -> None:
        self._db.delete_item(TableName=self._table, Key=to_item({"id_hash": id_hash}))

    def _get(self, id_hash: str) -> dict[str, object] | None:
        answer = self._db.get_item(
            TableName=self._table, Key=to_item({"id_hash": id_hash}), ConsistentRead=True
        )
        item = answer.get("Item")
        return from_item(item) if item else None
