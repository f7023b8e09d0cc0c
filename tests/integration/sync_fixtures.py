"""Helpers for sync tests: connected researchers, Orbit outputs, events on the queue, ORCID's view."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import boto3

from infra.local.browser import Browser
from infra.local.records import sources_on_orcid, titles_on_orcid
from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import Author, ResearchOutput
from infra.orbit_standin.people import Researcher


@dataclass
class Connected:
    researcher: Researcher
    orcid: str
    browser: Browser


def new_researcher(stack: LocalStack, given: str = "Ida", family: str = "Holm") -> Researcher:
    person = str(uuid.uuid4())
    researcher = Researcher(
        person, given, family, str(uuid.uuid4().int % 10**6), f"{given.lower()}@dtu.dk", "DTU"
    )
    stack.orbit.researchers[person] = researcher
    return researcher


def connect(stack: LocalStack, researcher: Researcher) -> Connected:
    record = stack.orcid.state.add_record(researcher.given_names, researcher.family_names, researcher.email)
    browser = Browser(stack).sign_in(researcher.uuid)
    page = browser.connect_fully(record.orcid)
    assert page.status_code == 200, page.text
    return Connected(researcher, record.orcid, browser)


def article(
    *authors: Researcher, title: str = "Wind farm wakes", doi: str | None = None, **fields: object
) -> ResearchOutput:
    output_uuid = str(uuid.uuid4())
    return ResearchOutput(
        uuid=output_uuid,
        group="contributiontojournal",
        subtype="article",
        title_en=title,
        year=2025,
        month=3,
        authors=tuple(Author(a.uuid, a.given_names, a.family_names) for a in authors),
        doi=doi or f"10.11581/dtu.{output_uuid[:8]}",
        journal_title="Wind Energy",
        issn="1095-4244",
        **fields,  # type: ignore[arg-type]
    )


def send_event(stack: LocalStack, kind: str, output_uuid: str, version: int | None = None) -> None:
    body: dict[str, object] = {"type": f"researchoutput.{kind}", "uuid": output_uuid}
    if version is not None:
        body["version"] = version
    send_raw(stack, json.dumps(body))


def send_raw(stack: LocalStack, body: str) -> None:
    boto3.client("sqs").send_message(
        QueueUrl=stack.resources.queue_urls["OrbitEventsQueue"], MessageBody=body
    )


def writes(stack: LocalStack) -> int:
    """ORCID write calls so far (POST, PUT, DELETE)."""
    return sum(
        count
        for label, count in stack.orcid.api.calls.items()
        if label.split()[0] in {"POST", "PUT", "DELETE"}
    )


def dead_letters(stack: LocalStack, queue: str) -> list[dict[str, object]]:
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls[queue]
    answer = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=0
    )
    return list(answer.get("Messages", []))


__all__ = [
    "Connected",
    "article",
    "connect",
    "dead_letters",
    "new_researcher",
    "send_event",
    "send_raw",
    "sources_on_orcid",
    "titles_on_orcid",
    "writes",
]
