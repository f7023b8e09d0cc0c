"""`make demo`: the whole mission, scripted, on the local stack — and a check that it did what it should.

Researchers connect (one registers a new iD on the way, one declines), their Orbit outputs appear on
their stand-in ORCID records, edits in Orbit (a new output, a correction, a withdrawal, a person's new
affiliation) reach ORCID through Orbit's change feed — read by the poller as its schedule would, no
event is injected — a confidential output never leaves, a researcher deletes a work on ORCID, another
revokes access, an attacker replays a callback, the nightly reconciliation runs, a researcher switches
over from Pure's own ORCID export, and DTU employment appears on the records and gets its end date when
a researcher leaves (then that researcher's sync pauses).
Then a report per researcher: what Orbit has, what ORCID has, what happened. Exits 1 if any ORCID
record differs from what it should be.
"""

from __future__ import annotations

import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.local.browser import Browser
from infra.local.records import sources_on_orcid, titles_on_orcid, wanted_on_orcid
from infra.local.stack import LOCAL_CLIENT_ID, LocalStack
from infra.orbit_standin.outputs import Author, ResearchOutput, seed_outputs
from infra.orbit_standin.people import RESEARCHERS, Researcher
from infra.orcid_standin.work_input import ExternalId, WorkDocument
from orcid_sync.jobs.sync_jobs import SyncJobQueue, person_changed_job
from orcid_sync.store.consents import ConsentStore
from orcid_sync.store.work_links import WorkLinkStore


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


def name(researcher: Researcher) -> str:
    return f"{researcher.given_names} {researcher.family_names}"


def poll_feed(stack: LocalStack, report: Report) -> dict[str, Any]:
    """The change-feed poller's scheduled run (EventBridge Scheduler, every minute), invoked now."""
    result: dict[str, Any] = stack.invoke("FeedPollerFunction", {"source": "aws.scheduler"})
    changes = result["families"] or "nothing new"
    report.say(
        f"the poller read {result['pages']} page(s) of Orbit's change feed: {changes}"
        f" → {result['outputs_sent']} output event(s), {result['person_jobs']} person job(s)"
    )
    return result


@dataclass
class Cast:
    """Who connected in the story so far: their browsers, their ORCID iDs, and Orbit's seeded outputs."""

    outputs: list[ResearchOutput]
    browsers: dict[str, Browser] = field(default_factory=dict)  # person uuid → signed-in browser
    orcid_ids: dict[str, str] = field(default_factory=dict)  # person uuid → iD, of those connected


def run(stack: LocalStack, report: Report) -> dict[str, str]:
    """The scripted story. Returns person uuid → ORCID iD of everyone who connected."""
    cast = seed_orbit(stack, report)
    connect_everyone(stack, report, cast)
    first_syncs(stack, report, cast)
    edits_in_orbit(stack, report, cast)
    person_changes(stack, report)
    researchers_act(stack, report, cast)
    switch_over(stack, report)
    employment(stack, report, cast.orcid_ids, cast.browsers[RESEARCHERS[3].uuid])
    return cast.orcid_ids


def seed_orbit(stack: LocalStack, report: Report) -> Cast:
    outputs = seed_outputs(RESEARCHERS, per_researcher=12)
    stack.orbit.seed(outputs)
    kinds = Counter(f"{o.group}/{o.subtype}" for o in outputs)
    report.say(f"local stack: API {stack.base_url} · ORCID {stack.orcid_url} · Orbit {stack.orbit_url}")
    report.say(f"Orbit holds {len(outputs)} outputs of {len(kinds)} types by {len(RESEARCHERS)} researchers")
    first = poll_feed(stack, report)
    report.check("the poller's first run starts reading Orbit's change feed from now", first["caught_up"])
    return Cast(outputs)


