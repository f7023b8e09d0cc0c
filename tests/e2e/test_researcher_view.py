"""Chromium shows a researcher every output in words, in English and in Danish, and takes their choices.

A researcher with outputs in every state (on ORCID, not public, not validated, not yet published,
confidential, not sendable, refused by ORCID, a duplicate, removed by them on ORCID, a newspaper
article) connects through the Orbit profile and DTU sign-in as a person would. Chromium then reads each
state in words, pauses and resumes, leaves an output out (gone from ORCID) and takes it back (on ORCID
again), and leaves out a kind. axe-core checks the page in both languages: no serious or critical
finding. The pages are photographed for the README (docs/status-page-en.png, docs/status-page-da.png,
retaken with UPDATE_SCREENSHOTS=1).

In CI (CI=true) a missing Chromium, Playwright or axe-core fails this module; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from infra.local.records import sources_on_orcid
from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import ResearchOutput
from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job
from orcid_sync.web.i18n import Lang, text
from tests.integration.sync_fixtures import article, new_researcher, send_event

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = next(iter(sorted((ROOT / ".browser").glob("axe-core-*/axe.min.js"))), None)
# The README's screenshots are retaken with UPDATE_SCREENSHOTS=1; otherwise they go to test-output/.
SHOTS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "test-output/e2e")
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
        pytest.fail(f"{reason}: CI must run the browser test (.ci/run runs `make browser`)", pytrace=False)
    pytest.skip(f"{reason} (`make browser` installs Chromium and axe-core)", allow_module_level=True)


try:
    from playwright import sync_api as playwright_sync
except ImportError:
    _missing("the playwright package is not installed")
if not Path(CHROMIUM).exists():
    _missing(f"Chromium not found at {CHROMIUM} (Debian package 'chromium')")
if AXE is None:
    _missing("axe-core not found under .browser/")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with LocalStack(parameters={"LogLevel": "ERROR"}) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _axe(p: Any) -> list[str]:
    """Serious and critical findings of axe-core on the page as shown (evaluated past our CSP, which
    forbids every script, as the DevTools protocol is)."""
    assert AXE is not None
    p.evaluate(AXE.read_text(encoding="utf-8"))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _outputs(researcher: Any) -> dict[str, ResearchOutput]:
    a = article(researcher, title="Wakes behind offshore wind farms")
    return {
        "on_orcid": a,
        "on_orcid_too": article(researcher, title="Blade erosion in rain"),
        "not_public": article(researcher, title="Internal notes on turbines", visibility="CAMPUS"),
        "not_validated": article(researcher, title="Fresh measurements", workflow="forApproval"),
        "not_published": article(researcher, title="Accepted but not out", status="inpress"),
        "confidential": article(researcher, title="Industry partner report", confidential=True),
        "no_title": replace(article(researcher), title_en=None, title_da=None),
        "duplicate": article(researcher, title="Wakes (preprint copy)", doi=a.doi),
        "removed": article(researcher, title="An early conference paper"),
        "newspaper": replace(
            article(researcher, title="Wind power in the news"),
            group="contributiontoperiodical",
            subtype="newspaper",
        ),
    }


@pytest.mark.parametrize(("lang", "locale"), [("en", "en-GB"), ("da", "da-DK")])
def test_a_researcher_sees_every_output_in_words_and_makes_choices(
    stack: LocalStack, chromium: Any, lang: Lang, locale: str
) -> None:
    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    researcher = new_researcher(stack, "Ida" if lang == "en" else "Freja", f"View{lang.upper()}")
    outputs = _outputs(researcher)
    for output in outputs.values():
        stack.orbit.put_output(output)
    record = stack.orcid.state.add_record(researcher.given_names, researcher.family_names, researcher.email)
    p = chromium.new_context(locale=locale, viewport={"width": 1000, "height": 900}).new_page()

    def press(label: str, about: str | None = None) -> None:
        if about is None:
            p.get_by_role("button", name=label, exact=True).click()
        else:  # "Leave out: <title>": the title is in the button for screen readers only
            name = re.compile(rf"^{re.escape(label)}\s*:\s*{re.escape(about)}$")
            p.get_by_role("button", name=name).click()

    def status() -> str:
        stack.drain()
        p.goto(stack.base_url + "/orcid/status")
        return str(p.inner_text("main"))

    def on_orcid() -> set[str]:
        return set(sources_on_orcid(stack, record.orcid))

    # Orbit profile → "Authorize export of content to ORCID" → DTU sign-in → ORCID → back.
    p.goto(f"{stack.base_url}/orbit/persons/{researcher.uuid}")
    p.get_by_role("link", name="Authorize export of content to ORCID").click()
    press(f"Sign in as {researcher.given_names} {researcher.family_names}")
    p.wait_for_url(stack.orcid_url + "/oauth/authorize?**")
    p.select_option("select[name=orcid]", record.orcid)
    press("Authorize access")
    p.wait_for_url("**/orcid/callback?**")
    stack.drain()

    # ORCID refuses one new output; the researcher removes one work on orcid.org; the night runs.
    refused = stack.orbit.put_output(article(researcher, title="A work ORCID refuses"))
    stack.orcid.api.faults.fail_next(400)
    send_event(stack, "created", refused.uuid)
    stack.drain()
    removed = next(
        w for w in stack.orcid.api.works_of(record.orcid) if w.document.title == outputs["removed"].title_en
    )
    stack.orcid.api.delete_as_researcher(record.orcid, removed.put_code)
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(
        nightly_job(researcher.uuid, f"night-{lang}")
    )

    # Every state, in words.
    main = status()
    (ROOT / "test-output").mkdir(exist_ok=True)
    (ROOT / "test-output" / f"researcher-view-{lang}.txt").write_text(main)  # for a person to read
    for key in (
        "group.on_orcid", "group.stays", "group.cannot_send", "group.refused", "group.duplicate",
        "group.removed", "stays.not_public", "stays.not_validated", "stays.not_published",
        "stays.confidential", "problem.unbuildable", "output.refused", "output.removed",
    ):  # fmt: skip
        assert t(key).split("{")[0].strip() in main, key
    assert t("output.duplicate", other=outputs["on_orcid"].title_en).split("“")[0] in main
    assert f"https://orcid.org/{record.orcid}" in main or record.orcid in main
    assert t("symbol.needs_attention") in main
    assert p.locator("a.orcid-id svg").count() == 1  # ORCID's iD icon before the iD
    assert _axe(p) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SHOTS / f"status-page-{lang}.png"), full_page=True)

    # Pause: nothing is written; resume: a full sync brings everything in step.
    press(t("action.pause"))
    assert t("status.paused") in p.inner_text("main")
    later = stack.orbit.put_output(article(researcher, title="Written while paused"))
    send_event(stack, "created", later.uuid)
    assert later.uuid not in on_orcid() and t("action.resume") in status()
    press(t("action.resume"))
    status()
    assert later.uuid in on_orcid()

    # Leave one output out: gone from ORCID; take it back: on ORCID again.
    title = str(outputs["on_orcid_too"].title_en)
    press(t("action.leave_out"), title)
    main = status()
    assert outputs["on_orcid_too"].uuid not in on_orcid()
    assert t("group.left_out") in main and t("output.left_out") in main
    press(t("action.take_back"), title)
    status()
    assert outputs["on_orcid_too"].uuid in on_orcid()

    # Leave out a kind of output: the newspaper article leaves ORCID.
    assert outputs["newspaper"].uuid in on_orcid()
    press(t("action.leave_out"), t("kind.newspaper-article"))
    main = status()
    assert outputs["newspaper"].uuid not in on_orcid()
    assert t("output.left_out_kind", kind=t("kind.newspaper-article")).split(":")[0] in main
    assert _axe(p) == []
    p.context.close()
