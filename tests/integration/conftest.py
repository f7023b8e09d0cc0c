"""The local stack (moto + ORCID and Orbit stand-ins + the HTTP API) shared by integration tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import boto3
import pytest

from infra.local.browser import Browser
from infra.local.queues import DrainReport
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
def _clean_faults(stack: LocalStack, request: pytest.FixtureRequest) -> Iterator[None]:
    """Reset the stand-ins' faults after each test, and hold every test to first-attempt success.

    A job that crashes and is redelivered can repair its own end state, hiding the crash: unless a
    test makes jobs fail on purpose (marked `redeliveries_expected`), no message may fail at all.
    """
    reports: list[DrainReport] = []
    drain = stack.queues.drain

    def drain_and_remember(max_invocations: int = 100_000) -> DrainReport:
        report = drain(max_invocations)
        reports.append(report)
        return report

    stack.queues.drain = drain_and_remember  # type: ignore[method-assign]
    try:
        yield
    finally:
        stack.queues.drain = drain  # type: ignore[method-assign]
        stack.orcid.oauth.faults = OAuthFaults()
        stack.orbit.failing_status = None
        stack.orbit.person_list_status.clear()
        stack.orbit.person_list_cut_at.clear()
        stack.orbit.raw_outputs.clear()
    if request.node.get_closest_marker("redeliveries_expected") is None:
        failed = sum(report.failed for report in reports)
        crashed = sum(report.crashed_invocations for report in reports)
        assert (failed, crashed) == (0, 0), f"{failed} messages failed, {crashed} invocations crashed"


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
