"""template.yaml: linted by cfn-lint and SAM, and checked after SAM's transform, offline."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform

from infra.local.template import TEMPLATE_PATH, load_template

BIN = Path(sys.executable).parent
OFFLINE_ENV = {**os.environ, "AWS_DEFAULT_REGION": "eu-north-1", "SAM_CLI_TELEMETRY": "0"}


class _NoManagedPolicies:
    """The template uses inline policies only, so the transform needs no AWS lookup of managed ones."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    template = copy.deepcopy(load_template())
    # What `sam package` does before deploying: code locations become S3 URIs.
    template["Globals"]["Function"]["CodeUri"] = "s3://artifacts/orcid-sync.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
    result: dict[str, Any] = transform(template, {}, _NoManagedPolicies())
    return result


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    assert on_path, f"{name} is a dev dependency and should be installed (make test installs it)"
    return on_path


def test_cfn_lint_finds_nothing() -> None:
    result = subprocess.run(
        [_tool("cfn-lint"), str(TEMPLATE_PATH)], capture_output=True, text=True, env=OFFLINE_ENV, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_finds_nothing() -> None:
    result = subprocess.run(
        [_tool("sam"), "validate", "--lint", "--template", str(TEMPLATE_PATH)],
        capture_output=True,
        text=True,
        env=OFFLINE_ENV,
        check=False,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr


PUBLIC_ROUTES = {"GET /auth/sign-in", "GET /auth/callback", "GET /orcid/callback"}


def test_no_route_has_an_api_gateway_authorizer(transformed: dict[str, Any]) -> None:
    """Researchers come with a browser: the function signs them in and checks the session itself."""
    (api,) = _resources(transformed, "AWS::ApiGatewayV2::Api").values()
    security = {
        f"{method.upper()} {path}": operation.get("security")
        for path, operations in api["Properties"]["Body"]["paths"].items()
        for method, operation in operations.items()
    }

    assert PUBLIC_ROUTES | {"POST /auth/sign-out", "GET /orcid/status"} <= set(security)
    assert all(rules in (None, []) for rules in security.values())
    assert "securitySchemes" not in api["Properties"]["Body"].get("components", {})


def test_public_routes_have_their_own_smaller_throttling(transformed: dict[str, Any]) -> None:
    (stage,) = _resources(transformed, "AWS::ApiGatewayV2::Stage").values()
    default = stage["Properties"]["DefaultRouteSettings"]
    routes = stage["Properties"]["RouteSettings"]

    assert set(routes) == PUBLIC_ROUTES
    for settings in routes.values():
        assert settings["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert settings["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]


def test_access_logs_carry_the_path_never_the_query_string(transformed: dict[str, Any]) -> None:
    (stage,) = _resources(transformed, "AWS::ApiGatewayV2::Stage").values()
    log = stage["Properties"]["AccessLogSettings"]
    variables = set(re.findall(r"\$context\.[A-Za-z.]+", log["Format"]))

    assert log["DestinationArn"] == {"Fn::GetAtt": ["HttpApiAccessLogs", "Arn"]}
    assert {"$context.path", "$context.routeKey", "$context.status"} <= variables
    # Nothing that can hold the query string (codes, states) or headers (cookies).
    assert not [v for v in variables if "query" in v.lower() or "header" in v.lower()]
    assert variables <= {
        "$context.requestId",
        "$context.requestTime",
        "$context.identity.sourceIp",
        "$context.httpMethod",
        "$context.routeKey",
        "$context.path",
        "$context.status",
        "$context.responseLength",
        "$context.responseLatency",
        "$context.integrationErrorMessage",
    }


def test_sessions_expire_by_ttl_and_only_the_http_function_reads_them(transformed: dict[str, Any]) -> None:
    table = transformed["Resources"]["SessionsTable"]["Properties"]
    readers = {
        role
        for role, statement in _statements(transformed)
        if statement["Resource"] == {"Fn::GetAtt": ["SessionsTable", "Arn"]}
    }

    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert readers == {"HttpFunctionRole"}


def _statements(transformed: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, role in _resources(transformed, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                found.append((name, statement))
    return found


def test_function_roles_grant_no_wildcard_actions_or_resources(transformed: dict[str, Any]) -> None:
    statements = _statements(transformed)
    assert statements

    for role, statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        assert not [a for a in actions if "*" in a], f"{role} allows a wildcard action: {actions}"
        assert "*" not in resources, f"{role} allows {actions} on every resource"


def test_table_and_key_permissions_name_their_resources(transformed: dict[str, Any]) -> None:
    for _, statement in _statements(transformed):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if any(a.startswith(("dynamodb:", "kms:")) for a in actions):
            resource = statement["Resource"]
            # The resource's own ARN, or an index under it (`${Table.Arn}/index/...`).
            named = isinstance(resource, dict) and (
                "Fn::GetAtt" in resource or str(resource.get("Fn::Sub", "")).startswith("${")
            )
            assert named, statement


def test_tables_have_point_in_time_recovery_and_kms_encryption(transformed: dict[str, Any]) -> None:
    tables = _resources(transformed, "AWS::DynamoDB::Table")
    assert {"ConsentsTable", "OAuthStatesTable"} <= set(tables)

    for name, table in tables.items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name
        assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}, name


def test_oauth_states_expire_by_ttl(transformed: dict[str, Any]) -> None:
    table = transformed["Resources"]["OAuthStatesTable"]["Properties"]

    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_token_key_rotates(transformed: dict[str, Any]) -> None:
    assert transformed["Resources"]["TokenKey"]["Properties"]["EnableKeyRotation"] is True


def test_every_queue_with_a_consumer_outlasts_six_consumer_timeouts(transformed: dict[str, Any]) -> None:
    resources = transformed["Resources"]
    default_timeout = 3
    for mapping in _resources(transformed, "AWS::Lambda::EventSourceMapping").values():
        source = mapping["Properties"]["EventSourceArn"]
        if "Fn::GetAtt" not in source:
            continue
        queue = resources[source["Fn::GetAtt"][0]]
        if queue["Type"] != "AWS::SQS::Queue":
            continue
        function = resources[mapping["Properties"]["FunctionName"]["Ref"]]
        timeout = function["Properties"].get("Timeout", default_timeout)
        assert queue["Properties"]["VisibilityTimeout"] >= 6 * timeout


def test_the_sync_jobs_delay_is_a_parameter_within_sqs_limits_off_by_default(
    transformed: dict[str, Any],
) -> None:
    queue = transformed["Resources"]["SyncJobsQueue"]["Properties"]
    parameter = transformed["Parameters"]["SyncJobsDelaySeconds"]

    assert queue["DelaySeconds"] == {"Ref": "SyncJobsDelaySeconds"}  # FIFO: a queue-level delay only
    assert (parameter["Default"], parameter["MinValue"], parameter["MaxValue"]) == (0, 0, 900)


def test_sync_jobs_is_fifo_with_a_dead_letter_queue(transformed: dict[str, Any]) -> None:
    queue = transformed["Resources"]["SyncJobsQueue"]["Properties"]

    assert queue["FifoQueue"] is True
    assert queue["ContentBasedDeduplication"] is False
    dlq = transformed["Resources"][queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]]
    assert dlq["Properties"]["FifoQueue"] is True
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_the_client_secret_is_referenced_not_created(transformed: dict[str, Any]) -> None:
    assert not _resources(transformed, "AWS::SecretsManager::Secret")
    assert "OrcidClientSecretName" in transformed["Parameters"]


def test_every_queue_consumer_reports_partial_batch_failures(transformed: dict[str, Any]) -> None:
    mappings = _resources(transformed, "AWS::Lambda::EventSourceMapping")
    assert len(mappings) >= 2

    for name, mapping in mappings.items():
        assert mapping["Properties"].get("FunctionResponseTypes") == ["ReportBatchItemFailures"], name


def test_sync_workers_together_stay_under_orcids_24_requests_per_second(transformed: dict[str, Any]) -> None:
    resources = transformed["Resources"]
    (mapping,) = [
        m
        for m in _resources(transformed, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["SyncJobsQueue", "Arn"]}
    ]
    worker = resources[mapping["Properties"]["FunctionName"]["Ref"]]["Properties"]
    concurrency = mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"]
    per_worker = float(worker["Environment"]["Variables"]["ORCID_REQUESTS_PER_SECOND"])
    burst = int(worker["Environment"]["Variables"]["ORCID_BURST"])

    assert concurrency * per_worker <= 24
    assert concurrency * burst <= 40  # ORCID's burst: all workers' buckets full at once stay within it


def test_dead_letter_queues_keep_messages_14_days_and_raise_alarms(transformed: dict[str, Any]) -> None:
    resources = transformed["Resources"]
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in _resources(transformed, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == "AWS/SQS"
    }
    for queue in ("SyncJobsQueue", "OrbitEventsQueue"):
        dlq = resources[queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert resources[dlq]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert dlq in alarmed


def test_the_nightly_run_is_at_two_in_copenhagen_with_retries_and_a_dead_letter_queue(
    transformed: dict[str, Any],
) -> None:
    props = transformed["Resources"]["NightlyFunctionNightly"]["Properties"]

    assert props["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert props["ScheduleExpressionTimezone"] == "Europe/Copenhagen"
    assert props["Target"]["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert "Arn" in str(props["Target"]["DeadLetterConfig"])


def test_the_change_feed_poller_runs_alone_every_minute_by_default(transformed: dict[str, Any]) -> None:
    resources = transformed["Resources"]
    poller = resources["FeedPollerFunction"]["Properties"]
    schedule = resources["FeedPollerFunctionChangeFeed"]["Properties"]

    assert poller["ReservedConcurrentExecutions"] == 1
    assert transformed["Parameters"]["ChangeFeedPollMinutes"]["Default"] == 1
    assert schedule["ScheduleExpression"]["Fn::If"][0] == "PollEveryMinute"
    assert schedule["ScheduleExpression"]["Fn::If"][1] == "rate(1 minute)"


def test_the_change_feed_lag_alarms_past_15_minutes(transformed: dict[str, Any]) -> None:
    alarm = transformed["Resources"]["ChangeFeedLagAlarm"]["Properties"]

    assert (alarm["MetricName"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "ChangeFeedLagSeconds",
        900,
        "GreaterThanThreshold",
    )


def test_only_a_named_outside_producer_may_send_to_orbit_events(transformed: dict[str, Any]) -> None:
    policy = transformed["Resources"]["OrbitEventsProducerPolicy"]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]

    assert policy["Condition"] == "HasOutsideProducer"
    assert statement["Principal"] == {"AWS": {"Ref": "OrbitEventsProducerArn"}}
    assert statement["Action"] == "sqs:SendMessage"
