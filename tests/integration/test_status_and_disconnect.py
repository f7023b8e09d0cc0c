"""The status page (JSON/HTML, Danish/English) and disconnecting, through the local HTTP API."""

from __future__ import annotations

import re
from collections.abc import Callable

import requests

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.orcid_standin.state import Record
from orcid_sync.handlers.http import CSRF_COOKIE
from orcid_sync.store.consents import Consent, ConsentStatus

ConsentOf = Callable[[str], Consent | None]


def _csrf_from_status_page(browser: Browser) -> str:
    page = browser.status_html()
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, "the status page has no disconnect form"
    return match.group(1)


def _disconnect(browser: Browser, csrf: str | None, **headers: str) -> requests.Response:
    """A post to /orcid/disconnect; `headers` are what an attacker's page makes the browser send."""
    data = {"csrf": csrf} if csrf is not None else {}
    return browser.session.post(
        f"{browser.stack.base_url}/orcid/disconnect",
        data=data,
        headers={key.replace("_", "-"): value for key, value in headers.items()},
        allow_redirects=False,
    )


def test_status_for_someone_with_no_consent_says_not_connected(browser: Browser) -> None:
    status = browser.status_json()

    assert status == {"symbol": "not_connected", "connected": False}


def test_status_page_for_someone_with_no_consent_offers_to_connect(browser: Browser) -> None:
    page = browser.status_html()

    assert page.status_code == 200
    assert "Not connected" in page.text
    assert 'href="/orcid/connect"' in page.text
    assert 'href="/orcid/connect?register=1"' in page.text


def test_status_shows_the_linked_id_and_the_working_symbol(
    browser: Browser, orcid_record: Callable[[], Record]
) -> None:
    record = orcid_record()
    browser.connect_fully(record.orcid)

    status = browser.status_json()

    assert status["symbol"] == "working"
    assert status["orcid"] == record.orcid
    assert status["status"] == "active"
    assert status["connected"] is True
    assert "access_token" not in status and "refresh_token" not in status


def test_status_page_speaks_danish_when_the_browser_prefers_it(
    browser: Browser, orcid_record: Callable[[], Record]
) -> None:
    browser.connect_fully(orcid_record().orcid)

    page = browser.status_html("da-DK,da;q=0.9,en;q=0.8")

    assert '<html lang="da">' in page.text
    assert "Synkroniserer" in page.text


def test_pages_carry_a_strict_policy_and_are_never_cached(browser: Browser) -> None:
    page = browser.status_html()

    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    # Not no-referrer: under it browsers send `Origin: null` on our own form posts.
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_status_needs_a_signed_in_researcher(stack: LocalStack) -> None:
    answer = Browser(stack).open(f"{stack.base_url}/orcid/status")

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/auth/sign-in?return_to=%2Forcid%2Fstatus"


def test_disconnect_revokes_at_orcid_forgets_tokens_and_keeps_an_audit_record(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    record = orcid_record()
    browser.connect_fully(record.orcid)

    answer = browser.disconnect()

    assert answer.status_code == 200
    assert "Disconnected" in answer.text
    consent = consent_of(person_id)
    assert consent is not None
    assert consent.status is ConsentStatus.DISCONNECTED
    assert consent.access_token is None and consent.refresh_token is None
    assert [event.event for event in consent.history] == ["connected", "disconnected"]
    assert all(g.revoked for g in stack.orcid.state.tokens.values() if g.orcid == record.orcid)
    assert browser.status_json()["symbol"] == "paused"


def test_disconnect_without_the_form_token_is_refused(
    browser: Browser, person_id: str, orcid_record: Callable[[], Record], consent_of: ConsentOf
) -> None:
    browser.connect_fully(orcid_record().orcid)
    _csrf_from_status_page(browser)  # the cookie is set; the forged form lacks the field

    answer = _disconnect(browser, None)

    assert answer.status_code == 403
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE


def test_disconnect_from_another_site_is_refused(
    browser: Browser, person_id: str, orcid_record: Callable[[], Record], consent_of: ConsentOf
) -> None:
    browser.connect_fully(orcid_record().orcid)
    csrf = _csrf_from_status_page(browser)

    answer = _disconnect(browser, csrf, Origin="https://evil.example", Sec_Fetch_Site="cross-site")

    assert answer.status_code == 403
    assert "another site" in answer.text
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE


def test_disconnect_with_origin_null_from_another_site_is_refused(
    browser: Browser, person_id: str, orcid_record: Callable[[], Record], consent_of: ConsentOf
) -> None:
    """What a sandboxed frame or a no-referrer page on another site makes a browser send."""
    browser.connect_fully(orcid_record().orcid)
    csrf = _csrf_from_status_page(browser)

    with_fetch_metadata = _disconnect(browser, csrf, Origin="null", Sec_Fetch_Site="cross-site")
    origin_only = _disconnect(browser, csrf, Origin="null")  # a browser without Fetch metadata

    assert with_fetch_metadata.status_code == 403 and origin_only.status_code == 403
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE


def test_disconnect_from_a_sibling_origin_on_the_same_site_is_refused(
    browser: Browser, person_id: str, orcid_record: Callable[[], Record], consent_of: ConsentOf
) -> None:
    browser.connect_fully(orcid_record().orcid)
    csrf = _csrf_from_status_page(browser)

    answer = _disconnect(browser, csrf, Origin="http://127.0.0.1:1", Sec_Fetch_Site="same-site")

    assert answer.status_code == 403
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE


def test_disconnect_keeps_the_tokens_when_orcid_cannot_revoke(
    browser: Browser,
    person_id: str,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    browser.connect_fully(orcid_record().orcid)
    csrf = _csrf_from_status_page(browser)
    stack.orcid.oauth.faults.token_status = 503

    answer = _disconnect(browser, csrf)

    assert answer.status_code == 502
    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE and consent.access_token


def test_connecting_again_after_disconnecting_works(
    browser: Browser, person_id: str, orcid_record: Callable[[], Record], consent_of: ConsentOf
) -> None:
    record = orcid_record()
    browser.connect_fully(record.orcid)
    browser.disconnect()

    assert browser.connect_fully(record.orcid).status_code == 200

    consent = consent_of(person_id)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE


def test_the_csrf_cookie_is_strict_and_http_only(browser: Browser) -> None:
    page = browser.status_html()

    cookie = next(c for c in page.headers.get("Set-Cookie", "").split(", ") if c.startswith(CSRF_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
