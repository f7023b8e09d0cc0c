"""The local stack (moto + ORCID and Orbit stand-ins + the HTTP API) shared by integration tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import boto3
import pytest

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.orbit_standin.people import RESEARCHERS
from infra.orcid_standin.oauth import OAuthFaults
from infra.orcid_standin.state import Record
from orcid_sync.store.consents import Consent, ConsentStore


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with LocalStack() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_faults(stack: LocalStack) -> Iterator[None]:
    yield
    stack.orcid.oauth.faults = OAuthFaults()
    stack.orbit.failing_status = None


_next_researcher = iter(range(10**6))


@pytest.fixture
def person_id(stack: LocalStack) -> str:
    """A researcher Orbit knows, fresh for each test (no consent yet)."""
    base = RESEARCHERS[next(_next_researcher) % len(RESEARCHERS)]
    uuid = f"{base.uuid[:-6]}{next(_next_researcher):06d}"
    stack.orbit.researchers[uuid] = type(base)(
        uuid, base.given_names, base.family_names, f"9{uuid[-5:]}", base.email, base.department
    )
    return uuid


@pytest.fixture
def orcid_record(stack: LocalStack) -> Callable[[], Record]:
    def make() -> Record:
        return stack.orcid.state.add_record("Sofie", "Kjær Nielsen", "sokn@dtu.dk")

    return make


@pytest.fixture
def browser(stack: LocalStack, person_id: str) -> Browser:
    return Browser(stack).sign_in(person_id)


@pytest.fixture
def consents(stack: LocalStack) -> ConsentStore:
    return ConsentStore(stack.resources.refs["ConsentsTable"])


@pytest.fixture
def consent_of(consents: ConsentStore) -> Callable[[str], Consent | None]:
    return consents.get


@pytest.fixture
def sync_jobs(stack: LocalStack) -> Callable[[], list[dict[str, str]]]:
    """Drains the sync-jobs queue and returns what was on it (body and group id)."""
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls["SyncJobsQueue"]

    def drain() -> list[dict[str, str]]:
        found = []
        while True:
            answer = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["MessageGroupId"], WaitTimeSeconds=0
            )
            messages = answer.get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append({"body": message["Body"], "group": message["Attributes"]["MessageGroupId"]})
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    drain()
    return drain
