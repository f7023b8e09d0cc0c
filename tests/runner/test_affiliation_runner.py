"""Carrying out employment plans against the ORCID stand-in on loopback, links in moto's DynamoDB:
a lost answer comes back as 409/9021 and is adopted, a refusal is recorded, nothing is ever deleted."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from orcid_sync.domain.links import LinkState
from orcid_sync.orbit.staff import PersonStaff, StaffAssociation
from orcid_sync.orcid.activities import Activities
from orcid_sync.store.affiliation_links import AffiliationLinkStore
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore
from orcid_sync.store.work_links import WorkLinkStore
from orcid_sync.sync.affiliations import AffiliationSync
from orcid_sync.sync.apply import PlanRunner
from orcid_sync.sync.employment_jobs import Prepared
from orcid_sync.sync.employment_mapping import DTU, employment_from_association
from tests.integration.member_fixtures import MemberWorld, member_world

NOW = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> Iterator[MemberWorld]:
    with member_world() as running:
        yield running


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-north-1")
        client.create_table(
            TableName="affiliation-links",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "person_id", "AttributeType": "S"},
                {"AttributeName": "item", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "person_id", "KeyType": "HASH"},
                {"AttributeName": "item", "KeyType": "RANGE"},
            ],
        )
        yield client


def _setup(world: MemberWorld, dynamodb: Any) -> tuple[AffiliationSync, PlanRunner, Consent]:
    record, grant = world.another_researcher()
    person = str(uuid.uuid4())
    links = AffiliationLinkStore("affiliation-links", client=dynamodb)
    sync = AffiliationSync(
        orbit=None,  # type: ignore[arg-type]  # not read: the associations are given
        links=links,
        consents=ConsentStore("consents", client=dynamodb),
        clock=lambda: NOW,
    )
    runner = PlanRunner(
        person_id=person,
        orcid_id=record.orcid,
        token_source=lambda: grant.access_token,
        client=world.client(),
        links=WorkLinkStore("unused", client=dynamodb),
        clock=lambda: NOW,
    )
    consent = Consent(
        person_id=person, status=ConsentStatus.ACTIVE, orcid=record.orcid, changed_at=NOW, scopes=frozenset()
    )
    return sync, runner, consent


ASSOCIATION = StaffAssociation(id="4711", unit_name="DTU Energy", job_title="Postdoc", start=date(2020, 1, 1))


def test_a_create_whose_answer_was_lost_is_adopted_on_409(world: MemberWorld, dynamodb: Any) -> None:
    sync, runner, consent = _setup(world, dynamodb)
    assert consent.orcid is not None
    lost = world.client().add_employment(
        consent.orcid, runner.token, employment_from_association(ASSOCIATION, DTU)
    )
    runner._activities = Activities()  # a record read from before that write: it does not show it
    before = Counter(world.api.calls)

    report = sync.sync(
        Prepared(PersonStaff(consent.person_id, (ASSOCIATION,))), consent, runner, restore=False
    )

    assert Counter(world.api.calls) - before == Counter(
        {"POST /employment": 1, "PUT /employment/{put-code}": 1}
    )
    assert [e.put_code for e in world.api.employments_of(consent.orcid)] == [lost]
    (link,) = sync.links.of_person(consent.person_id).values()
    assert (link.state, link.put_code) == (LinkState.SYNCED, lost)
    assert report.employments == 1


def test_a_refusal_is_recorded_on_the_link_and_not_retried_until_it_changes(
    world: MemberWorld, dynamodb: Any
) -> None:
    sync, runner, consent = _setup(world, dynamodb)
    assert consent.orcid is not None
    bad = ASSOCIATION.model_copy(update={"id": "4712"})
    staff = PersonStaff(consent.person_id, (bad,))
    runner._activities = Activities()  # read already: the next call is the POST
    world.api.faults.fail_next(400)

    report = sync.sync(Prepared(staff), consent, runner, restore=False)

    (link,) = sync.links.of_person(consent.person_id).values()
    assert link.state is LinkState.REJECTED
    assert "4712" in report.problems and "refused" in report.problems["4712"]
    before = Counter(world.api.calls)
    sync.sync(Prepared(staff), consent, runner, restore=False)
    assert Counter(world.api.calls) - before == Counter()  # unchanged: not sent again
