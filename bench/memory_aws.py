"""DynamoDB Scan and SQS SendMessageBatch answered inside the process, at botocore's HTTP layer.

A `before-send` hook on real boto3 clients answers each request with the JSON DynamoDB or SQS would
send, so botocore still validates, serializes, signs and parses, and our code runs unchanged; only the
network and AWS itself are left out. Anything else the clients try is refused (never sent: the clients
also point at a closed loopback port). The hook keeps its own CPU time, so it can be told apart.

Why not moto for this benchmark: moto's FIFO queue recomputes its attributes over every message it
holds on each message sent, and its Scan sorts the whole table for every page, so at 50,000 consents
moto's cost is quadratic and would be all that is measured.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders

_EQUALS = re.compile(r"^\s*(\S+)\s*=\s*(:\w+)\s*$")
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens, nothing would be sent anyway
SQS_BATCH_MAX = 10
SQS_BATCH_BYTES = 256 * 1024


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class MemoryAws:
    def __init__(self, table: str, items: list[dict[str, Any]], key: str = "person_id") -> None:
        self.table = table
        self.items = items
        self.key = key
        self._position = {item[key]["S"]: index for index, item in enumerate(items)}
        self.calls: Counter[str] = Counter()
        self.messages: list[dict[str, Any]] = []
        self.duplicates = 0
        self._dedup: set[str] = set()
        self.cpu_seconds = 0.0

    def answer(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        started = time.process_time()
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else str(target)).rsplit(".", 1)[-1]
        body = request.body
        payload = json.loads(body.decode() if isinstance(body, bytes) else str(body or "{}"))
        self.calls[operation] += 1
        if operation == "Scan":
            answer = self._scan(payload)
        elif operation == "SendMessageBatch":
            answer = self._send_batch(payload)
        else:
            raise NotImplementedError(f"{operation} is not stood in; it would have gone to AWS")
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amzn-RequestId"] = str(uuid.uuid4())
        response = AWSResponse(request.url, 200, headers, _Body(json.dumps(answer).encode()))
        self.cpu_seconds += time.process_time() - started
        return response

    def _scan(self, request: dict[str, Any]) -> dict[str, Any]:
        if request["TableName"] != self.table:
            raise ValueError(f"no table {request['TableName']}")
        limit = int(request.get("Limit", 1_000_000))
        start = request.get("ExclusiveStartKey")
        first = self._position[start[self.key]["S"]] + 1 if start else 0
        examined = self.items[first : first + limit]
        keep = _filter(request)
        projection = [name.strip() for name in request.get("ProjectionExpression", "").split(",") if name]
        found = [
            {name: item[name] for name in projection if name in item} if projection else item
            for item in examined
            if keep(item)
        ]
        answer: dict[str, Any] = {"Items": found, "Count": len(found), "ScannedCount": len(examined)}
        if first + limit < len(self.items):  # DynamoDB says "more" whenever the limit stopped it
            answer["LastEvaluatedKey"] = {self.key: examined[-1][self.key]}
        return answer

    def _send_batch(self, request: dict[str, Any]) -> dict[str, Any]:
        entries: list[dict[str, Any]] = request["Entries"]
        ids = [entry["Id"] for entry in entries]
        if not entries or len(entries) > SQS_BATCH_MAX:
            raise ValueError(f"SQS takes 1 to {SQS_BATCH_MAX} entries per batch, not {len(entries)}")
        if len(set(ids)) != len(ids):
            raise ValueError("batch entry ids must be distinct")
        if sum(len(entry["MessageBody"].encode()) for entry in entries) > SQS_BATCH_BYTES:
            raise ValueError("a batch may carry at most 256 KiB")
        successful = []
        for entry in entries:
            if not entry.get("MessageGroupId") or not entry.get("MessageDeduplicationId"):
                raise ValueError("a FIFO queue needs MessageGroupId and MessageDeduplicationId")
            if entry["MessageDeduplicationId"] in self._dedup:
                self.duplicates += 1  # SQS accepts it and does not deliver it twice
            else:
                self._dedup.add(entry["MessageDeduplicationId"])
                self.messages.append(entry)
            successful.append(
                {
                    "Id": entry["Id"],
                    "MessageId": str(uuid.uuid4()),
                    "MD5OfMessageBody": "0" * 32,
                    "SequenceNumber": str(len(self.messages)),
                }
            )
        return {"Successful": successful, "Failed": []}


def _filter(request: dict[str, Any]) -> Any:
    expression = request.get("FilterExpression")
    if expression is None:
        return lambda item: True
    match = _EQUALS.match(expression)
    if match is None:
        raise NotImplementedError(f"filter {expression!r}")
    name = request.get("ExpressionAttributeNames", {}).get(match.group(1), match.group(1))
    value = request["ExpressionAttributeValues"][match.group(2)]
    return lambda item: item.get(name) == value
