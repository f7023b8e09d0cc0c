"""Input no retry can fix goes to the dead-letter queue at once, with a reason; Orbit down is waited out."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.local.template import load_template
from orcid_sync.jobs.messages import BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS
from orcid_sync.jobs.sqs_batch import BatchFailed
from tests.integration.sync_fixtures import article, dead_letters, send_raw
from tests.safety.helpers import assert_first_attempts, new_person, researcher_with_works, snapshot

OUTPUT = "0b5e4a1e-8c4c-4f0e-9a57-3f7f3e2f1a11"


def only_dead_letter(stack: LocalStack, reason_part: str) -> None:
    letters = dead_letters(stack, "OrbitEventsDlq")
    reasons = [str(m["MessageAttributes"]["reason"]["StringValue"]) for m in letters]  # type: ignore[index]
    assert any(reason_part in reason for reason in reasons), reasons
    sqs = boto3.client("sqs")
    for message in letters:
        sqs.delete_message(
            QueueUrl=stack.resources.queue_urls["OrbitEventsDlq"],
            ReceiptHandle=str(message["ReceiptHandle"]),
        )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        (json.dumps({"type": "researchoutput.updated", "uuid": OUTPUT, "version": 2.5}), "version"),
        (json.dumps({"type": "researchoutput.updated", "uuid": OUTPUT, "version": True}), "version"),
        (
            json.dumps(
                {
                    "uuid": OUTPUT,
                    "changeType": "UPDATE",
                    "familySystemName": "ResearchOutput",
                    "version": "7b",
                }
            ),
            "version",
        ),
    ],
    ids=["deeply-nested-json", "fractional-version", "boolean-version", "text-version"],
)
def test_a_malformed_event_goes_to_the_dead_letter_queue_at_once(
    stack: LocalStack, body: str, reason: str
) -> None:
    send_raw(stack, body)

    report = stack.drain()

    assert report.failed == 0, "not retried"
    only_dead_letter(stack, reason)


def test_an_orbit_answer_that_is_not_a_research_output_goes_to_the_dead_letter_queue_at_once(
    stack: LocalStack,
) -> None:
    output = str(uuid.uuid4())
    stack.orbit.raw_outputs[output] = {"uuid": output, "systemName": "Person"}
    send_raw(stack, json.dumps({"type": "researchoutput.updated", "uuid": output, "version": 1}))

    report = stack.drain()

    assert report.failed == 0
    only_dead_letter(stack, "not a research output")


def test_unknown_fields_in_an_event_are_ignored(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 0)
    output = stack.orbit.put_output(article(ida.connected.researcher))
    event = {"type": "researchoutput.created", "uuid": output.uuid, "version": 1, "portal": "orbit", "x": [1]}

    send_raw(stack, json.dumps(event))
    assert_first_attempts(stack.drain())

    assert [source for _, source, _ in snapshot(stack, ida.orcid).values()] == [output.uuid]


def test_the_router_waits_while_orbit_is_down_instead_of_giving_up(stack: LocalStack) -> None:
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls["OrbitEventsQueue"]
    send_raw(stack, json.dumps({"type": "researchoutput.updated", "uuid": OUTPUT, "version": 3}))
    message = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message["Attributes"],
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": stack.resources.attributes[("OrbitEventsQueue", "Arn")],
        "awsRegion": "eu-north-1",
    }
    stack.orbit.failing_status = 503

    # A batch whose every record failed fails whole (the invocation raises): Lambda puts it back.
    with pytest.raises(BatchFailed):
        stack.function("EventRouterFunction").call({"Records": [record]})

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"  # waits, out of the way
    assert dead_letters(stack, "OrbitEventsDlq") == []
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    stack.orbit.failing_status = None
    assert_first_attempts(stack.drain())


def test_the_queue_lets_the_router_wait_more_than_an_hour_before_dead_lettering() -> None:
    template = load_template()
    receives = template["Resources"]["OrbitEventsQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"]
    shortest = sum(
        min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (n - 1)) // 2 for n in range(1, receives)
    )
    assert shortest > 3600


def test_a_post_with_too_many_form_fields_gets_a_400_page(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 0)
    browser = ida.connected.browser
    form = {f"field{n}": "x" for n in range(50)}

    answer = browser.session.post(f"{stack.base_url}/orcid/resync", data=form, allow_redirects=False)

    assert answer.status_code == 400
    assert "more fields" in answer.text


def test_a_person_orbit_does_not_know_is_refused_at_connect_and_nothing_is_stored(stack: LocalStack) -> None:
    stranger = new_person(stack, "Stranger").uuid
    browser = Browser(stack).sign_in(stranger)
    danish = Browser(stack).sign_in(stranger)
    del stack.orbit.researchers[stranger]  # signed in at DTU, but Orbit has no such person
    dynamodb = boto3.client("dynamodb")
    states_before = dynamodb.scan(TableName=stack.resources.refs["OAuthStatesTable"], Select="COUNT")["Count"]

    answer = browser.session.get(f"{stack.base_url}/orcid/connect", allow_redirects=False)

    assert answer.status_code == 403
    assert "DTU Orbit does not know you" in answer.text
    states_after = dynamodb.scan(TableName=stack.resources.refs["OAuthStatesTable"], Select="COUNT")["Count"]
    assert states_after == states_before
    consent = dynamodb.get_item(
        TableName=stack.resources.refs["ConsentsTable"], Key={"person_id": {"S": stranger}}
    )
    assert "Item" not in consent
    answer = danish.session.get(
        f"{stack.base_url}/orcid/connect", headers={"Accept-Language": "da"}, allow_redirects=False
    )
    assert answer.status_code == 403 and "DTU Orbit kender dig ikke" in answer.text


def test_a_malformed_sync_job_goes_to_the_dead_letter_queue_at_once(stack: LocalStack) -> None:
    boto3.client("sqs").send_message(
        QueueUrl=stack.resources.queue_urls["SyncJobsQueue"],
        MessageBody='{"kind": "everything", "person_id": ""}',
        MessageGroupId="someone",
        MessageDeduplicationId=str(uuid.uuid4()),
    )

    report = stack.drain()

    assert report.failed == 0, "not retried"
    letters = dead_letters(stack, "SyncJobsDlq")
    reasons = [str(m["MessageAttributes"]["reason"]["StringValue"]) for m in letters]  # type: ignore[index]
    assert any(reason.startswith("not a sync job") for reason in reasons), reasons
    sqs = boto3.client("sqs")
    for message in letters:
        sqs.delete_message(
            QueueUrl=stack.resources.queue_urls["SyncJobsDlq"], ReceiptHandle=str(message["ReceiptHandle"])
        )
