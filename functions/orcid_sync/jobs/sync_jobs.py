"""Jobs for the sync worker on the `sync-jobs` FIFO queue: one message group per researcher."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from orcid_sync import aws

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

BATCH_SIZE = 10  # SQS's most messages per SendMessageBatch


class JobKind(StrEnum):
    FULL = "full"  # bring all of a researcher's works in step
    OUTPUT = "output"  # one research output changed


class SyncJob(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: JobKind
    person_id: str = Field(min_length=1)
    publication_id: str | None = None
    # Why the job exists: consent, event, nightly, resync. Part of the deduplication id.
    reason: str
    # Distinguishes repeats that must not be deduplicated (e.g. the time of the consent).
    version: str
    # An operator confirmed that this full sync may delete more works than the mass-deletion guard allows.
    allow_mass_delete: bool = False
    # When Orbit last changed the output, as the router read it (an event job). A job about a change
    # the output's link already holds needs no read and no ORCID call (sync/freshness.py). Not part of
    # the deduplication id: the event's version is.
    orbit_modified: datetime | None = None

    @property
    def deduplication_id(self) -> str:
        raw = f"{self.kind.value}|{self.person_id}|{self.publication_id or '*'}|{self.reason}|{self.version}"
        if self.allow_mass_delete:
            raw += "|allow-mass-delete"
        return hashlib.sha256(raw.encode()).hexdigest()


def merge_key(job: SyncJob) -> tuple[str, str] | None:
    """Jobs with the same key may run as one: the jobs about one output of one researcher."""
    if job.kind is JobKind.OUTPUT and job.publication_id is not None:
        return job.person_id, job.publication_id
    return None


def merged(jobs: Sequence[SyncJob]) -> SyncJob:
    """One job standing for several with the same merge key, oldest first: the newest, which reads
    Orbit unless the link holds every change the jobs were about (the latest `orbit_modified`; none if
    any of them came without one).
    """
    newest = jobs[-1]
    stamps = [job.orbit_modified for job in jobs]
    seen = None if any(stamp is None for stamp in stamps) else max(s for s in stamps if s is not None)
    return newest.model_copy(update={"orbit_modified": seen})


class SyncJobQueue:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self._url = queue_url
        self._client = client

    @property
    def _sqs(self) -> SQSClient:
        return self._client or aws.sqs()

    def enqueue(self, job: SyncJob) -> None:
        self._sqs.send_message(
            QueueUrl=self._url,
            MessageBody=job.model_dump_json(),
            MessageGroupId=job.person_id,
            MessageDeduplicationId=job.deduplication_id,
        )

    def enqueue_many(self, jobs: Sequence[SyncJob]) -> None:
        """Send in batches of ten (SQS's limit); a partly failed batch raises, naming what failed."""
        for start in range(0, len(jobs), BATCH_SIZE):
            batch = jobs[start : start + BATCH_SIZE]
            answer = self._sqs.send_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {
                        "Id": str(index),
                        "MessageBody": job.model_dump_json(),
                        "MessageGroupId": job.person_id,
                        "MessageDeduplicationId": job.deduplication_id,
                    }
                    for index, job in enumerate(batch)
                ],
            )
            failed = answer.get("Failed", [])
            if failed:
                raise JobsNotQueued(
                    f"{len(failed)} of {len(batch)} sync jobs were not queued: {failed[0].get('Code')}"
                )


class JobsNotQueued(RuntimeError):
    """SQS refused some jobs of a batch; the caller retries the whole batch (deduplication makes it safe)."""


def nightly_job(person_id: str, night: str) -> SyncJob:
    """The nightly reconciliation of one researcher; `night` (a date) makes re-runs of a night idempotent."""
    return SyncJob(kind=JobKind.FULL, person_id=person_id, reason="nightly", version=night)


def resync_job(
    person_id: str, requested_at: datetime, restore: bool, *, allow_mass_delete: bool = False
) -> SyncJob:
    """A full sync asked for now; with `restore`, works the researcher removed on ORCID come back.

    Only an operator sets `allow_mass_delete`: it lets this one run delete past the guard.
    """
    reason = "restore" if restore else "resync"
    return SyncJob(
        kind=JobKind.FULL,
        person_id=person_id,
        reason=reason,
        version=requested_at.isoformat(),
        allow_mass_delete=allow_mass_delete,
    )


def consent_job(person_id: str, granted_at: datetime) -> SyncJob:
    """The first full sync after a researcher connects."""
    return SyncJob(kind=JobKind.FULL, person_id=person_id, reason="consent", version=granted_at.isoformat())


def person_changed_job(person_id: str, version: str) -> SyncJob:
    """A full sync after Pure's change feed reported a change to the person (ORCID iD, affiliations)."""
    return SyncJob(kind=JobKind.FULL, person_id=person_id, reason="person-changed", version=version)


def feed_reset_job(person_id: str, reset_at: datetime) -> SyncJob:
    """A full reconciliation because the change feed lost changes (the cursor was older than Pure keeps)."""
    return SyncJob(kind=JobKind.FULL, person_id=person_id, reason="feed-reset", version=reset_at.isoformat())
