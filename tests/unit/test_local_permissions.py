"""The local stack's IAM check: which calls a function's role in template.yaml allows."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from infra.local.permissions import Role, Statement, UncheckablePolicy, role_of
from infra.local.template import Resolver

ARN = "arn:aws:{}:eu-north-1:123456789012"


def role(*statements: tuple[list[str], list[str]]) -> Role:
    return Role(
        "SomeFunction",
        tuple(Statement(tuple(actions), tuple(resources)) for actions, resources in statements),
        "eu-north-1",
        "123456789012",
    )


def denied(check: Any, *args: Any) -> str:
    with pytest.raises(ClientError) as raised:
        check(*args)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    return str(raised.value)


TABLE = ARN.format("dynamodb") + ":table/links"


def test_a_granted_table_action_passes_and_another_action_on_it_is_denied() -> None:
    links = role((["dynamodb:GetItem", "dynamodb:PutItem"], [TABLE]))

    links.check("dynamodb", "PutItem", {"TableName": "links", "Item": {}})
    message = denied(links.check, "dynamodb", "BatchWriteItem", {"RequestItems": {"links": []}})

    assert "dynamodb:BatchWriteItem" in message and TABLE in message


def test_the_same_action_on_another_table_is_denied() -> None:
    denied(role((["dynamodb:GetItem"], [TABLE])).check, "dynamodb", "GetItem", {"TableName": "consents"})


def test_a_query_on_an_index_needs_the_index_arn() -> None:
    on_table = role((["dynamodb:Query"], [TABLE]))
    on_index = role((["dynamodb:Query"], [f"{TABLE}/index/by-publication"]))
    query = {"TableName": "links", "IndexName": "by-publication"}

    denied(on_table.check, "dynamodb", "Query", query)
    on_index.check("dynamodb", "Query", query)


def test_sqs_batch_sends_need_sendmessage_on_the_queue_named_by_its_url() -> None:
    queue = ARN.format("sqs") + ":local-sync-jobs.fifo"
    sender = role((["sqs:SendMessage"], [queue]))
    url = "http://127.0.0.1:5000/123456789012/local-sync-jobs.fifo"

    sender.check("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": []})
    denied(sender.check, "sqs", "DeleteMessageBatch", {"QueueUrl": url, "Entries": []})
    denied(sender.check, "sqs", "SendMessage", {"QueueUrl": url.replace("sync-jobs", "orbit-events")})


def test_a_secret_named_without_its_suffix_matches_the_templates_six_character_pattern() -> None:
    secret = ARN.format("secretsmanager") + ":secret:orcid-sync/client-secret-??????"
    reader = role((["secretsmanager:GetSecretValue"], [secret]))

    reader.check("secretsmanager", "GetSecretValue", {"SecretId": "orcid-sync/client-secret"})
    denied(reader.check, "secretsmanager", "GetSecretValue", {"SecretId": "orcid-sync/orbit-api-key"})


def test_kms_decrypt_is_checked_against_the_key_the_ciphertext_names() -> None:
    key = ARN.format("kms") + ":key/1234abcd-0000-0000-0000-000000000000"
    decrypter = role((["kms:Decrypt"], [key]))

    decrypter.check("kms", "Decrypt", {"CiphertextBlob": b"x"})  # no KeyId: nothing to check yet
    decrypter.check_answer("kms", "Decrypt", {"KeyId": key, "Plaintext": b"t"})
    denied(decrypter.check_answer, "kms", "Decrypt", {"KeyId": key.replace("1234", "9999")})
    denied(decrypter.check, "kms", "Encrypt", {"KeyId": "1234abcd-0000-0000-0000-000000000000"})


def test_a_call_whose_resource_is_unknown_needs_a_star_resource() -> None:
    denied(role((["sts:GetCallerIdentity"], [TABLE])).check, "sts", "GetCallerIdentity", {})
    role((["sts:GetCallerIdentity"], ["*"])).check("sts", "GetCallerIdentity", {})


def test_action_wildcards_match_as_iam_matches_them() -> None:
    role((["dynamodb:Get*"], [TABLE])).check("dynamodb", "GetItem", {"TableName": "links"})
    denied(role((["dynamodb:Get*"], [TABLE])).check, "dynamodb", "PutItem", {"TableName": "links"})


def template(policies: list[Any]) -> dict[str, Any]:
    return {"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Policies": policies}}}}


RESOLVE = Resolver(refs={"Table": "links"}, attributes={("Table", "Arn"): TABLE})


def test_role_of_resolves_the_templates_references() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
    }

    read = role_of(template([{"Version": "2012-10-17", "Statement": [statement]}]), "Fn", RESOLVE, "r", "a")

    assert read.statements == (Statement(("dynamodb:GetItem",), (TABLE,)),)


@pytest.mark.parametrize(
    "policy",
    [
        "AWSLambdaBasicExecutionRole",
        {"DynamoDBCrudPolicy": {"TableName": {"Ref": "Table"}}},
        {"Statement": [{"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {}}]},
    ],
    ids=["managed", "sam-policy-template", "deny", "condition"],
)
def test_policies_it_cannot_enforce_faithfully_are_refused_not_ignored(policy: Any) -> None:
    with pytest.raises(UncheckablePolicy):
        role_of(template([policy]), "Fn", RESOLVE, "r", "a")
