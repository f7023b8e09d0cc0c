"""In a real headless Chromium: sign in → Authorize → ORCID consent → status page with the synced works."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import seed_outputs
from infra.orbit_standin.people import RESEARCHERS

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

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
Page = playwright_sync.Page
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser_stack() -> Iterator[LocalStack]:
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        for output in seed_outputs(RESEARCHERS, 6):
            stack.orbit.put_output(output)
        yield stack


@pytest.fixture
def page(browser_stack: LocalStack) -> Iterator[Page]:
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB")
        yield context.new_page()
        context.close()
        browser.close()


def test_a_researcher_connects_in_the_browser_and_sees_the_synced_works(
    browser_stack: LocalStack, page: object
) -> None:
    stack = browser_stack
    sofie = RESEARCHERS[0]
    record = stack.orcid.state.add_record(sofie.given_names, sofie.family_names, sofie.email)
    p = page
    p.goto(stack.base_url + "/")

    p.get_by_role("link", name=f"Sign in as {sofie.given_names} {sofie.family_names}").click()
    p.get_by_role("link", name="Authorize export of content to ORCID").click()
    p.select_option("select[name=orcid]", record.orcid)
    p.focus("#authorize")
    p.keyboard.press("Enter")  # the consent button works from the keyboard
    p.wait_for_url("**/orcid/callback?**")
    assert "Your ORCID record is connected" in p.content()

    stack.drain()  # the first full sync the callback queued
    p.get_by_role("link", name="See your ORCID status").click()

    text = p.inner_text("main")
    on_record = len(stack.orcid.api.works_of(record.orcid))
    assert "Synchronizing" in text
    assert record.orcid in text
    assert on_record > 0 and f"{on_record} on ORCID" in text
    OUTPUT.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(OUTPUT / "status.png"), full_page=True)
    assert (OUTPUT / "status.png").stat().st_size > 0

    p.get_by_role("link", name=record.orcid).click()  # the iD links to the (stand-in) ORCID record
    p.wait_for_url(f"**/records/{record.orcid}")
    titles = [work.document.title for work in stack.orcid.api.works_of(record.orcid)]
    record_text = p.inner_text("body")
    assert titles and all(title in record_text for title in titles)
    p.screenshot(path=str(OUTPUT / "orcid-record.png"), full_page=True)
