"""DTU sign-in (OpenID Connect, against the provider stand-in) and sessions, through the local HTTP API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.oidc_standin.app import IdTokenFault
from infra.orcid_standin.state import Record
from orcid_sync.consent.state import digest
from orcid_sync.handlers.http import SESSION_COOKIE
from orcid_sync.store.consents import Consent

ConsentOf = Callable[[str], Consent | None]


@pytest.fixture(autouse=True)
def _honest_provider(stack: LocalStack) -> Iterator[None]:
    yield
    stack.oidc.fault = None


def _employee(stack: LocalStack, person_id: str) -> str:
    return stack.orbit.researchers[person_id].employee_id


def _session_item(stack: LocalStack, browser: Browser) -> dict[str, object]:
    secret = browser.session.cookies.get(SESSION_COOKIE)
    assert secret
    table = boto3.resource("dynamodb").Table(stack.resources.refs["SessionsTable"])
    item: dict[str, object] = table.get_item(Key={"id_hash": digest(secret)}, ConsistentRead=True)["Item"]
    return item


def _set_session(stack: LocalStack, browser: Browser, **values: int) -> None:
    secret = browser.session.cookies.get(SESSION_COOKIE)
    table = boto3.resource("dynamodb").Table(stack.resources.refs["SessionsTable"])
    names = {f"#{key}": key for key in values}
    table.update_item(
        Key={"id_hash": digest(secret or "")},
        UpdateExpression="SET " + ", ".join(f"#{key} = :{key}" for key in values),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={f":{key}": value for key, value in values.items()},
    )


def _is_sign_in_redirect(answer: object, back_to: str = "%2Forcid%2Fstatus") -> bool:
    location = getattr(answer, "headers", {}).get("Location", "")
    return getattr(answer, "status_code", 0) == 302 and location == f"/auth/sign-in?return_to={back_to}"


def test_signing_in_leads_back_to_the_page_asked_for_with_a_session_cookie(
    stack: LocalStack, person_id: str
) -> None:
    browser = Browser(stack)
    asked = browser.open(f"{stack.base_url}/orcid/status")
    assert _is_sign_in_redirect(asked)

    page = browser.start_sign_in("/orcid/status")
    query = parse_qs(urlsplit(page.url).query)
    callback = browser.choose_on_sign_in_page(page, _employee(stack, person_id))
    answer = browser.open(callback)

    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["nonce"][0]) == 43 and len(query["state"][0]) >= 43
    assert answer.status_code == 302 and answer.headers["Location"] == "/orcid/status"
    cookie = next(c for c in answer.raw.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE + "="))
    assert (
        "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Max-Age=1800" in cookie
    )
    assert browser.status_json()["symbol"] == "not_connected"
    assert _session_item(stack, browser)["person_id"] == person_id  # the employee number, resolved in Orbit


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/orcid/status",
        "//evil.example/orcid/status",
        "/\\evil.example",
        "/orcid/../../evil",
        "javascript:alert(1)",
        "/auth/sign-in",
    ],
)
def test_a_way_back_to_another_site_is_refused(stack: LocalStack, person_id: str, elsewhere: str) -> None:
    browser = Browser(stack)
    page = browser.start_sign_in(elsewhere)
    answer = browser.open(browser.choose_on_sign_in_page(page, _employee(stack, person_id)))

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/orcid/status"


def test_a_callback_with_a_forged_state_is_refused(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack)
    page = browser.start_sign_in()
    callback = browser.choose_on_sign_in_page(page, _employee(stack, person_id))
    forged = callback.replace("state=", "state=forged")

    answer = browser.open(forged)

    assert answer.status_code == 400
    assert "sign-in link is not valid" in answer.text
    assert browser.session.cookies.get(SESSION_COOKIE) is None
    assert browser.open(callback).status_code == 302  # the rightful attempt is untouched


def test_a_callback_in_another_browser_or_replayed_is_refused(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack)
    callback = browser.choose_on_sign_in_page(browser.start_sign_in(), _employee(stack, person_id))

    other = Browser(stack).open(callback)
    first = browser.open(callback)
    again = browser.open(callback)

    assert other.status_code == 400 and first.status_code == 302 and again.status_code == 400


@pytest.mark.parametrize("fault", list(IdTokenFault))
def test_an_untrustworthy_id_token_signs_nobody_in(
    stack: LocalStack, person_id: str, fault: IdTokenFault
) -> None:
    browser = Browser(stack)
    callback = browser.choose_on_sign_in_page(browser.start_sign_in(), _employee(stack, person_id))
    stack.oidc.fault = fault

    answer = browser.open(callback)

    assert answer.status_code == 400
    assert "could not be verified" in answer.text
    assert browser.session.cookies.get(SESSION_COOKIE) is None


def test_cancelling_at_the_provider_signs_nobody_in(stack: LocalStack) -> None:
    browser = Browser(stack)
    answer = browser.open(browser.choose_on_sign_in_page(browser.start_sign_in(), ""))

    assert answer.status_code == 200 and "cancelled" in answer.text
    assert browser.session.cookies.get(SESSION_COOKIE) is None


def test_a_tampered_session_cookie_goes_back_to_sign_in(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack).sign_in(person_id)
    for cookie in browser.session.cookies:  # one character changed, as a tamperer would
        if cookie.name == SESSION_COOKIE and cookie.value:
            cookie.value = cookie.value[:-1] + ("A" if cookie.value[-1] != "A" else "B")

    assert _is_sign_in_redirect(browser.open(f"{stack.base_url}/orcid/status"))
    answer = browser.session.get(f"{stack.base_url}/orcid/status", headers={"Accept": "application/json"})
    assert answer.status_code == 401


def test_an_expired_session_goes_back_to_sign_in(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack).sign_in(person_id)
    _set_session(stack, browser, expires_at=int(time.time()) - 1)

    assert _is_sign_in_redirect(browser.open(f"{stack.base_url}/orcid/status"))


def test_a_session_past_its_absolute_limit_goes_back_to_sign_in(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack).sign_in(person_id)
    _set_session(stack, browser, absolute_expires_at=int(time.time()) - 1)

    assert _is_sign_in_redirect(browser.open(f"{stack.base_url}/orcid/status"))


def test_an_active_session_slides_forward(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack).sign_in(person_id)
    now = int(time.time())
    _set_session(stack, browser, renewed_at=now - 600, expires_at=now + 600)

    answer = browser.open(f"{stack.base_url}/orcid/status")

    assert answer.status_code == 200
    item = _session_item(stack, browser)
    assert int(str(item["expires_at"])) >= now + 1700  # 30 minutes from now again
    assert any(c.startswith(SESSION_COOKIE + "=") for c in answer.raw.headers.getlist("Set-Cookie"))


def test_sign_out_ends_the_session_on_the_server(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack).sign_in(person_id)
    stolen = browser.session.cookies.get(SESSION_COOKIE) or ""

    answer = browser.sign_out()
    thief = Browser(stack)
    thief.session.cookies.set(SESSION_COOKIE, stolen)

    assert answer.status_code == 200 and "signed out" in answer.text
    assert browser.session.cookies.get(SESSION_COOKIE) is None
    assert _is_sign_in_redirect(thief.open(f"{stack.base_url}/orcid/status"))


def test_sign_out_from_another_site_is_refused(stack: LocalStack, person_id: str) -> None:
    browser = Browser(stack).sign_in(person_id)
    browser.status_html()  # the form token's cookie

    answer = browser.session.post(
        f"{stack.base_url}/auth/sign-out",
        data={"csrf": "guess"},
        headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"},  # what another site's page makes it send
        allow_redirects=False,
    )

    assert answer.status_code == 403
    assert browser.status_json()["symbol"] == "not_connected"  # still signed in


def test_a_post_without_a_session_answers_401(stack: LocalStack) -> None:
    answer = Browser(stack).session.post(f"{stack.base_url}/orcid/resync", allow_redirects=False)

    assert answer.status_code in (401, 403)


def test_a_leaked_orcid_code_redeemed_with_another_flow_is_refused_and_revoked(
    stack: LocalStack,
    person_id: str,
    orcid_record: Callable[[], Record],
    consent_of: ConsentOf,
) -> None:
    """ORCID has no PKCE: the id_token's nonce, derived from the browser's state cookie, binds the code."""
    victim = Browser(stack).sign_in(person_id)
    record = orcid_record()
    leaked = parse_qs(urlsplit(victim.decide_on_orcid(victim.connect(), record.orcid)).query)["code"][0]
    attacker_id = f"{person_id[:-6]}999{person_id[-3:]}"
    base = stack.orbit.researchers[person_id]
    stack.orbit.researchers[attacker_id] = type(base)(
        attacker_id, "Mallory", "Attacker", f"8{attacker_id[-5:]}", None, base.department
    )
    attacker = Browser(stack).sign_in(attacker_id)
    own_state = parse_qs(urlsplit(attacker.connect()).query)["state"][0]

    answer = attacker.open(f"{stack.base_url}/orcid/callback?code={leaked}&state={own_state}")

    assert answer.status_code == 400
    assert consent_of(attacker_id) is None
    grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == record.orcid]
    assert len(grants) == 1 and grants[0].revoked  # the token the attacker's exchange got is revoked
