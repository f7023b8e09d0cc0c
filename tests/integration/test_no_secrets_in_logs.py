"""Everything the consent flow and the sync log, captured: no access token, refresh token, code or secret."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from infra.local.browser import Browser
from infra.local.stack import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LOCAL_OIDC_CLIENT_SECRET, LocalStack
from infra.orcid_standin.state import Record
from tests.integration.sync_fixtures import article, connect, new_researcher, send_event


def test_the_whole_flow_logs_no_token_code_or_secret(
    browser: Browser,
    stack: LocalStack,
    orcid_record: Callable[[], Record],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    record, other = orcid_record(), orcid_record()
    codes = []
    for orcid in (record.orcid, other.orcid):  # connect, then re-connect with another iD (revokes)
        callback = browser.decide_on_orcid(browser.connect(register="1"), orcid)
        codes.append(parse_qs(urlsplit(callback).query)["code"][0])
        assert browser.open(callback).status_code == 200
    browser.open(callback)  # a replay, refused
    assert browser.disconnect().status_code == 200

    output = capfd.readouterr()
    logged = output.out + output.err + caplog.text
    grants = [g for g in stack.orcid.state.tokens.values() if g.orcid in (record.orcid, other.orcid)]
    session = browser.session.cookies.get("orcid_session")
    assert session  # signed in at DTU's sign-in (the stand-in) by the fixture
    secrets = {LOCAL_CLIENT_SECRET, LOCAL_OIDC_CLIENT_SECRET, session, *codes}
    secrets |= {g.access_token for g in grants} | {g.refresh_token for g in grants}
    assert "consent saved" in logged  # the logs were captured at all
    assert len(grants) == 2
    assert [secret for secret in secrets if secret in logged] == []


def test_the_sync_path_logs_no_token_even_when_orcid_echoes_it(
    stack: LocalStack, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    researcher = new_researcher(stack, "Lea", "Friis")
    connected = connect(stack, researcher)
    output = stack.orbit.put_output(article(researcher))
    send_event(stack, "created", output.uuid, 1)
    stack.orcid.api.faults.fail_next(503, 500)  # retries log their reason
    stack.drain()
    stack.orcid.state.revoke_by_user(connected.orcid, LOCAL_CLIENT_ID)  # ORCID's 401 body echoes the token
    stack.orbit.change_output(output.uuid, title_en="Changed")
    send_event(stack, "updated", output.uuid, 2)
    stack.drain()

    output_text = capfd.readouterr()
    logged = output_text.out + output_text.err + caplog.text
    grants = [g for g in stack.orcid.state.tokens.values() if g.orcid == connected.orcid]
    assert (
        "ORCID call failed transiently" in logged and "revoked" in logged
    )  # the paths were taken and logged
    assert grants
    assert [g.access_token for g in grants if g.access_token in logged] == []
    assert [g.refresh_token for g in grants if g.refresh_token in logged] == []
