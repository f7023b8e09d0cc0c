"""The `orbit-events` queue, as a producer sees it: Pure change items go on it in batches of ten, and
items nobody can read go to its dead-letter queue with the reason, where the router's malformed events go.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from orcid_sync import aws
from orcid_sync.jobs.sync_jobs import BATCH_SIZE

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class EventsNotSent(RuntimeError):
    """SQS refused some events of a batch; the caller tries again later (duplicates are harmless)."""


class OrbitEventsQueue:
    def __init__(self, queue_url: str, dead_letter_url: str, client: SQSClient | None = None) -> None:
        self._url = queue_url
        self._dead_letter_url = dead_letter_url
        self._client = client

    @property
    def _sqs(self) -> SQSClient:
        return self._client or aws.sqs()

    def send_many(self, bodies: Sequence[str]) -> None:
        """Send in batches of ten (SQS's limit); a partly failed batch raises, naming what failed."""
        for start in range(0, len(bodies), BATCH_SIZE):
            batch = bodies[start : start + BATCH_SIZE]
            answer = self._sqs.send_message_batch(
                QueueUrl=self._url,
                Entries=[{"Id": str(index), "MessageBody": body} for index, body in enumerate(batch)],
            )
            failed = answer.get("Failed", [])
            if failed:
                raise EventsNotSent(
                    f"{len(failed)} of {len(batch)} Orbit events were not sent: {failed[0].get('Code')}"
                )

    def keep_unreadable(self, body: str, reason: str, source: str) -> None:
        """Straight to the dead-letter queue with the reason: no retry can make it readable."""
        self._sqs.send_message(
            QueueUrl=self._dead_letter_url,
            MessageBody=body,
            MessageAttributes={
                "reason": {"DataType": "String", "StringValue": reason[:1000]},
                "source": {"DataType": "String", "StringValue": source},
            },
        )