def connect_everyone(stack: LocalStack, report: Report, cast: Cast) -> None:
    """Sofie connects her iD, Mads declines, Freja registers a new iD on the way, Jonas connects."""
    sofie, mads, freja, jonas = RESEARCHERS
    state = stack.orcid.state
    report.step(f"{name(sofie)} connects her existing ORCID iD")
    sofie_record = state.add_record(
        sofie.given_names, sofie.family_names, sofie.email, orcid="0000-0002-1825-0097"
    )
    browser = cast.browsers[sofie.uuid] = Browser(stack).sign_in(sofie.uuid)
    page = browser.connect_fully(sofie_record.orcid)
    report.check("ORCID consent page → result page says connected", "is connected" in page.text)
    cast.orcid_ids[sofie.uuid] = sofie_record.orcid

    report.step(f"{name(mads)} presses Deny on ORCID")
    browser = Browser(stack).sign_in(mads.uuid)
    mads_record = state.add_record(mads.given_names, mads.family_names, mads.email)
    page = browser.open(browser.decide_on_orcid(browser.connect(), mads_record.orcid, "deny"))
    report.check("a friendly 'you declined' page, nothing stored", "You declined" in page.text)

    report.step(f"{name(freja)} has no ORCID iD and creates one on the way (registration form prefilled)")
    browser = cast.browsers[freja.uuid] = Browser(stack).sign_in(freja.uuid)
    page = browser.open(browser.decide_on_orcid(browser.connect(register="1"), orcid=None))
    freja_consent = ConsentStore(stack.resources.refs["ConsentsTable"]).get(freja.uuid)
    report.check(
        "her new iD is connected in the same visit", freja_consent is not None and bool(freja_consent.orcid)
    )
    if freja_consent and freja_consent.orcid:
        cast.orcid_ids[freja.uuid] = freja_consent.orcid

    report.step(f"{name(jonas)} connects too")
    jonas_record = state.add_record(jonas.given_names, jonas.family_names, None)
    cast.browsers[jonas.uuid] = Browser(stack).sign_in(jonas.uuid)
    cast.browsers[jonas.uuid].connect_fully(jonas_record.orcid)
    cast.orcid_ids[jonas.uuid] = jonas_record.orcid


def first_syncs(stack: LocalStack, report: Report, cast: Cast) -> None:
    report.step("the first full syncs run (the queue drains)")
    drained = stack.drain()
    report.say(f"{drained.invocations} worker invocations, {drained.messages} jobs")
    for person, orcid in cast.orcid_ids.items():
        researcher, eligible = stack.orbit.researchers[person], wanted_on_orcid(stack, person)
        report.check(
            f"{name(researcher)}: ORCID shows exactly the {len(eligible)} eligible outputs",
            set(sources_on_orcid(stack, orcid)) == set(eligible),
        )
    status = cast.browsers[RESEARCHERS[0].uuid].status_json()
    sync = status.get("sync") or {}
    report.say(f"Sofie's status: {status['symbol']} · {sync}")
    report.check("her status page shows the counts", isinstance(sync, dict) and sync.get("on_orcid", 0) > 0)


def edits_in_orbit(stack: LocalStack, report: Report, cast: Cast) -> None:
    """A new paper, a corrected title and a withdrawal in Orbit reach ORCID through the change feed only."""
    sofie, outputs = RESEARCHERS[0], cast.outputs
    report.step("In Orbit, Sofie adds a paper, corrects a title, and an output is withdrawn")
    new = stack.orbit.put_output(
        outputs[0].changed(
            uuid="7d6f0f1e-6a39-4f43-9a53-3c1f7c0e0a01",
            title_en="A new DTU paper on wind wakes",
            doi="https://doi.org/10.11581/dtu.wind-wakes-2026",
        )
    )
    wanted = wanted_on_orcid(stack, sofie.uuid)
    corrected = next(o for o in outputs if o.uuid in wanted and o.uuid != new.uuid)
    corrected = stack.orbit.change_output(corrected.uuid, title_en="Corrected: " + (corrected.title_en or ""))
    withdrawn = next(o for o in outputs if o.uuid in wanted and o.uuid not in (new.uuid, corrected.uuid))
    withdrawn = stack.orbit.change_output(withdrawn.uuid, confidential=True)
    report.step("the poller's next scheduled run reads Orbit's change feed (the queues drain)")
    polled = poll_feed(stack, report)
    stack.drain()
    report.check("the three edits came through the feed", polled["outputs_sent"] == 3)
    sofie_titles = titles_on_orcid(stack, cast.orcid_ids[sofie.uuid])
    report.check("the new paper appears on ORCID", new.uuid in sofie_titles)
    report.check(
        "the correction shows on ORCID", sofie_titles.get(corrected.uuid, "").startswith("Corrected: ")
    )
    report.check(
        "the withdrawn (now confidential) output is gone from ORCID", withdrawn.uuid not in sofie_titles
    )
    confidential = [o.uuid for o in outputs if o.confidential]
    on_orcid = {uuid for orcid in cast.orcid_ids.values() for uuid in sources_on_orcid(stack, orcid)}
    report.check(
        f"none of the {len(confidential)} confidential outputs ever reached ORCID",
        not on_orcid.intersection(confidential),
    )


def person_changes(stack: LocalStack, report: Report) -> None:
    jonas = RESEARCHERS[3]
    report.step("Jonas moves to another DTU department in Orbit (a Person change on the feed)")
    stack.orbit.change_person(jonas.uuid, department="DTU Construct")
    polled = poll_feed(stack, report)
    report.check("a full sync of Jonas is queued (he consented)", polled["person_jobs"] == 1)
    stack.drain()


