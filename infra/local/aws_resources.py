"""Creates the template's tables, queues and keys in moto, and says what each one is called locally."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from infra.local.template import resources_of_type

ACCOUNT = "123456789012"
REGION = "eu-north-1"

# Table and queue properties that moto (like DynamoDB/SQS) takes as-is from the template.
_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
_QUEUE_ATTRIBUTES = (
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
)


@dataclass
class CreatedResources:
    """Physical ids (what !Ref gives) and attributes (what !GetAtt gives) of what was created."""

    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    queue_urls: dict[str, str] = field(default_factory=dict)  # logical id → url


def _resolve_queue_ref(value: Any, created: CreatedResources) -> Any:
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        return created.attributes[(logical, attribute)]
    return value


def create_resources(
    template: dict[str, Any], prefix: str = "local", parameters: Mapping[str, str] | None = None
) -> CreatedResources:
    created = CreatedResources()
    kms = boto3.client("kms", region_name=REGION)
    for name in resources_of_type(template, "AWS::KMS::Key"):
        key = kms.create_key(Description=f"{prefix} {name}")["KeyMetadata"]
        created.refs[name] = key["KeyId"]
        created.attributes[(name, "Arn")] = key["Arn"]

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for name, resource in resources_of_type(template, "AWS::DynamoDB::Table").items():
        props = resource.get("Properties", {})
        table_name = f"{prefix}-{name}"
        kwargs = {key: props[key] for key in _TABLE_KEYS if key in props}
        for index in kwargs.get("GlobalSecondaryIndexes", []):
            index.pop("ProvisionedThroughput", None)
        description = dynamodb.create_table(TableName=table_name, **kwargs)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
        created.refs[name] = table_name
        created.attributes[(name, "Arn")] = description["TableArn"]

    sqs = boto3.client("sqs", region_name=REGION)
    queues = resources_of_type(template, "AWS::SQS::Queue")
    # Dead-letter queues first: the others' redrive policies point at them.
    ordered = sorted(queues.items(), key=lambda item: "RedrivePolicy" in item[1].get("Properties", {}))
    for name, resource in ordered:
        props = resource.get("Properties", {})
        fifo = bool(props.get("FifoQueue"))
        queue_name = f"{prefix}-{name}" + (".fifo" if fifo else "")
        attributes: dict[Any, str] = {
            k: _attribute(_parameter(props[k], parameters or {})) for k in _QUEUE_ATTRIBUTES if k in props
        }
        redrive = props.get("RedrivePolicy")
        if redrive:
            target = _resolve_queue_ref(redrive["deadLetterTargetArn"], created)
            policy = {"deadLetterTargetArn": target, "maxReceiveCount": int(redrive["maxReceiveCount"])}
            attributes["RedrivePolicy"] = json.dumps(policy)
        url = sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        created.refs[name] = url
        created.queue_urls[name] = url
        created.attributes[(name, "Arn")] = arn
        created.attributes[(name, "QueueName")] = queue_name
    return created


def _parameter(value: Any, parameters: Mapping[str, str]) -> Any:
    """A property given as `!Ref Parameter`, as the stack's parameter value."""
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
        return parameters[value["Ref"]]
    return value


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
