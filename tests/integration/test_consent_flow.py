"""The consent flow end to end: the real handler behind the local HTTP API, moto, and the ORCID stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.orcid_standin.state import Record
from orcid_sync.consent.state import digest, new_secret
from orcid_sync.handlers.http import BROWSER_COOKIE
from orcid_sync.store.consents import Consent, ConsentStatus
from orcid_sync.store.oauth_states import OAuthStateStore, StoredState

ConsentOf = Callable[[str], Consent | None]
Jobs = Callable[[], list[dict[str, str]]]


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_connecting_saves_an_active_consent_and_queues_the_first_full_sync(
    browser: Browser,
    person_id: str,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
    sync_jobs: Jobs,
) -> None:
    record = orcid_record()

    page = browser.connect_fully(record.orcid)

    assert page.status_code == 200
    assert "Your ORCID record is connected" in page.text
    consent = consent_of(person_id)
    assert consent is not None
    assert consent.status is ConsentStatus.ACTIVE
    assert consent.orcid == record.orcid
    assert consent.scopes == {"/read-limited", "/activities/update", "/person/update", "openid"}
    assert consent.access_token is not None and consent.refresh_token is not None
    jobs = sync_jobs()
    assert [json.loads(job["body"])["kind"] for job in jobs] == ["full"]
    assert jobs[0]["group"] == person_id


def test_the_authorize_url_asks_for_both_scopes_and_our_callback(browser: Browser, stack: LocalStack) -> None:
    query = _query(browser.connect())

    # /person/update is asked for (the Orbit profile link), never required.
    assert query["scope"].split() == ["/read-limited", "/activities/update", "/person/update", "openid"]
    assert len(query["nonce"]) >= 43  # bound to this browser's flow (see test_orcid_flow_binding)
    assert query["redirect_uri"] == f"{stack.base_url}/orcid/callback"
    assert query["response_type"] == "code"
    assert len(query["state"]) >= 43  # 256 bits, base64url
    assert "show_login" not in query


def test_register_asks_orcid_for_its_form_prefilled_from_orbit(browser: Browser, stack: LocalStack) -> None:
    query = _query(browser.connect(register="1"))

    assert query["show_login"] == "false"
    assert (query["given_names"], query["family_names"]) in {
        (r.given_names, r.family_names) for r in stack.orbit.researchers.values()
    }


def test_a_new_orcid_record_registered_on_the_way_is_connected(
    browser: Browser, person_id: str, consent_of: ConsentOf
) -> None:
    callback = browser.decide_on_orcid(browser.connect(register="1"), orcid=None)

    assert browser.open(callback).status_code == 200
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE and consent.orcid


def test_declining_on_orcid_shows_a_friendly_page_and_is_recorded(
    browser: Browser,
    person_id: str,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
    sync_jobs: Jobs,
) -> None:
    callback = browser.decide_on_orcid(browser.connect(), orcid_record().orcid, decision="deny")

    page = browser.open(callback)

    assert page.status_code == 200
    assert "You declined" in page.text
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.DECLINED
    assert consent.access_token is None
    assert sync_jobs() == []


def test_declining_a_second_time_keeps_the_working_consent(
    browser: Browser, person_id: str, orcid_record: Callable[[], Record], consent_of: ConsentOf
) -> None:
    record = orcid_record()
    browser.connect_fully(record.orcid)

    browser.open(browser.decide_on_orcid(browser.connect(), record.orcid, decision="deny"))

    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE
    assert [event.event for event in consent.history] == ["connected", "declined_again"]


def test_a_forged_state_is_refused_and_nothing_is_stored(
    browser: Browser, person_id: str, stack: LocalStack, consent_of: ConsentOf
) -> None:
    browser.connect()
    calls_before = stack.orcid.oauth.calls.get("token", 0)

    page = browser.open(f"{stack.base_url}/orcid/callback?code=AbC123&state={new_secret()}")

    assert page.status_code == 400
    assert "We did not start this authorization" in page.text
    assert consent_of(person_id) is None
    assert stack.orcid.oauth.calls.get("token", 0) == calls_before


def test_a_callback_without_state_is_refused(browser: Browser, stack: LocalStack) -> None:
    page = browser.open(f"{stack.base_url}/orcid/callback?code=AbC123")

    assert page.status_code == 400
    assert "security check" in page.text


def test_an_expired_state_is_refused(
    browser: Browser, person_id: str, stack: LocalStack, consent_of: ConsentOf
) -> None:
    state, browser_secret = new_secret(), new_secret()
    issued = datetime.now(UTC) - timedelta(minutes=11)
    OAuthStateStore(stack.resources.refs["OAuthStatesTable"]).put(
        StoredState(
            state_hash=digest(state),
            person_id=person_id,
            browser_hash=digest(browser_secret),
            expires_at=int((issued + timedelta(minutes=10)).timestamp()),
        )
    )
    browser.session.cookies.set(BROWSER_COOKIE, browser_secret, path="/orcid/callback")

    page = browser.open(f"{stack.base_url}/orcid/callback?code=AbC123&state={state}")

    assert page.status_code == 400
    assert "More than 10 minutes passed" in page.text
    assert consent_of(person_id) is None


def test_a_replayed_callback_is_refused_and_changes_nothing(
    browser: Browser,
    person_id: str,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
    sync_jobs: Jobs,
) -> None:
    callback = browser.decide_on_orcid(browser.connect(), orcid_record().orcid)
    assert browser.open(callback).status_code == 200
    saved = consent_of(person_id)
    sync_jobs()

    again = browser.open(callback)

    assert again.status_code == 400
    assert "already been used" in again.text
    assert consent_of(person_id) == saved
    assert sync_jobs() == []


def test_a_state_opened_in_another_persons_browser_is_refused(
    stack: LocalStack,
    browser: Browser,
    person_id: str,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    callback = browser.decide_on_orcid(browser.connect(), orcid_record().orcid)
    other_person = next(uuid for uuid in stack.orbit.researchers if uuid != person_id)
    other_browser = Browser(stack).sign_in(other_person)
    other_browser.connect()  # the other browser has its own binding cookie

    page = other_browser.open(callback)

    assert page.status_code == 400
    assert "started in another browser" in page.text
    assert consent_of(person_id) is None
    # The rightful browser can still finish: a refused attempt does not burn the state.
    assert browser.open(callback).status_code == 200


def test_an_invalid_code_is_refused_with_a_clear_page(
    browser: Browser, person_id: str, stack: LocalStack, consent_of: ConsentOf
) -> None:
    state = _query(browser.connect())["state"]

    page = browser.open(f"{stack.base_url}/orcid/callback?code=ZZZZZZ&state={state}")

    assert page.status_code == 400
    assert "not valid or was already used" in page.text
    assert consent_of(person_id) is None


def test_a_reused_code_is_refused_and_orcid_disables_its_tokens(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    first_callback = browser.decide_on_orcid(browser.connect(), orcid_record().orcid)
    browser.open(first_callback)
    saved = consent_of(person_id)
    code = _query(first_callback)["code"]
    state = _query(browser.connect())["state"]

    page = browser.open(f"{stack.base_url}/orcid/callback?code={code}&state={state}")

    assert page.status_code == 400
    assert consent_of(person_id) == saved
    grants = [g for g in stack.orcid.state.tokens.values() if g.code == code]
    assert grants and all(grant.revoked for grant in grants)


def test_a_grant_without_the_update_scope_is_refused_and_revoked(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    stack.orcid.oauth.faults.grant_only = frozenset({"/read-limited"})
    record = orcid_record()

    page = browser.connect_fully(record.orcid)

    assert page.status_code == 400
    assert "Both permissions are needed" in page.text
    assert consent_of(person_id) is None
    grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == record.orcid]
    assert len(grants) == 1 and grants[0].revoked


def test_orcid_being_down_gives_a_502_page_with_a_way_to_retry(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    callback = browser.decide_on_orcid(browser.connect(), orcid_record().orcid)
    stack.orcid.oauth.faults.token_status = 503

    page = browser.open(callback)

    assert page.status_code == 502
    assert "ORCID is not answering" in page.text
    assert 'href="/orcid/connect"' in page.text
    assert consent_of(person_id) is None


def test_connecting_again_with_the_same_id_replaces_the_consent_and_revokes_the_old_token(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
    sync_jobs: Jobs,
) -> None:
    record = orcid_record()
    browser.connect_fully(record.orcid)
    first = consent_of(person_id)

    assert browser.connect_fully(record.orcid).status_code == 200

    second = consent_of(person_id)
    assert first is not None and second is not None
    assert second.orcid == record.orcid and second.status is ConsentStatus.ACTIVE
    assert second.access_token != first.access_token
    assert [event.event for event in second.history] == ["connected", "connected"]
    assert len(sync_jobs()) == 2
    grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == record.orcid]
    assert sorted(g.revoked for g in grants) == [False, True]  # only the newest token still works


def test_connecting_a_different_id_revokes_the_old_token_at_orcid(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    old, new = orcid_record(), orcid_record()
    browser.connect_fully(old.orcid)

    page = browser.connect_fully(new.orcid)

    assert page.status_code == 200
    assert old.orcid in page.text
    consent = consent_of(person_id)
    assert consent is not None and consent.orcid == new.orcid
    old_grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == old.orcid]
    new_grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == new.orcid]
    assert all(g.revoked for g in old_grants)
    assert not any(g.revoked for g in new_grants)


def test_a_malformed_callback_query_gets_a_clear_400(browser: Browser, stack: LocalStack) -> None:
    page = browser.open(f"{stack.base_url}/orcid/callback?code=%3Cscript%3E&state=abc")

    assert page.status_code == 400
    assert "malformed query parameter(s): code" in page.text
    assert "<script>" not in page.text


def test_a_bad_register_flag_gets_a_clear_400(browser: Browser, stack: LocalStack) -> None:
    answer = browser.session.get(f"{stack.base_url}/orcid/connect?register=yes", allow_redirects=False)

    assert answer.status_code == 400
    assert "register" in answer.text


def test_connect_needs_a_signed_in_researcher(stack: LocalStack) -> None:
    answer = Browser(stack).open(f"{stack.base_url}/orcid/connect?register=1")

    assert answer.status_code == 302  # to sign in first, and back here after
    assert answer.headers["Location"] == "/auth/sign-in?return_to=%2Forcid%2Fconnect%3Fregister%3D1"


def test_dynamodb_holds_no_plaintext_token(
    browser: Browser, stack: LocalStack, orcid_record: Callable[[], Record]
) -> None:
    record = orcid_record()
    browser.connect_fully(record.orcid)
    grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == record.orcid]
    secrets = {g.access_token for g in grants} | {g.refresh_token for g in grants}
    dynamodb = boto3.client("dynamodb")

    dumps = [
        json.dumps(item, default=repr)
        for table in ("ConsentsTable", "OAuthStatesTable")
        for item in dynamodb.scan(TableName=stack.resources.refs[table])["Items"]
    ]

    assert dumps
    assert not [secret for secret in secrets for dump in dumps if secret in dump]
