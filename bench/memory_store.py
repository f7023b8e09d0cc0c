"""DynamoDB and KMS for the sync worker, answered in this process at botocore's HTTP layer, in O(1).

Like `bench.memory_aws` (the fan-out's Scan and SendMessageBatch), a `before-send` hook answers the
requests of real boto3 clients, so botocore still validates, serializes, signs and parses, and our
stores run unchanged. It covers what the stores call: GetItem, PutItem, DeleteItem, Query on a key
(the table's or an index's hash key, pages by Limit), BatchWriteItem, and KMS Encrypt/Decrypt with an
encryption context. A condition, filter or update expression it does not know raises
NotImplementedError, so the benchmark fails loudly instead of measuring something else.

Why not moto here: moto's Query sorts the whole table for every query and takes a process-wide lock
on every request, so with thousands of work links moto, not ORCID, sets the pace. While installed,
moto is kept out of these requests and out of `requests` (see `install`).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders

_EQUALS = re.compile(r"^\s*(\S+)\s*=\s*(:\w+)\s*$")
_EXISTS = re.compile(r"^\s*(attribute_exists|attribute_not_exists)\s*\(\s*(\S+?)\s*\)\s*$")


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class _ConditionFailed(Exception):
    pass


@dataclass
class Table:
    hash_key: str
    range_key: str | None
    indexes: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # hash → range → item

    def key_of(self, item: dict[str, Any]) -> tuple[str, str]:
        hash_value = _scalar(item[self.hash_key])
        return hash_value, _scalar(item[self.range_key]) if self.range_key else ""


def _scalar(value: dict[str, Any]) -> str:
    ((kind, raw),) = value.items()
    return f"{kind}:{raw}"


class MemoryStore:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.key_arns: dict[str, str] = {}  # key id (or alias) → its ARN, which KMS answers with
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._restore: list[Callable[[], Any]] = []

    # --- setup -------------------------------------------------------------------------------------
    def mirror_tables(self, names: list[str]) -> None:
        """Take the key schemas of these (already created) tables from the current DynamoDB."""
        client = boto3.client("dynamodb")
        for name in names:
            description = client.describe_table(TableName=name)["Table"]
            self.tables[name] = Table(
                *_keys(description["KeySchema"]),
                indexes={
                    index["IndexName"]: _keys(index["KeySchema"])
                    for index in description.get("GlobalSecondaryIndexes", [])
                },
            )

    def install(self) -> None:
        """Answer DynamoDB and KMS for every client made from now on from boto3's default session.

        moto stays active for the rest (Secrets Manager), but is kept out of the way of what this
        answers: botocore calls every `before-send` handler, and moto's would still do the request's
        work (its Query sorts the whole table) only to be ignored; and moto's patch of `requests`
        matches every request to the stand-ins against its hundreds of AWS URL patterns.
        """
        from moto.core.botocore_stubber import BotocoreStubber
        from moto.core.models import responses_mock

        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        assert session is not None
        for service in ("dynamodb", "kms"):
            session.events.register_first(f"before-send.{service}", self.answer)  # type: ignore[arg-type]
        moto_answer = BotocoreStubber.__call__

        def not_ours(stubber: Any, event_name: str, request: AWSPreparedRequest, **kwargs: Any) -> Any:
            if event_name.split(".")[1:2] in (["dynamodb"], ["kms"]):
                return None
            return moto_answer(stubber, event_name, request, **kwargs)

        self._restore = [
            lambda: setattr(BotocoreStubber, "__call__", moto_answer),
            responses_mock.start,
        ]
        BotocoreStubber.__call__ = not_ours  # type: ignore[method-assign,assignment]
        responses_mock.stop()

    def uninstall(self) -> None:
        for restore in self._restore:
            restore()
        self._restore = []
        session = boto3.DEFAULT_SESSION
        if session is not None:
            for service in ("dynamodb", "kms"):
                session.events.unregister(f"before-send.{service}", self.answer)  # type: ignore[arg-type]

    # --- the hook ----------------------------------------------------------------------------------
    def answer(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        target = request.headers.get("X-Amz-Target", b"")
        service, _dot, operation = (target.decode() if isinstance(target, bytes) else str(target)).rpartition(
            "."
        )
        body = request.body
        payload = json.loads(body.decode() if isinstance(body, bytes) else str(body or "{}"))
        status, answer = 200, dict[str, Any]()
        with self._lock:
            self.calls[operation] += 1
            try:
                answer = dict(getattr(self, f"_{operation}")(payload))
            except _ConditionFailed:
                status = 400
                answer = {
                    "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                    "message": "The conditional request failed",
                }
            except AttributeError:
                raise NotImplementedError(f"{service}.{operation} is not stood in") from None
        headers = HTTPHeaders()
        headers["Content-Type"] = (
            "application/x-amz-json-1.0" if "DynamoDB" in service else "application/x-amz-json-1.1"
        )
        headers["x-amzn-RequestId"] = str(uuid.uuid4())
        response = AWSResponse(request.url, status, headers, _Body(json.dumps(answer).encode()))
        return response

    # --- DynamoDB ----------------------------------------------------------------------------------
    def _GetItem(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - AWS's operation names
        table = self.tables[request["TableName"]]
        hash_value, range_value = table.key_of(request["Key"])
        item = table.items.get(hash_value, {}).get(range_value)
        return {"Item": _project(item, request)} if item is not None else {}

    def _PutItem(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        table = self.tables[request["TableName"]]
        item = request["Item"]
        hash_value, range_value = table.key_of(item)
        _check(table.items.get(hash_value, {}).get(range_value), request)
        table.items.setdefault(hash_value, {})[range_value] = item
        return {}

    def _UpdateItem(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        table = self.tables[request["TableName"]]
        hash_value, range_value = table.key_of(request["Key"])
        current = table.items.get(hash_value, {}).get(range_value)
        _check(current, request)
        item = dict(current) if current is not None else dict(request["Key"])
        _apply_update(item, request)
        table.items.setdefault(hash_value, {})[range_value] = item
        return {}

    def _DeleteItem(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        table = self.tables[request["TableName"]]
        hash_value, range_value = table.key_of(request["Key"])
        _check(table.items.get(hash_value, {}).get(range_value), request)
        table.items.get(hash_value, {}).pop(range_value, None)
        return {}

    def _BatchWriteItem(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        for name, writes in request["RequestItems"].items():
            for write in writes:
                if "PutRequest" in write:
                    self._PutItem({"TableName": name, "Item": write["PutRequest"]["Item"]})
                else:
                    self._DeleteItem({"TableName": name, "Key": write["DeleteRequest"]["Key"]})
        return {"UnprocessedItems": {}}

    def _Query(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        if "FilterExpression" in request:
            raise NotImplementedError("Query with a FilterExpression")
        table = self.tables[request["TableName"]]
        match = _EQUALS.match(request["KeyConditionExpression"])
        if match is None:
            raise NotImplementedError(f"key condition {request['KeyConditionExpression']!r}")
        name = request.get("ExpressionAttributeNames", {}).get(match.group(1), match.group(1))
        value = request["ExpressionAttributeValues"][match.group(2)]
        index = request.get("IndexName")
        if index is None:
            if name != table.hash_key:
                raise ValueError(f"{name} is not the hash key of {request['TableName']}")
            found = [item for _, item in sorted(table.items.get(_scalar(value), {}).items())]
            sort_key = table.range_key
        else:
            hash_key, sort_key = table.indexes[index]
            if name != hash_key:
                raise ValueError(f"{name} is not the hash key of index {index}")
            found = [
                item
                for by_range in table.items.values()
                for item in by_range.values()
                if item.get(name) == value
            ]
            found.sort(key=lambda item: _scalar(item[sort_key]) if sort_key and sort_key in item else "")
        start = request.get("ExclusiveStartKey")
        if start is not None:
            keys = [_key_of(item, table, index) for item in found]
            found = found[keys.index(_key_of(start, table, index)) + 1 :]
        limit = int(request.get("Limit", 1_000_000))
        page = found[:limit]
        answer: dict[str, Any] = {
            "Items": [_project(item, request) for item in page],
            "Count": len(page),
            "ScannedCount": len(page),
        }
        if len(found) > limit:
            last = page[-1]
            key_names = {table.hash_key, *(filter(None, [table.range_key]))}
            if index is not None:
                key_names |= set(filter(None, table.indexes[index]))
            answer["LastEvaluatedKey"] = {k: last[k] for k in key_names if k in last}
        return answer

    # --- KMS ---------------------------------------------------------------------------------------
    def _Encrypt(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        arn = self.key_arns.get(request["KeyId"], request["KeyId"])
        context = request.get("EncryptionContext", {})
        envelope = json.dumps({"key": arn, "context": context, "plain": request["Plaintext"]}).encode()
        return {
            "CiphertextBlob": base64.b64encode(envelope).decode(),
            "KeyId": arn,
            "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        }

    def _Decrypt(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        envelope = json.loads(base64.b64decode(request["CiphertextBlob"]))
        if envelope["context"] != request.get("EncryptionContext", {}):
            raise ValueError("InvalidCiphertextException: the encryption context differs")
        return {
            "Plaintext": envelope["plain"],
            "KeyId": envelope["key"],
            "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        }


def _keys(schema: Sequence[Any]) -> tuple[str, str | None]:
    hash_key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def _key_of(item: dict[str, Any], table: Table, index: str | None) -> tuple[str, ...]:
    names = [table.hash_key, table.range_key]
    if index is not None:
        names += list(table.indexes[index])
    return tuple(_scalar(item[name]) if name and name in item else "" for name in names)


def _project(item: dict[str, Any] | None, request: dict[str, Any]) -> dict[str, Any]:
    assert item is not None
    expression = request.get("ProjectionExpression")
    if not expression:
        return item
    aliases = request.get("ExpressionAttributeNames", {})
    names = [aliases.get(name.strip(), name.strip()) for name in expression.split(",")]
    return {name: item[name] for name in names if name in item}


def _check(current: dict[str, Any] | None, request: dict[str, Any]) -> None:
    """Conditions joined by AND: attribute_exists(x), attribute_not_exists(x), or x = :value."""
    expression = request.get("ConditionExpression")
    if not expression:
        return
    aliases = request.get("ExpressionAttributeNames", {})
    values = request.get("ExpressionAttributeValues", {})
    for part in re.split(r"\s+AND\s+", expression, flags=re.IGNORECASE):
        exists, equals = _EXISTS.match(part), _EQUALS.match(part)
        if exists is not None:
            name = aliases.get(exists.group(2), exists.group(2))
            present = current is not None and name in current
            if present != (exists.group(1) == "attribute_exists"):
                raise _ConditionFailed
        elif equals is not None:
            name = aliases.get(equals.group(1), equals.group(1))
            if current is None or current.get(name) != values[equals.group(2)]:
                raise _ConditionFailed
        else:
            raise NotImplementedError(f"condition {expression!r}")


_UPDATE_CLAUSE = re.compile(r"\b(SET|REMOVE|ADD)\s+(.*?)(?=\s+\b(?:SET|REMOVE|ADD)\b\s|$)", re.DOTALL)


def _apply_update(item: dict[str, Any], request: dict[str, Any]) -> None:
    """SET a = :x (and list_append(if_not_exists(a, :empty), :more)), REMOVE a, ADD n :number."""
    aliases = request.get("ExpressionAttributeNames", {})
    values = request.get("ExpressionAttributeValues", {})

    def name(token: str) -> str:
        return str(aliases.get(token.strip(), token.strip()))

    for verb, body in _UPDATE_CLAUSE.findall(request["UpdateExpression"]):
        if verb == "REMOVE":
            for path in body.split(","):
                item.pop(name(path), None)
        elif verb == "ADD":
            path, placeholder = body.split()
            before = Decimal(item.get(name(path), {"N": "0"})["N"])
            item[name(path)] = {"N": str(before + Decimal(values[placeholder]["N"]))}
        else:
            for assignment in re.split(r",\s*(?![^()]*\))", body):
                path, value = (part.strip() for part in assignment.split("=", 1))
                appended = re.match(r"list_append\(if_not_exists\((\S+),\s*(:\w+)\),\s*(:\w+)\)", value)
                if appended is not None:
                    old = item.get(name(appended.group(1)), values[appended.group(2)])
                    item[name(path)] = {"L": [*old["L"], *values[appended.group(3)]["L"]]}
                elif value.startswith(":"):
                    item[name(path)] = values[value]
                else:
                    raise NotImplementedError(f"update {request['UpdateExpression']!r}")