def researchers_act(stack: LocalStack, report: Report, cast: Cast) -> None:
    """On ORCID a work is deleted and access revoked, a callback is replayed; then the nightly run."""
    sofie, _, freja, jonas = RESEARCHERS
    jonas_orcid = cast.orcid_ids[jonas.uuid]
    report.step("Jonas deletes a work on orcid.org; Freja removes DTU as a trusted organization")
    jonas_links = WorkLinkStore(stack.resources.refs["WorkLinksTable"]).of_person(jonas.uuid)
    deleted_pid, deleted_link = next(iter(sorted(jonas_links.items())))
    stack.orcid.api.delete_as_researcher(jonas_orcid, deleted_link.put_code or 0)
    stack.orcid.state.revoke_by_user(cast.orcid_ids[freja.uuid], LOCAL_CLIENT_ID)

    report.step("an attacker replays Sofie's callback URL")
    sofie_browser = cast.browsers[sofie.uuid]
    callback = sofie_browser.decide_on_orcid(sofie_browser.connect(), cast.orcid_ids[sofie.uuid])
    sofie_browser.open(callback)
    report.check("refused with a clear 400 page", Browser(stack).open(callback).status_code == 400)

    report.step("the nightly reconciliation runs (EventBridge Scheduler's target, invoked now)")
    result = stack.invoke("NightlyFunction", {"source": "aws.scheduler"})
    stack.drain()
    report.say(f"queued {result['jobs']} reconcile jobs for the night of {result['night']}")
    report.check(
        "Jonas's deleted work is not pushed again", deleted_pid not in sources_on_orcid(stack, jonas_orcid)
    )
    freja_status = cast.browsers[freja.uuid].status_json()
    report.check("Freja's status shows paused (revoked)", freja_status["symbol"] == "paused")


def switch_over(stack: LocalStack, report: Report) -> None:
    """A researcher whose record Pure's own ORCID export filled for years, connecting for the first time."""
    karen = Researcher(
        "4a7c2e55-0d4b-4c1e-9d43-6b0e8f1a2c33", "Karen", "Lund", "180549", "kalu@dtu.dk", "DTU Wind"
    )
    stack.orbit.researchers[karen.uuid] = karen
    record = stack.orcid.state.add_record(karen.given_names, karen.family_names, karen.email)
    report.step(f"{name(karen)} switches over from Pure's ORCID export: her record holds its 6 works")
    legacy: dict[str, int] = {}
    for n, title in enumerate(
        ("Recorded A", "Recorded B", "Recorded C", "By DOI D", "By DOI E", "Unmatched F")
    ):
        document = WorkDocument(
            title=title,
            type="journal-article",
            external_ids=(ExternalId("doi", f"10.11581/dtu.legacy-{n}", None, "self"),),
        )
        legacy[title] = stack.orcid.api.add_work_as(record.orcid, LOCAL_CLIENT_ID, document).put_code
    authors = (Author(karen.uuid, karen.given_names, karen.family_names),)
    outputs = []
    for n, title in enumerate(("Recorded A", "Recorded B", "Recorded C", "By DOI D", "By DOI E", "New G")):
        recorded = ((record.orcid, legacy[title]),) if title.startswith("Recorded") else ()
        output = ResearchOutput(
            uuid=f"4a7c2e55-0000-4000-8000-00000000000{n}",
            group="contributiontojournal",
            subtype="article",
            title_en=title,
            year=2021,
            authors=authors,
            doi=f"10.11581/dtu.legacy-{n}" if not title.startswith("New") else "10.11581/dtu.karen-new",
            journal_title="Wind Energy Science",
            orcid_put_codes=recorded,
        )
        outputs.append(stack.orbit.put_output(output))
    report.say(
        "3 outputs carry the put-code Pure recorded, 2 share a DOI, 1 is new; 1 legacy work matches none"
    )
    Browser(stack).sign_in(karen.uuid).connect_fully(record.orcid)
    stack.drain()
    works = {w.put_code: w for w in stack.orcid.api.works_of(record.orcid)}
    sources = {
        pc: next((e.value for e in w.document.external_ids if e.type == "source-work-id"), None)
        for pc, w in works.items()
    }
    report.check("none of the 6 works of Pure's export was deleted", set(legacy.values()) <= set(works))
    report.check(
        "5 were adopted in place: they now carry our source-work-id for their output",
        [sources[legacy[t]] for t in list(legacy)[:5]] == [o.uuid for o in outputs[:5]],
    )
    report.check(
        "the one matching no output is left exactly as it was", sources[legacy["Unmatched F"]] is None
    )
    report.check(
        "the new output was added once, nothing twice",
        sorted(filter(None, sources.values())) == sorted(o.uuid for o in outputs),
    )


