"""The `consents` table: one researcher's authorization of DTU Orbit on their ORCID record.

Every change is conditional, so a callback, a disconnect and a worker can never overwrite each other:
the HTTP side writes whole consents guarded by their `version` (optimistic locking, retried on a
conflict by `change`); the worker only updates the sync summary, or enters "revoked", with UpdateItem
guarded by the consent's status, iD and token. The `orcid_claims` table names the one Orbit person an
ORCID iD belongs to; a claim changes hands only in the same transaction as the consent it serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from orcid_sync.store.items import TableStore, from_item, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# The audit trail kept on a consent; older entries fall off so the item stays small.
HISTORY_LIMIT = 50
# ORCID's scope for the person section (researcher URLs); asked for, not required.
PERSON_UPDATE_SCOPE = "/person/update"
# How often `change` re-reads and tries again when another writer got there first.
CHANGE_ATTEMPTS = 5


class ConsentStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"  # ORCID answered 401 invalid_token: the researcher removed us on orcid.org
    DISCONNECTED = "disconnected"  # the researcher disconnected from Orbit
    DECLINED = "declined"  # the researcher pressed Deny on ORCID's consent screen


class ConsentChanged(RuntimeError):
    """Another writer changed the consent (or the iD's claim) first; nothing was written."""


class ConsentEvent(BaseModel):
    """One line of the audit trail: what happened to the consent, when, and for which iD."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    event: str
    orcid: str | None = None


class SyncSummary(BaseModel):
    """What the sync knows of this researcher's record after its last job, shown on the status page."""

    model_config = ConfigDict(frozen=True)

    last_run_at: datetime
    on_orcid: int = 0  # our works on the record, by our links for this iD
    created: int = 0  # these four: what the last job did
    updated: int = 0
    deleted: int = 0
    failed: int = 0
    # The first problem in plain words (the headline on the status page), or None when all is well.
    problem: str | None = None
    # What stopped or limited the last run, by code (see sync.summary.RunProblem), and its words.
    run_problem: str | None = None
    run_problem_text: str | None = None
    # What the page needs to say it in the researcher's language, by name: `orcid` (merged into),
    # `reason` (locked, deactivated, ...), `count` (deletions held), `message` (ORCID's or Orbit's words).
    run_problem_args: dict[str, str] = Field(default_factory=dict)
    # Per Orbit output: what keeps it off ORCID (refused, duplicate, not buildable, not readable).
    problems: dict[str, str] = Field(default_factory=dict)
    # Outputs whose work could not be built or whose Orbit record could not be read (a subset of problems).
    unsendable: dict[str, str] = Field(default_factory=dict)
    held_deletions: int = 0  # deletions the mass-deletion guard held back
    left_alone: int = 0  # works of our client on the record that no link of this researcher names
    private: int = 0  # our works that ORCID lists as private (only the researcher sees them)
    # Employment (from Orbit's staff associations): ours on the record for this iD, by our links, and
    # per association what keeps it off (not readable in Orbit, refused, removed by the researcher).
    employments: int = 0
    employment_problems: dict[str, str] = Field(default_factory=dict)


# The most outputs a researcher can leave out one by one (kinds of output cover whole groups); keeps
# the consent item far below DynamoDB's 400 KB.
MAX_EXCLUDED_OUTPUTS = 2000


class SyncChoices(BaseModel):
    """What the researcher chose: honoured by every job. Written only by the HTTP side, guarded."""

    model_config = ConfigDict(frozen=True)

    paused: bool = False  # nothing is written to ORCID while paused
    # Orbit outputs (uuids, lower case) the researcher wants off ORCID, until they take them back.
    excluded_outputs: frozenset[str] = frozenset()
    # Kinds of output (ORCID work types, e.g. newspaper-article) the researcher wants off ORCID.
    excluded_kinds: frozenset[str] = frozenset()

    @field_serializer("excluded_outputs", "excluded_kinds")
    def _sorted(self, values: frozenset[str]) -> list[str]:
        return sorted(values)

    def leaves_out(self, publication_id: str, kind: str | None) -> bool:
        return publication_id.lower() in self.excluded_outputs or (
            kind is not None and kind in self.excluded_kinds
        )


class Consent(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    status: ConsentStatus
    orcid: str | None = None
    name: str | None = None
    scopes: frozenset[str] = frozenset()
    # KMS ciphertexts (encryption context: person_id). Absent once disconnected.
    access_token: bytes | None = Field(default=None, repr=False)
    refresh_token: bytes | None = Field(default=None, repr=False)
    token_expires_at: datetime | None = None
    granted_at: datetime | None = None
    changed_at: datetime
    sync: SyncSummary | None = None
    choices: SyncChoices = Field(default_factory=SyncChoices)
    history: tuple[ConsentEvent, ...] = ()
    # The researcher's choice: write DTU employment (and the Orbit profile link) on their record.
    sync_affiliations: bool = True
    # Set when Orbit shows the researcher left DTU and the end date is on ORCID: the sync is paused
    # (nothing is written) until Orbit shows an association that has started and not ended.
    former_staff_since: date | None = None
    # Bumped by every write; a write names the version it read (0: an item from before versions).
    version: int = 0
    # Epoch seconds after which DynamoDB's TTL deletes a disconnected or declined consent; None otherwise.
    expires_at: int | None = None

    @property
    def may_write_person_section(self) -> bool:
        """Granted ORCID's /person/update: the Orbit profile link can go on the record."""
        return PERSON_UPDATE_SCOPE in self.scopes

    def with_event(self, event: str, at: datetime, **changes: Any) -> Consent:
        """A copy with `changes` applied and `event` appended to the audit trail."""
        entry = ConsentEvent(at=at, event=event, orcid=changes.get("orcid", self.orcid))
        history = (*self.history, entry)[-HISTORY_LIMIT:]
        return self.model_copy(update={**changes, "changed_at": at, "history": history})


class OrcidClaim(BaseModel):
    """Which Orbit person an ORCID iD belongs to, and the claim's own version."""

    model_config = ConfigDict(frozen=True)

    orcid: str
    person_id: str
    version: int


def _conflict(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")


class ConsentStore(TableStore):
    def __init__(
        self, table_name: str, client: DynamoDBClient | None = None, claims_table: str | None = None
    ) -> None:
        super().__init__(table_name, client)
        self._claims = claims_table

    def get(self, person_id: str) -> Consent | None:
        answer = self._db.get_item(
            TableName=self._table, Key=to_item({"person_id": person_id}), ConsistentRead=True
        )
        item = answer.get("Item")
        return _consent(item) if item else None

    def active_person_ids(self, page_size: int = 1000) -> Iterator[list[str]]:
        """Pages of person ids with an active consent (a scan: the nightly run reads them all anyway)."""
        pages = self._db.get_paginator("scan").paginate(
            TableName=self._table,
            ProjectionExpression="person_id",
            FilterExpression="#status = :active",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=to_item({":active": ConsentStatus.ACTIVE.value}),
            PaginationConfig={"PageSize": page_size},
        )
        for answer in pages:
            page = [str(from_item(item)["person_id"]) for item in answer.get("Items", [])]
            if page:
                yield page

    def person_ids_for(self, orcid: str) -> list[str]:
        """The people whose consent names this ORCID iD (the by-orcid index; usually one)."""
        paginator = self._db.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            IndexName="by-orcid",
            KeyConditionExpression="orcid = :o",
            ExpressionAttributeValues=to_item({":o": orcid}),
        )
        return [str(from_item(item)["person_id"]) for page in pages for item in page.get("Items", [])]

    def all_consents(self, page_size: int = 500) -> Iterator[Consent]:
        """Every consent, page by page (operators' reports; the nightly run reads only active ids)."""
        paginator = self._db.get_paginator("scan")
        for page in paginator.paginate(TableName=self._table, PaginationConfig={"PageSize": page_size}):
            for item in page.get("Items", []):
                if "status" in item and "changed_at" in item:  # consents, not other records in the table
                    yield _consent(item)

    # --- the HTTP side: whole consents, guarded by their version ----------------------------------
    def save(self, consent: Consent, read: Consent | None) -> Consent:
        """Write `consent` if the stored one is still `read` (None: if none is stored); or ConsentChanged."""
        stored = consent.model_copy(update={"version": (read.version if read else 0) + 1})
        try:
            self._db.put_item(**self._guarded_put(stored, read))
        except ClientError as error:
            if _conflict(error):
                raise ConsentChanged(f"the consent of {consent.person_id} changed meanwhile") from None
            raise
        return stored

    def change(
        self, person_id: str, make: Callable[[Consent | None], Consent | None]
    ) -> tuple[Consent | None, Consent | None]:
        """Read, `make` the new consent from it, save it guarded; on a conflict read again and retry.

        `make` must have no side effects (it may run more than once); it returns None to write nothing.
        Returns (the consent it replaced, the consent written), or raises ConsentChanged.
        """
        for _ in range(CHANGE_ATTEMPTS):
            current = self.get(person_id)
            wanted = make(current)
            if wanted is None:
                return current, None
            try:
                return current, self.save(wanted, current)
            except ConsentChanged:
                continue
        raise ConsentChanged(f"the consent of {person_id} kept changing; nothing was written")

    def create(self, consent: Consent) -> Consent:
        """Write a consent for a person who has none (seeding, tests). Raises ConsentChanged."""
        return self.save(consent, None)

    # --- the iD's claim: one ORCID iD, one Orbit person -------------------------------------------
    def claim_of(self, orcid: str) -> OrcidClaim | None:
        answer = self._db.get_item(
            TableName=self._claims_table, Key=to_item({"orcid": orcid}), ConsistentRead=True
        )
        item = answer.get("Item")
        if not item:
            return None
        values = from_item(item)
        return OrcidClaim(orcid=orcid, person_id=str(values["person_id"]), version=int(values["version"]))

    def save_claimed(self, consent: Consent, read: Consent | None, claim: OrcidClaim | None) -> Consent:
        """Write `consent` and make its iD's claim name its person, both or neither.

        `claim` is the claim as read (None: there was none); the transaction fails with ConsentChanged
        if the claim or the consent changed since.
        """
        assert consent.orcid is not None
        stored = consent.model_copy(update={"version": (read.version if read else 0) + 1})
        claim_put: dict[str, Any] = {
            "TableName": self._claims_table,
            "Item": to_item(
                {
                    "orcid": consent.orcid,
                    "person_id": consent.person_id,
                    "version": (claim.version if claim else 0) + 1,
                }
            ),
        }
        if claim is None:
            claim_put["ConditionExpression"] = "attribute_not_exists(orcid)"
        else:
            claim_put["ConditionExpression"] = "version = :seen"
            claim_put["ExpressionAttributeValues"] = to_item({":seen": claim.version})
        items: list[TransactWriteItemTypeDef] = [
            {"Put": self._guarded_put(stored, read)},  # type: ignore[typeddict-item]
            {"Put": claim_put},  # type: ignore[typeddict-item]
        ]
        try:
            self._db.transact_write_items(TransactItems=items)
        except ClientError as error:
            if _conflict(error):
                raise ConsentChanged(f"the consent or claim of {consent.orcid} changed meanwhile") from None
            raise
        return stored

    @property
    def _claims_table(self) -> str:
        if not self._claims:
            raise RuntimeError("this ConsentStore was made without the orcid_claims table")
        return self._claims

    # --- erasure: the consent, its claim, and a tombstone without personal data ---------------------
    def erase(self, consent: Consent, tombstone: dict[str, Any]) -> None:
        """Delete the consent (if unchanged since read) and its iD's claim (if still its); keep `tombstone`.

        Raises ConsentChanged when the consent changed meanwhile (a callback or a job): read and retry.
        """
        items: list[TransactWriteItemTypeDef] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": to_item({"person_id": consent.person_id}),
                    "ConditionExpression": "attribute_not_exists(#version) OR #version = :read",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": to_item({":read": consent.version}),
                }
            },
            {"Put": {"TableName": self._table, "Item": to_item(tombstone)}},
        ]
        try:
            self._db.transact_write_items(TransactItems=items)
        except ClientError as error:
            if _conflict(error):
                raise ConsentChanged(f"the consent of {consent.person_id} changed meanwhile") from None
            raise
        if consent.orcid and self._claims:
            try:
                self._db.delete_item(
                    TableName=self._claims,
                    Key=to_item({"orcid": consent.orcid}),
                    ConditionExpression="person_id = :p",
                    ExpressionAttributeValues=to_item({":p": consent.person_id}),
                )
            except ClientError as error:
                if not _conflict(error):  # held by someone else now: not ours to delete
                    raise

    # --- the worker's side: updates guarded by status, iD and token --------------------------------
    def record_sync(self, person_id: str, orcid: str, summary: SyncSummary) -> bool:
        """Store the sync summary if the consent is still active for `orcid`; False if it is not."""
        return self._update(
            person_id,
            "SET #sync = :sync ADD #version :one",
            "#status = :active AND orcid = :orcid",
            {
                ":sync": summary.model_dump(mode="json"),
                ":active": ConsentStatus.ACTIVE.value,
                ":orcid": orcid,
            },
        )

    def mark_revoked(
        self, person_id: str, orcid: str, access_token: bytes, at: datetime, summary: SyncSummary
    ) -> bool:
        """Enter "revoked" from "active", only for the token that ORCID refused; False otherwise."""
        entry = ConsentEvent(at=at, event="revoked", orcid=orcid).model_dump(mode="json")
        return self._update(
            person_id,
            "SET #status = :revoked, changed_at = :at, #sync = :sync, "
            "history = list_append(if_not_exists(history, :empty), :entry) ADD #version :one",
            "#status = :active AND orcid = :orcid AND access_token = :token",
            {
                ":revoked": ConsentStatus.REVOKED.value,
                ":active": ConsentStatus.ACTIVE.value,
                ":orcid": orcid,
                ":token": access_token,
                ":at": at.isoformat(),
                ":sync": summary.model_dump(mode="json"),
                ":empty": [],
                ":entry": [entry],
            },
        )

    def set_former_staff(self, person_id: str, orcid: str, since: date | None, at: datetime) -> bool:
        """Pause (since = the last association's end) or resume (None) the sync of a researcher who left
        DTU, if the consent is still active for `orcid`; noted in the audit trail. False otherwise."""
        event = "paused: left DTU" if since is not None else "resumed: back at DTU"
        entry = ConsentEvent(at=at, event=event, orcid=orcid).model_dump(mode="json")
        values: dict[str, Any] = {
            ":active": ConsentStatus.ACTIVE.value,
            ":orcid": orcid,
            ":empty": [],
            ":entry": [entry],
        }
        history = "history = list_append(if_not_exists(history, :empty), :entry)"
        if since is not None:
            values[":since"] = since.isoformat()
            expression = f"SET former_staff_since = :since, {history} ADD #version :one"
        else:
            expression = f"SET {history} REMOVE former_staff_since ADD #version :one"
        return self._update(person_id, expression, "#status = :active AND orcid = :orcid", values)

    def _update(self, person_id: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
        try:
            self._db.update_item(
                TableName=self._table,
                Key=to_item({"person_id": person_id}),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames={
                    name: attribute
                    for name, attribute in (("#status", "status"), ("#sync", "sync"), ("#version", "version"))
                    if name in expression or name in condition
                },
                ExpressionAttributeValues=to_item({**values, ":one": 1}),
            )
        except ClientError as error:
            if _conflict(error):
                return False
            raise
        return True

    def _guarded_put(self, stored: Consent, read: Consent | None) -> dict[str, Any]:
        values = stored.model_dump(mode="json", exclude={"access_token", "refresh_token", "scopes"})
        values["access_token"] = stored.access_token
        values["refresh_token"] = stored.refresh_token
        # DynamoDB string sets cannot be empty; store scopes as a sorted list.
        values["scopes"] = sorted(stored.scopes)
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(values)}
        if read is None:
            put["ConditionExpression"] = "attribute_not_exists(person_id)"
        elif read.version == 0:
            put["ConditionExpression"] = "attribute_exists(person_id) AND attribute_not_exists(#version)"
            put["ExpressionAttributeNames"] = {"#version": "version"}
        else:
            put["ConditionExpression"] = "#version = :read"
            put["ExpressionAttributeNames"] = {"#version": "version"}
            put["ExpressionAttributeValues"] = to_item({":read": read.version})
        return put


def _consent(item: dict[str, Any]) -> Consent:
    values = from_item(item)
    values["scopes"] = frozenset(values.get("scopes", ()))
    for number in ("version", "expires_at"):
        if number in values:
            values[number] = int(values[number])
    return Consent.model_validate(values)
