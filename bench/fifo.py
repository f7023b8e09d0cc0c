"""An SQS FIFO queue and Lambda's poller for it, in memory: what the throughput benchmark feeds workers.

Lambda's event source for a FIFO queue hands a function batches of up to BatchSize messages, in order
within each message group, and hands out no more of a group while a batch holding it is being
processed. This does the same, with the records shaped as Lambda delivers them; a failed message goes
back to the front of its group. Why not moto's SQS: its FIFO queue recomputes its attributes over every
message it holds on each call, so at thousands of messages moto, not ORCID, would set the pace.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterable
from typing import Any

from orcid_sync.jobs.sync_jobs import SyncJob


class FifoPoller:
    def __init__(self, arn: str, region: str, max_receives: int = 8) -> None:
        self.max_receives = max_receives  # then to the dead letters, as the queue's maxReceiveCount
        self.dead: list[dict[str, Any]] = []
        self.arn = arn
        self.region = region
        self._groups: OrderedDict[str, deque[dict[str, Any]]] = OrderedDict()
        self._busy: set[str] = set()
        self._in_flight = 0
        self._lock = threading.Condition()
        self.delivered = 0
        self.redelivered = 0

    def enqueue(self, jobs: Iterable[SyncJob]) -> None:
        with self._lock:
            for job in jobs:
                self._groups.setdefault(job.person_id, deque()).append(self._record(job))
            self._lock.notify_all()

    def take(self, batch_size: int, timeout: float = 0.05) -> list[dict[str, Any]]:
        """Up to `batch_size` records from groups with none in flight; [] if none came within `timeout`."""
        with self._lock:
            batch = self._collect(batch_size)
            if not batch:
                self._lock.wait(timeout)
                batch = self._collect(batch_size)
            return batch

    def done(self, batch: list[dict[str, Any]], failed: set[str]) -> None:
        """The batch's invocation ended: failed records return to the front of their groups, in order."""
        with self._lock:
            for record in reversed(batch):
                if record["messageId"] in failed:
                    group = record["attributes"]["MessageGroupId"]
                    receives = int(record["attributes"]["ApproximateReceiveCount"])
                    if receives >= self.max_receives:
                        self.dead.append(record)
                        continue
                    record["attributes"]["ApproximateReceiveCount"] = str(receives + 1)
                    self._groups.setdefault(group, deque()).appendleft(record)
                    self._groups.move_to_end(group, last=False)
                    self.redelivered += 1
            for record in batch:
                self._busy.discard(record["attributes"]["MessageGroupId"])
            self._in_flight -= len(batch)
            self._lock.notify_all()

    def drained(self) -> bool:
        with self._lock:
            return not self._groups and self._in_flight == 0

    def _collect(self, batch_size: int) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        for group in list(self._groups):
            if len(batch) >= batch_size:
                break
            if group in self._busy:
                continue
            messages = self._groups[group]
            while messages and len(batch) < batch_size:
                batch.append(messages.popleft())
            self._busy.add(group)
            if not messages:
                del self._groups[group]
        self._in_flight += len(batch)
        self.delivered += len(batch)
        return batch

    def _record(self, job: SyncJob) -> dict[str, Any]:
        message_id = str(uuid.uuid4())
        return {
            "messageId": message_id,
            "receiptHandle": f"receipt-{message_id}",
            "body": job.model_dump_json(),
            "attributes": {"MessageGroupId": job.person_id, "ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": self.region,
        }
