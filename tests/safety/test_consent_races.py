"""Consent writes race: two callbacks at once, a disconnect while a worker runs. Neither undoes the other."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from orcid_sync.store.consents import ConsentStatus, ConsentStore
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.sync.service import SyncService
from tests.integration.sync_fixtures import article
from tests.safety.helpers import assert_first_attempts, consent_of, live_tokens, new_person, snapshot


@pytest.fixture
def both_read_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make two callbacks interleave for certain: each reads the consent, then both go on to write."""
    barrier = threading.Barrier(2, timeout=10)
    waited = threading.local()
    original = ConsentStore.claim_of

    def claim_of_then_wait(self: ConsentStore, orcid: str) -> Any:
        claim = original(self, orcid)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return claim

    monkeypatch.setattr(ConsentStore, "claim_of", claim_of_then_wait)


def test_two_callbacks_at_once_leave_one_consent_and_no_token_we_do_not_hold(
    stack: LocalStack, both_read_first: None
) -> None:
    person = new_person(stack)
    record = stack.orcid.state.add_record("Ida", "Holm", "ida@dtu.dk")
    first, second = Browser(stack).sign_in(person.uuid), Browser(stack).sign_in(person.uuid)
    callbacks = [b.decide_on_orcid(b.connect(), record.orcid) for b in (first, second)]
    answers: list[int] = []

    threads = [
        threading.Thread(target=lambda b=b, url=url: answers.append(b.open(url).status_code))
        for b, url in zip((first, second), callbacks, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == [200, 200]
    consent = consent_of(stack, person.uuid)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE and consent.access_token
    held = TokenCipher(stack.resources.refs["TokenKey"]).decrypt(person.uuid, consent.access_token)
    assert live_tokens(stack, record.orcid) == {held}
    assert [event.event for event in consent.history].count("connected") == 2
    assert_first_attempts(stack.drain())
    assert live_tokens(stack, record.orcid) == {held}


def test_a_disconnect_while_a_worker_runs_is_not_undone(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = new_person(stack)
    stack.orbit.put_output(article(person))
    record = stack.orcid.state.add_record("Ida", "Holm", "ida@dtu.dk")
    browser = Browser(stack).sign_in(person.uuid)
    assert browser.open(browser.decide_on_orcid(browser.connect(), record.orcid)).status_code == 200
    original = SyncService._record

    def disconnect_first(self: SyncService, *args: Any) -> None:
        # The researcher presses Disconnect after the worker wrote to ORCID, before it records the run.
        monkeypatch.setattr(SyncService, "_record", original)
        assert browser.disconnect().status_code == 200
        original(self, *args)

    monkeypatch.setattr(SyncService, "_record", disconnect_first)
    assert_first_attempts(stack.drain())

    consent = consent_of(stack, person.uuid)
    assert consent is not None and consent.status is ConsentStatus.DISCONNECTED
    assert consent.access_token is None and consent.refresh_token is None
    assert live_tokens(stack, record.orcid) == set()
    assert len(snapshot(stack, record.orcid)) == 1  # what the worker wrote before stays, once


def test_a_revocation_seen_by_a_worker_does_not_touch_a_newer_consent(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = new_person(stack)
    stack.orbit.put_output(article(person))
    record = stack.orcid.state.add_record("Ida", "Holm", "ida@dtu.dk")
    browser = Browser(stack).sign_in(person.uuid)
    assert browser.open(browser.decide_on_orcid(browser.connect(), record.orcid)).status_code == 200
    stack.orcid.state.revoke_by_user(record.orcid, "APP-LOCALSTACK000001")  # the first token dies
    original = SyncService._record

    def reconnect_first(self: SyncService, *args: Any) -> None:
        # The researcher connects again (a new, live token) while the worker still holds the old one.
        monkeypatch.setattr(SyncService, "_record", original)
        assert browser.open(browser.decide_on_orcid(browser.connect(), record.orcid)).status_code == 200
        original(self, *args)

    monkeypatch.setattr(SyncService, "_record", reconnect_first)
    stack.drain()

    consent = consent_of(stack, person.uuid)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE  # not "revoked"
    assert consent.access_token is not None
    held = TokenCipher(stack.resources.refs["TokenKey"]).decrypt(person.uuid, consent.access_token)
    assert live_tokens(stack, record.orcid) == {held}
