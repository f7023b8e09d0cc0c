"""Works we cannot prove are ours, for this researcher and this iD, are never deleted; one iD, one person."""

from __future__ import annotations

from datetime import UTC, datetime

from infra.local.browser import Browser
from infra.local.stack import LOCAL_CLIENT_ID, LocalStack
from infra.orcid_standin.work_input import ExternalId, WorkDocument
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore
from orcid_sync.store.token_cipher import TokenCipher
from tests.integration.sync_fixtures import article
from tests.safety.helpers import (
    assert_first_attempts,
    consent_of,
    duplicates,
    live_tokens,
    new_person,
    nightly,
    researcher_with_works,
    snapshot,
)


def legacy_work(title: str, doi: str) -> WorkDocument:
    """A work an earlier export made with DTU's client: no source-work-id."""
    return WorkDocument(
        title=title,
        type="journal-article",
        external_ids=(ExternalId("doi", doi, f"https://doi.org/{doi}", "self"),),
    )


def test_works_of_our_client_without_our_source_id_are_never_deleted(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 2)
    for n in range(3):
        stack.orcid.api.add_work_as(
            ida.orcid, LOCAL_CLIENT_ID, legacy_work(f"Legacy {n}", f"10.9/legacy.{n}")
        )
    before = snapshot(stack, ida.orcid)

    assert_first_attempts(nightly(stack, ida.person))

    assert snapshot(stack, ida.orcid) == before
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.sync is not None and consent.sync.left_alone == 3


def test_a_second_person_cannot_connect_an_id_another_person_holds(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 2)
    before = snapshot(stack, ida.orcid)
    karl = new_person(stack)
    browser = Browser(stack).sign_in(karl.uuid)

    page = browser.open(browser.decide_on_orcid(browser.connect(), ida.orcid))

    assert page.status_code == 409
    assert "already connected to someone else" in page.text and ida.orcid in page.text
    danish = Browser(stack).sign_in(karl.uuid)
    danish.session.headers["Accept-Language"] = "da"
    page = danish.open(danish.decide_on_orcid(danish.connect(), ida.orcid))
    assert page.status_code == 409 and "allerede forbundet til en anden" in page.text
    assert consent_of(stack, karl.uuid) is None
    cipher = TokenCipher(stack.resources.refs["TokenKey"])
    ida_consent = consent_of(stack, ida.person)
    assert ida_consent is not None and ida_consent.access_token is not None
    assert live_tokens(stack, ida.orcid) == {cipher.decrypt(ida.person, ida_consent.access_token)}
    assert_first_attempts(nightly(stack, ida.person))
    assert snapshot(stack, ida.orcid) == before


def test_the_id_is_free_again_once_its_holder_disconnected(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 1)
    assert ida.connected.browser.disconnect().status_code == 200
    karl = new_person(stack)

    browser = Browser(stack).sign_in(karl.uuid)
    page = browser.open(browser.decide_on_orcid(browser.connect(), ida.orcid))

    assert page.status_code == 200
    consent = consent_of(stack, karl.uuid)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE and consent.orcid == ida.orcid


def test_two_consents_on_one_id_from_before_the_rule_do_not_delete_each_others_works(
    stack: LocalStack,
) -> None:
    ida = researcher_with_works(stack, 2)
    karl = new_person(stack)
    karls = [stack.orbit.put_output(article(karl, title=f"Karl {n}")) for n in range(2)]
    # A consent written before one-iD-one-person was enforced: Karl's token for Ida's record.
    grant = stack.orcid.state.issue_token(
        ida.orcid, LOCAL_CLIENT_ID, frozenset({"/read-limited", "/activities/update"})
    )
    cipher = TokenCipher(stack.resources.refs["TokenKey"])
    now = datetime.now(UTC)
    ConsentStore(stack.resources.refs["ConsentsTable"]).create(
        Consent(
            person_id=karl.uuid,
            status=ConsentStatus.ACTIVE,
            orcid=ida.orcid,
            access_token=cipher.encrypt(karl.uuid, grant.access_token),
            granted_at=now,
            changed_at=now,
        )
    )
    assert_first_attempts(nightly(stack, karl.uuid))
    both = snapshot(stack, ida.orcid)
    assert {source for _, source, _ in both.values()} >= {o.uuid for o in karls} | {
        o.uuid for o in ida.outputs
    }

    for night in ("2026-12-01", "2026-12-02"):
        assert_first_attempts(nightly(stack, ida.person, night))
        assert_first_attempts(nightly(stack, karl.uuid, night))

    assert snapshot(stack, ida.orcid) == both
    assert duplicates(stack, ida.orcid) == []


def test_a_reconnect_with_another_id_puts_the_works_on_the_new_record(stack: LocalStack) -> None:
    ida = researcher_with_works(stack, 2)
    old_record = snapshot(stack, ida.orcid)
    new = stack.orcid.state.add_record("Ida", "Holm", "ida@dtu.dk")
    browser = ida.connected.browser

    page = browser.open(browser.decide_on_orcid(browser.connect(), new.orcid))
    assert_first_attempts(stack.drain())

    assert page.status_code == 200 and ida.orcid in page.text and "stay there" in page.text
    assert {source for _, source, _ in snapshot(stack, new.orcid).values()} == {o.uuid for o in ida.outputs}
    assert snapshot(stack, ida.orcid) == old_record  # left as it is (docs/decisions.md)
    assert live_tokens(stack, ida.orcid) == set()  # the old record's token was revoked
    consent = consent_of(stack, ida.person)
    assert consent is not None and consent.orcid == new.orcid
    assert consent.sync is not None and consent.sync.on_orcid == 2
    assert_first_attempts(nightly(stack, ida.person))
    assert len(snapshot(stack, new.orcid)) == 2 and snapshot(stack, ida.orcid) == old_record
