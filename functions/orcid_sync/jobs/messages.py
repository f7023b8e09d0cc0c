"""What a queue consumer does to a message besides succeeding: wait before the next try, or keep it aside.

Both are SQS calls, so they live here and not in the handlers: `retry_later` keeps a message invisible
for a jittered, growing while (30 s, 60 s, 120 s, … up to 15 minutes), so a failing dependency is not
hammered; `keep_for_inspection` moves a message no retry can fix straight to its dead-letter queue,
with the reason as a message attribute.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from orcid_sync import aws

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 900


def backoff_seconds(receive_count: int) -> int:
    """How long the message waits after its `receive_count`-th failed try: jittered, doubling, capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, receive_count - 1))
    return random.randint(ceiling // 2, ceiling)


class QueueMessages:
    def __init__(self, client: SQSClient | None = None) -> None:
        self._client = client

    @property
    def _sqs(self) -> SQSClient:
        return self._client or aws.sqs()

    def retry_later(self, queue_url: str, receipt_handle: str, receive_count: int) -> int:
        """Keep the message invisible for a while; returns the seconds chosen."""
        seconds = backoff_seconds(receive_count)
        self._sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
        )
        return seconds

    def keep_for_inspection(
        self, dlq_url: str, body: str, reason: str, message_id: str, group_id: str | None = None
    ) -> None:
        """Straight to the dead-letter queue with the reason: retrying cannot fix this message.

        A FIFO dead-letter queue needs the message's group; the message id deduplicates.
        """
        fifo: dict[str, str] = (
            {"MessageGroupId": group_id, "MessageDeduplicationId": message_id} if group_id else {}
        )
        self._sqs.send_message(
            QueueUrl=dlq_url,
            MessageBody=body,
            MessageAttributes={
                "reason": {"DataType": "String", "StringValue": reason[:1000]},
                "originalMessageId": {"DataType": "String", "StringValue": message_id},
            },
            **fifo,  # type: ignore[arg-type]
        )