def employment(stack: LocalStack, report: Report, orcid_ids: dict[str, str], browser: Browser) -> None:
    """DTU employment from Orbit's staff associations: on the record since the first sync; ended, paused."""
    sofie, _, _, jonas = RESEARCHERS
    report.step("DTU employment on the records (from Orbit's staff organisation associations)")
    for researcher in (sofie, jonas):
        jobs = stack.orcid.api.employments_of(orcid_ids[researcher.uuid])
        shown = [
            f"{e.document.organization} ({e.document.disambiguated_id}) · {e.document.department} · "
            f"{e.document.role_title} · from {'-'.join(p for p in e.document.start or () if p)}"
            for e in jobs
        ]
        report.say(f"{name(researcher)}: {'; '.join(shown) or 'none'}")
        report.check(
            f"{name(researcher)}: current employment on ORCID with department, role, start date, ROR id",
            len(jobs) == 1
            and jobs[0].document.department == researcher.department
            and jobs[0].document.end is None
            and jobs[0].document.disambiguated_id == "https://ror.org/04qtj9h94",
        )
    last_day = datetime.now(UTC).date() - timedelta(days=1)
    report.step(
        f"{name(jonas)} leaves DTU (his association in Orbit ends {last_day}); Orbit reports the change"
    )
    stack.orbit.leave(jonas.uuid, last_day)
    before = Counter(stack.orcid.api.calls)
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue(
        person_changed_job(jonas.uuid, str(uuid.uuid4()))
    )
    stack.drain()
    report.say(f"ORCID calls: {dict(Counter(stack.orcid.api.calls) - before)}")
    (ended,) = stack.orcid.api.employments_of(orcid_ids[jonas.uuid])
    end = "-".join(p for p in ended.document.end or () if p)
    report.say(f"{name(jonas)}'s employment on ORCID now ends {end or 'never'}")
    report.check("the end date is written (the employment is not deleted)", end == last_day.isoformat())
    consent = ConsentStore(stack.resources.refs["ConsentsTable"]).get(jonas.uuid)
    report.check(
        "then his sync pauses, and his status page says why",
        consent is not None
        and consent.former_staff_since == last_day
        and "left DTU" in browser.status_html("en").text,
    )


def summary(stack: LocalStack, orcid_ids: dict[str, str], report: Report) -> None:
    report.step("per researcher: what Orbit has, what ORCID has, what happened")
    consents = ConsentStore(stack.resources.refs["ConsentsTable"])
    links = WorkLinkStore(stack.resources.refs["WorkLinksTable"])
    for researcher in RESEARCHERS:
        person = researcher.uuid
        consent = consents.get(person)
        in_orbit = stack.orbit.outputs_of(person)
        eligible = wanted_on_orcid(stack, person)
        orcid = orcid_ids.get(person)
        there = sources_on_orcid(stack, orcid) if orcid else Counter()
        states = Counter(link.state.value for link in links.of_person(person).values())
        consent_state = consent.status.value if consent else "none"
        report.say(
            f"{name(researcher):22} Orbit {len(in_orbit):2} outputs, {len(eligible):2} eligible · "
            f"ORCID {sum(there.values()):2} works · consent {consent_state:12} · links {dict(states)}"
        )
        if orcid is None:
            continue
        # Works the researcher removed stay removed; an output that duplicates another's DOI is not pushed.
        held_back = ("removed_by_researcher", "duplicate_of")
        removed = {pid for pid, link in links.of_person(person).items() if link.state.value in held_back}
        revoked = consent is not None and consent.status.value == "revoked"
        expected = set(eligible) - removed
        if not revoked:  # a revoked researcher's record is frozen as it was
            report.check(
                f"{name(researcher)}'s ORCID record is exactly what Orbit says it should be",
                set(there) == expected and all(count == 1 for count in there.values()),
            )


def main() -> int:
    report = Report()
    print("Orbit → ORCID sync · local demo")
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        orcid_ids = run(stack, report)
        summary(stack, orcid_ids, report)
        print(f"\n    stand-in ORCID records: {stack.orcid_url}/records/<iD>")
    passed = len(report.checks) - len(report.failed)
    print(f"\n{passed} of {len(report.checks)} checks passed.")
    if report.failed:
        print("Failed: " + "; ".join(report.failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
