"""Chromium is the judge: every link and button a researcher has, in English and in Danish.

Headless Debian Chromium drives the local stack: the Orbit profile's button → DTU sign-in (the OpenID
provider stand-in) → ORCID (deny, create an iD, authorize) → status → synchronize now → restore →
disconnect → reconnect → sign out. Nothing a browser sets itself is set here: cookies, redirects,
`Origin` and Fetch metadata are Chromium's own. Then pages on another site try to post to us.

In CI (CI=true) a missing Chromium or Playwright fails this module; elsewhere it is skipped with why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.local.serving import RunningServer, serve
from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import seed_outputs
from infra.orbit_standin.people import RESEARCHERS, Researcher
from orcid_sync.store.consents import ConsentStatus, ConsentStore
from orcid_sync.web.i18n import Lang, text

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
# As the workplace's notes advise: no background networking (the machine has no network to reach).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}: CI must run the browser test (.ci/run installs Chromium)", pytrace=False)
    pytest.skip(f"{reason} (`make browser` installs Debian's Chromium)", allow_module_level=True)


try:
    from playwright import sync_api as playwright_sync
except ImportError:
    _missing("the playwright package is not installed")
if not Path(CHROMIUM).exists():
    _missing(f"Chromium not found at {CHROMIUM} (Debian package 'chromium')")


@pytest.fixture(scope="module")
def browser_stack() -> Iterator[LocalStack]:
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        for output in seed_outputs(RESEARCHERS, 6):
            stack.orbit.put_output(output)
        yield stack


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(chromium: Any, locale: str) -> Any:
    context = chromium.new_context(locale=locale)
    return context.new_page()


def _name(researcher: Researcher) -> str:
    return f"{researcher.given_names} {researcher.family_names}"


@pytest.mark.parametrize(("lang", "locale", "researcher"), [("en", "en-GB", 0), ("da", "da-DK", 1)])
def test_a_researcher_presses_every_link_and_button(
    browser_stack: LocalStack, chromium: Any, lang: Lang, locale: str, researcher: int
) -> None:
    stack = browser_stack
    person = RESEARCHERS[researcher]
    existing = stack.orcid.state.add_record(person.given_names, person.family_names, person.email)
    consents = ConsentStore(stack.resources.refs["ConsentsTable"])
    p = _new_page(chromium, locale)

    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    def press(label: str) -> None:
        p.get_by_role("button", name=label, exact=True).click()

    def follow(label: str) -> None:
        p.get_by_role("link", name=label, exact=True).click()

    # Orbit profile → "Authorize export of content to ORCID" → DTU sign-in → back, on to ORCID.
    p.goto(stack.base_url + "/")
    follow(_name(person))
    follow("Authorize export of content to ORCID")
    p.wait_for_url(stack.oidc_url + "/**")
    press(f"Sign in as {_name(person)}")
    p.wait_for_url(stack.orcid_url + "/oauth/authorize?**")

    # Deny on ORCID → "you declined" → status → "Create an ORCID iD" (register) → authorize.
    press("Deny access")
    p.wait_for_url("**/orcid/callback?**")
    assert t("declined.heading") in p.inner_text("h1")
    follow(t("action.status"))
    assert t("symbol.not_connected") in p.inner_text("main")
    follow(t("action.register"))
    p.wait_for_url(stack.orcid_url + "/oauth/authorize?**")
    assert p.input_value("input[name=given_names]") == person.given_names  # prefilled from Orbit
    press("Authorize access")
    p.wait_for_url("**/orcid/callback?**")
    assert t("connected.heading") in p.inner_text("h1")
    registered = consents.get(person.uuid)
    assert registered is not None and registered.orcid and registered.orcid != existing.orcid

    # Status, with the works the first sync put on ORCID; synchronize now; restore.
    stack.drain()
    follow(t("action.status"))
    main = p.inner_text("main")
    on_record = len(stack.orcid.api.works_of(registered.orcid))
    assert t("symbol.working") in main and registered.orcid in main and on_record > 0
    OUTPUT.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(OUTPUT / f"status-{lang}.png"), full_page=True)
    press(t("action.resync"))
    assert t("resync.heading") in p.inner_text("h1") and t("resync.body") in p.inner_text("main")
    follow(t("action.status"))
    press(t("action.restore"))
    assert t("resync.restore") in p.inner_text("main")
    follow(t("action.status"))
    p.get_by_role("link", name=registered.orcid).click()  # the iD links to its (stand-in) ORCID record
    p.wait_for_url(f"**/{registered.orcid}")
    p.go_back()

    # Disconnect → reconnect with the iD they already had (sign in on ORCID, authorize).
    press(t("action.disconnect"))
    assert t("disconnected.heading") in p.inner_text("h1")
    disconnected = consents.get(person.uuid)
    assert disconnected is not None and disconnected.status is ConsentStatus.DISCONNECTED
    follow(t("action.connect"))
    p.wait_for_url(stack.orcid_url + "/oauth/authorize?**")
    p.select_option("select[name=orcid]", existing.orcid)
    p.focus("#authorize")
    p.keyboard.press("Enter")  # the consent button works from the keyboard
    p.wait_for_url("**/orcid/callback?**")
    assert t("connected.heading") in p.inner_text("h1")
    reconnected = consents.get(person.uuid)
    assert reconnected is not None and reconnected.orcid == existing.orcid
    assert reconnected.status is ConsentStatus.ACTIVE

    # Sign out: the session is gone, so the status page asks for DTU sign-in again.
    follow(t("action.status"))
    press(t("action.sign_out"))
    assert t("signed_out.heading") in p.inner_text("h1")
    p.goto(stack.base_url + "/orcid/status")
    p.wait_for_url(stack.oidc_url + "/**")
    assert f"Sign in as {_name(person)}" in p.inner_text("main")
    p.context.close()


ATTACKER_PAGE = """<!doctype html><html><head><meta charset="utf-8">{meta}<title>Win a prize</title></head>
<body><form method="post" action="{target}"><input type="hidden" name="csrf" value="guessed">
<button type="submit">Claim</button></form></body></html>"""


def _attacker(target: str, referrer_policy: str | None) -> RunningServer:
    meta = f'<meta name="referrer" content="{referrer_policy}">' if referrer_policy else ""
    html = ATTACKER_PAGE.format(meta=meta, target=target).encode()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html]

    return serve(app)


@pytest.mark.parametrize("referrer_policy", [None, "no-referrer"], ids=["origin", "origin-null"])
def test_a_page_on_another_site_cannot_post_our_forms(
    browser_stack: LocalStack, chromium: Any, referrer_policy: str | None
) -> None:
    """A signed-in, connected researcher visits another site whose form posts to /orcid/disconnect;
    with `no-referrer` there, Chromium sends `Origin: null`. Both are refused; the consent stays."""
    stack = browser_stack
    person = RESEARCHERS[2 if referrer_policy is None else 3]
    record = stack.orcid.state.add_record(person.given_names, person.family_names, person.email)
    p = _new_page(chromium, "en-GB")
    p.goto(stack.base_url + "/orcid/connect")
    p.get_by_role("button", name=f"Sign in as {_name(person)}").click()
    p.wait_for_url(stack.orcid_url + "/oauth/authorize?**")
    p.select_option("select[name=orcid]", record.orcid)
    p.get_by_role("button", name="Authorize access").click()
    p.wait_for_url("**/orcid/callback?**")
    attacker = _attacker(stack.base_url + "/orcid/disconnect", referrer_policy)
    try:
        # localhost is another site than 127.0.0.1 (the stack's host), as evil.example would be.
        p.goto(attacker.base_url.replace("127.0.0.1", "localhost"))
        with p.expect_response(stack.base_url + "/orcid/disconnect") as posted:
            p.get_by_role("button", name="Claim").click()
        answer = posted.value
        sent = answer.request.all_headers()
    finally:
        attacker.stop()
        p.context.close()

    assert answer.status == 403
    assert sent.get("origin") == (
        "null" if referrer_policy else attacker.base_url.replace("127.0.0.1", "localhost")
    )
    consent = ConsentStore(stack.resources.refs["ConsentsTable"]).get(person.uuid)
    assert consent is not None and consent.status is ConsentStatus.ACTIVE
