"""`make demo`: the consent flow, scripted, on the local stack — and a check that it did what it should.

Starts moto, the ORCID and Orbit stand-ins and the HTTP API on loopback; then researchers connect,
decline, register a new iD, switch iD, disconnect, and an attacker replays a callback. Prints what
happened and exits non-zero if anything differs from what should have happened.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import boto3

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.orbit_standin.people import RESEARCHERS
from orcid_sync.store.consents import ConsentStatus, ConsentStore


@dataclass
class Report:
    checks: list[tuple[str, bool]] = field(default_factory=list)

    def step(self, text: str) -> None:
        print(f"\n▶ {text}")

    def say(self, text: str) -> None:
        print(f"    {text}")

    def check(self, what: str, ok: bool) -> None:
        self.checks.append((what, ok))
        print(f"    {'✔' if ok else '✘'} {what}")

    @property
    def failed(self) -> list[str]:
        return [what for what, ok in self.checks if not ok]


def _sync_jobs(stack: LocalStack) -> Callable[[], list[dict[str, object]]]:
    sqs = boto3.client("sqs")
    url = stack.resources.queue_urls["SyncJobsQueue"]

    def peek() -> list[dict[str, object]]:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return [json.loads(message["Body"]) for message in answer.get("Messages", [])]

    return peek


def run(stack: LocalStack, report: Report) -> None:
    sofie, mads, freja = RESEARCHERS[0], RESEARCHERS[1], RESEARCHERS[2]
    consents = ConsentStore(stack.resources.refs["ConsentsTable"])
    orcid = stack.orcid.state
    sofie_record = orcid.add_record("Sofie", "Kjær Nielsen", "sokn@dtu.dk", orcid="0000-0002-1825-0097")
    sofie_second = orcid.add_record("Sofie", "Kjær", None)
    report.say(
        f"local stack: API {stack.base_url} · ORCID stand-in {stack.orcid_url} · Orbit {stack.orbit_url}"
    )

    report.step(
        f"{sofie.given_names} {sofie.family_names} connects her existing ORCID iD {sofie_record.orcid}"
    )
    browser = Browser(stack).sign_in(sofie.uuid)
    authorize_url = browser.connect()
    report.say(f"Orbit sends her to ORCID: {authorize_url.split('?')[0]} (state: one-time, 256 bits)")
    page = browser.open(browser.decide_on_orcid(authorize_url, sofie_record.orcid))
    report.check("the result page says the record is connected", "is connected" in page.text)
    consent = consents.get(sofie.uuid)
    report.check(
        "the consent is active for her iD, tokens stored encrypted",
        consent is not None
        and consent.status is ConsentStatus.ACTIVE
        and consent.orcid == sofie_record.orcid
        and consent.access_token is not None,
    )
    status = browser.status_json()
    report.say(f"status: {status['symbol']} · {status['orcid']}")
    report.check("the status page shows the working symbol", status["symbol"] == "working")

    report.step(f"{mads.given_names} {mads.family_names} presses Deny on ORCID")
    mads_browser = Browser(stack).sign_in(mads.uuid)
    page = mads_browser.open(mads_browser.decide_on_orcid(mads_browser.connect(), sofie_second.orcid, "deny"))
    report.check(
        "he sees a friendly 'you declined' page (200)", page.status_code == 200 and "declined" in page.text
    )
    declined = consents.get(mads.uuid)
    report.check(
        "his decision is recorded as declined", declined is not None and declined.status.value == "declined"
    )

    report.step(f"{freja.given_names} {freja.family_names} has no ORCID iD and registers on the way")
    freja_browser = Browser(stack).sign_in(freja.uuid)
    register_url = freja_browser.connect(register="1")
    prefill = {
        k: v[0] for k, v in parse_qs(urlsplit(register_url).query).items() if k in ("given_names", "email")
    }
    report.say(f"ORCID's registration form is prefilled from Orbit: {prefill}")
    report.check("the form is prefilled with her name and e-mail", prefill.get("email") == freja.email)
    page = freja_browser.open(freja_browser.decide_on_orcid(register_url, orcid=None))
    freja_consent = consents.get(freja.uuid)
    report.check(
        "her new iD is connected in the same visit", freja_consent is not None and bool(freja_consent.orcid)
    )
    if freja_consent is not None:
        report.say(f"new ORCID iD: {freja_consent.orcid}")

    report.step("an attacker replays Sofie's callback URL from another browser")
    callback = browser.decide_on_orcid(browser.connect(), sofie_record.orcid)
    browser.open(callback)
    replay = Browser(stack).open(callback)
    report.check(f"refused with a clear page ({replay.status_code})", replay.status_code == 400)

    report.step(f"Sofie switches to her other iD {sofie_second.orcid}")
    page = browser.connect_fully(sofie_second.orcid)
    switched = consents.get(sofie.uuid)
    old_grants = [g for g in orcid.tokens.values() if g.orcid == sofie_record.orcid]
    report.check(
        "the consent now names the new iD", switched is not None and switched.orcid == sofie_second.orcid
    )
    report.check("the token for the old iD was revoked at ORCID", all(g.revoked for g in old_grants))

    report.step("Freja disconnects from her status page")
    answer = freja_browser.disconnect()
    after = consents.get(freja.uuid)
    report.check(
        "disconnected (200), tokens forgotten",
        answer.status_code == 200 and after is not None and after.access_token is None,
    )
    report.check(
        "her token was revoked at ORCID",
        all(g.revoked for g in orcid.tokens.values() if freja_consent and g.orcid == freja_consent.orcid),
    )
    report.check("her status now shows the paused symbol", freja_browser.status_json()["symbol"] == "paused")

    report.step("first full syncs waiting on the sync-jobs queue (their worker comes with the sync issue)")
    jobs = _sync_jobs(stack)()
    for job in jobs:
        report.say(f"{job['kind']} sync for {job['person_id']} ({job['reason']})")
    report.check("one first-sync job per connection", len(jobs) >= 3)


def main() -> int:
    report = Report()
    print("Orbit → ORCID sync · local demo of the consent flow")
    with LocalStack(parameters={"LogLevel": "WARNING"}) as stack:
        run(stack, report)
    passed = len(report.checks) - len(report.failed)
    print(f"\n{passed} of {len(report.checks)} checks passed.")
    if report.failed:
        print("Failed: " + "; ".join(report.failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
