"""Jobs for the sync worker on the `sync-jobs` FIFO queue: one message group per researcher."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from orcid_sync import aws

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


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

    @property
    def deduplication_id(self) -> str:
        raw = f"{self.kind.value}|{self.person_id}|{self.publication_id or '*'}|{self.reason}|{self.version}"
        return hashlib.sha256(raw.encode()).hexdigest()


class SyncJobQueue:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self._url = queue_url
        self._client = client

    def enqueue(self, job: SyncJob) -> None:
        sqs = self._client or aws.sqs()
        sqs.send_message(
            QueueUrl=self._url,
            MessageBody=job.model_dump_json(),
            MessageGroupId=job.person_id,
            MessageDeduplicationId=job.deduplication_id,
        )


def consent_job(person_id: str, granted_at: datetime) -> SyncJob:
    """The first full sync after a researcher connects."""
    return SyncJob(kind=JobKind.FULL, person_id=person_id, reason="consent", version=granted_at.isoformat())
