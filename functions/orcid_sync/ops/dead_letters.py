"""The dead-letter queues: look at what is there and why, and send it back when the cause is fixed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orcid_sync import aws
from orcid_sync.ops.resources import Resources

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# How long a message we are looking at stays hidden from other readers; it is made visible again after.
PEEK_SECONDS = 30
MAX_MESSAGES = 1000


class UnknownQueue(LookupError):
    pass


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt_handle: str
    body: str
    reason: str | None
    receive_count: int
    sent_at: str
    group_id: str | None

    def line(self) -> str:
        why = self.reason or "(no reason recorded: it failed too often)"
        return f"{self.message_id}  sent {self.sent_at}  tries {self.receive_count}  {why[:80]}"

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "reason": self.reason,
            "receive_count": self.receive_count,
            "sent_at": self.sent_at,
            "group_id": self.group_id,
            "body": self.body,
        }


class DeadLetterQueues:
    def __init__(self, resources: Resources, client: SQSClient | None = None) -> None:
        self._resources = resources
        self._client = client

    @property
    def _sqs(self) -> SQSClient:
        return self._client or aws.sqs()

    def url(self, queue: str) -> str:
        try:
            return self._resources.dead_letter_queues[queue]
        except KeyError:
            names = ", ".join(sorted(self._resources.dead_letter_queues))
            raise UnknownQueue(f"no dead-letter queue {queue!r}; there are: {names}") from None

    def peek(self, queue: str) -> list[DeadLetter]:
        """Every message in the queue (up to MAX_MESSAGES), left in the queue as it was."""
        url = self.url(queue)
        letters = self._receive_all(url)
        self._release(url, letters)
        return letters

    def redrive(
        self,
        queue: str,
        message_id: str | None,
        resync_everyone: Callable[[], int],
        progress: Callable[[int, int], None] = lambda done, total: None,
    ) -> int:
        """Send one message (or all) back where it came from and delete it here; returns how many.

        orbit-events and sync-jobs messages go back to their queue; a nightly run that could not be
        delivered is replaced by one full resync of everyone (`resync_everyone`), once.
        """
        url = self.url(queue)
        letters = self._receive_all(url)
        chosen = [m for m in letters if message_id is None or m.message_id == message_id]
        self._release(url, [m for m in letters if m not in chosen])
        if message_id is not None and not chosen:
            raise LookupError(f"no message {message_id} in the {queue} dead-letter queue")
        if queue == "nightly" and chosen:
            resync_everyone()
        for done, letter in enumerate(chosen, start=1):
            if queue == "orbit-events":
                self._sqs.send_message(
                    QueueUrl=self._resources.orbit_events_queue_url, MessageBody=letter.body
                )
            elif queue == "sync-jobs":
                dedup = hashlib.sha256(f"{letter.message_id}|redrive|{time.time()}".encode()).hexdigest()
                self._sqs.send_message(
                    QueueUrl=self._resources.sync_jobs_queue_url,
                    MessageBody=letter.body,
                    MessageGroupId=letter.group_id or "redriven",
                    MessageDeduplicationId=dedup,
                )
            self._sqs.delete_message(QueueUrl=url, ReceiptHandle=letter.receipt_handle)
            progress(done, len(chosen))
        return len(chosen)

    def _receive_all(self, url: str) -> list[DeadLetter]:
        """Receive until the queue gives nothing more; the messages stay hidden for PEEK_SECONDS."""
        seen: dict[str, DeadLetter] = {}
        while len(seen) < MAX_MESSAGES:
            answer = self._sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=PEEK_SECONDS,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            batch = [_dead_letter(dict(m)) for m in answer.get("Messages", [])]
            if not batch:
                break
            seen.update((letter.message_id, letter) for letter in batch)
        return sorted(seen.values(), key=lambda letter: letter.sent_at)

    def _release(self, url: str, letters: list[DeadLetter]) -> None:
        for letter in letters:  # visible again for the next reader
            self._sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0
            )


def _dead_letter(message: dict[str, Any]) -> DeadLetter:
    attributes = message.get("Attributes", {})
    custom = message.get("MessageAttributes", {})
    sent_ms = int(attributes.get("SentTimestamp", "0"))
    return DeadLetter(
        message_id=message["MessageId"],
        receipt_handle=message["ReceiptHandle"],
        body=message.get("Body", ""),
        reason=(custom.get("reason") or {}).get("StringValue"),
        receive_count=int(attributes.get("ApproximateReceiveCount", "1")),
        sent_at=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sent_ms / 1000)),
        group_id=attributes.get("MessageGroupId"),
    )
