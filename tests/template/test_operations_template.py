"""The template as an operator and a data-protection officer need it: retention, protection, keys, alarms."""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest
from samtranslator.translator.transform import transform

from infra.local.template import load_template


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    template = copy.deepcopy(load_template())
    template["Globals"]["Function"]["CodeUri"] = "s3://artifacts/orcid-sync.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
    result: dict[str, Any] = transform(template, {}, _NoManagedPolicies())
    return result


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_every_function_has_a_log_group_with_the_retention_parameter(transformed: dict[str, Any]) -> None:
    functions = of_type(transformed, "AWS::Lambda::Function")
    groups = of_type(transformed, "AWS::Logs::LogGroup")
    named = {
        str(group["Properties"].get("LogGroupName", {}).get("Fn::Sub", "")): group["Properties"]
        for group in groups.values()
    }

    for function in functions:
        properties = named.get(f"/aws/lambda/${{{function}}}")
        assert properties is not None, f"{function} has no log group of its own"
        assert properties["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert load_template()["Parameters"]["LogRetentionDays"]["Default"] == 90


def test_the_durable_tables_are_protected_from_deletion(transformed: dict[str, Any]) -> None:
    tables = of_type(transformed, "AWS::DynamoDB::Table")

    for name in ("ConsentsTable", "WorkLinksTable", "OrcidClaimsTable"):
        assert tables[name]["Properties"]["DeletionProtectionEnabled"] is True
        assert tables[name]["DeletionPolicy"] == "Retain"


def test_disconnected_and_declined_consents_expire_by_ttl(transformed: dict[str, Any]) -> None:
    consents = of_type(transformed, "AWS::DynamoDB::Table")["ConsentsTable"]["Properties"]
    http = of_type(transformed, "AWS::Lambda::Function")["HttpFunction"]["Properties"]

    assert consents["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert http["Environment"]["Variables"]["CONSENT_RETENTION_DAYS"] == {"Ref": "ConsentRetentionDays"}


def test_the_token_key_is_used_only_by_the_token_holders_and_only_per_person(
    transformed: dict[str, Any],
) -> None:
    statements = of_type(transformed, "AWS::KMS::Key")["TokenKey"]["Properties"]["KeyPolicy"]["Statement"]
    plain = [s for s in statements if isinstance(s, dict)]
    admin = next(s for s in plain if s["Sid"] == "AccountAdministersTheKey")
    usage = next(s for s in plain if s["Sid"] == "FunctionsUseTheKeyPerPerson")

    assert "kms:*" not in admin["Action"]
    assert not {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"} & set(admin["Action"])
    assert set(usage["Action"]) == {"kms:Encrypt", "kms:Decrypt"}
    roles = [str(arn["Fn::Sub"]) for arn in usage["Condition"]["ArnLike"]["aws:PrincipalArn"]]
    assert [role.rsplit("/", 1)[1] for role in roles] == [
        "${AWS::StackName}-HttpFunctionRole-*",
        "${AWS::StackName}-SyncWorkerFunctionRole-*",
    ]
    assert usage["Condition"]["ForAllValues:StringEquals"] == {"kms:EncryptionContextKeys": ["person_id"]}
    assert usage["Condition"]["Null"] == {"kms:EncryptionContextKeys": "false"}


def test_every_dead_letter_queue_has_an_alarm(transformed: dict[str, Any]) -> None:
    queues = of_type(transformed, "AWS::SQS::Queue")
    dead_letter_queues = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    for schedule in of_type(transformed, "AWS::Scheduler::Schedule").values():
        target = schedule["Properties"]["Target"]
        if "DeadLetterConfig" in target:
            dead_letter_queues.add(target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0])
    alarmed = {
        dimension["Value"]["Fn::GetAtt"][0]
        for alarm in of_type(transformed, "AWS::CloudWatch::Alarm").values()
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "QueueName"
    }

    assert dead_letter_queues == {"OrbitEventsDlq", "SyncJobsDlq", "NightlyDlq"}
    assert dead_letter_queues <= alarmed


def test_errors_5xx_and_revocations_are_alarmed_and_the_dashboard_exists(transformed: dict[str, Any]) -> None:
    alarms = of_type(transformed, "AWS::CloudWatch::Alarm")
    watched = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]) for a in alarms.values()}
    by_function = {
        d["Value"]["Ref"]
        for a in alarms.values()
        for d in a["Properties"].get("Dimensions", [])
        if a["Properties"]["MetricName"] == "Errors" and d["Name"] == "FunctionName"
    }

    assert {("AWS/ApiGateway", "5xx"), ("OrbitOrcidSync", "ResearchersRevoked")} <= watched
    assert {"SyncWorkerFunction", "EventRouterFunction"} <= by_function
    assert of_type(transformed, "AWS::CloudWatch::Dashboard")
