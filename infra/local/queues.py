"""SQS → Lambda, stood in locally: the template's SQS event sources polled and fed to their handlers.

Batch size and partial batch responses come from template.yaml. A failed message becomes visible again
at once (locally, time is not waited out; the worker's own backoff is overridden), and moto moves it
to the dead-letter queue after the redrive policy's maxReceiveCount, as SQS does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from infra.local.http_api import FunctionSpec
from infra.local.template import resources_of_type

REGION = "eu-north-1"


@dataclass(frozen=True)
class QueueConsumer:
    function: str
    queue: str
    url: str
    arn: str
    batch_size: int
    partial_failures: bool


def queue_consumers(
    template: Mapping[str, Any], queue_urls: Mapping[str, str], arns: Mapping[tuple[str, str], str]
) -> list[QueueConsumer]:
    consumers = []
    for name, function in resources_of_type(template, "AWS::Serverless::Function").items():
        for event in (function.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") != "SQS":
                continue
            props = event["Properties"]
            queue = props["Queue"]["Fn::GetAtt"][0]
            consumers.append(
                QueueConsumer(
                    function=name,
                    queue=queue,
                    url=queue_urls[queue],
                    arn=arns[(queue, "Arn")],
                    batch_size=int(props.get("BatchSize", 10)),
                    partial_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                )
            )
    return consumers


@dataclass
class DrainReport:
    invocations: int = 0
    messages: int = 0
    failed: int = 0
    crashed_invocations: int = 0
    by_function: dict[str, int] = field(default_factory=dict)


@dataclass
class QueueRunner:
    consumers: list[QueueConsumer]
    functions: Mapping[str, FunctionSpec]
    # Called before each invocation: tests use it to make a function crash at a point of their choosing.
    before_invoke: Callable[[QueueConsumer], None] | None = None

    _sqs: Any = None

    @property
    def sqs(self) -> Any:
        """One SQS client for the runner, made on first use (after the stack has set its endpoint)."""
        if self._sqs is None:
            self._sqs = boto3.client("sqs", region_name=REGION)
        return self._sqs

    def poll(self, consumer: QueueConsumer, report: DrainReport) -> int:
        """One receive and one invocation; returns how many messages it handled."""
        sqs = self.sqs
        answer = sqs.receive_message(
            QueueUrl=consumer.url,
            MaxNumberOfMessages=min(consumer.batch_size, 10),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [_record(message, consumer) for message in messages]}
        spec = self.functions[consumer.function]
        failed: set[str]
        try:
            if self.before_invoke is not None:
                self.before_invoke(consumer)
            result = spec.call(event)
            failed = (
                {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
                if consumer.partial_failures
                else set()
            )
        except Exception:
            failed = {message["MessageId"] for message in messages}
            report.crashed_invocations += 1
        report.invocations += 1
        report.messages += len(messages)
        report.failed += len(failed)
        report.by_function[consumer.function] = report.by_function.get(consumer.function, 0) + 1
        for message in messages:
            if message["MessageId"] in failed:
                sqs.change_message_visibility(
                    QueueUrl=consumer.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                sqs.delete_message(QueueUrl=consumer.url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def drain(self, max_invocations: int = 100_000) -> DrainReport:
        """Poll every queue until all are empty (dead-lettered messages stay in their DLQ)."""
        report = DrainReport()
        while report.invocations < max_invocations:
            handled = sum(self.poll(consumer, report) for consumer in self.consumers)
            if handled == 0 and not self._in_flight():
                return report
        raise RuntimeError(f"queues did not drain within {max_invocations} invocations")

    def _in_flight(self) -> bool:
        sqs = self.sqs
        for consumer in self.consumers:
            attributes = sqs.get_queue_attributes(
                QueueUrl=consumer.url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if int(attributes["ApproximateNumberOfMessages"]) or int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            ):
                return True
        return False


def _record(message: Mapping[str, Any], consumer: QueueConsumer) -> dict[str, Any]:
    """An SQS record as Lambda delivers it."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            key: {
                "stringValue": value.get("StringValue"),
                "dataType": value.get("DataType", "String"),
            }
            for key, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": consumer.arn,
        "awsRegion": REGION,
    }
