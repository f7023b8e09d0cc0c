"""Everything the consent flow logs, captured: no access token, refresh token, code or client secret."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from infra.local.browser import Browser
from infra.local.stack import LOCAL_CLIENT_SECRET, LocalStack
from infra.orcid_standin.state import Record


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
    secrets = {LOCAL_CLIENT_SECRET, *codes}
    secrets |= {g.access_token for g in grants} | {g.refresh_token for g in grants}
    assert "consent saved" in logged  # the logs were captured at all
    assert len(grants) == 2
    assert [secret for secret in secrets if secret in logged] == []
