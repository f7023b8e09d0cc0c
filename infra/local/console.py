"""The local stack's own pages: Orbit profiles with the ORCID button, and buttons that change outputs
in the Orbit stand-in (which the change-feed poller then reads, as in production: nothing is sent from
here), read the change feed now, or run the nightly job.

Not part of the deployed system: on AWS, the real Orbit plays this part. Nobody signs in here: Orbit's
profiles are public, and the ORCID button leads to our API, which signs the researcher in with DTU's
identity provider (its stand-in locally) as it will in production.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.orbit_standin.app import OrbitStandIn
from infra.orbit_standin.outputs import Author, ResearchOutput, to_ws
from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.pure_json import publication_from_pure
from orcid_sync.store.consents import ConsentStore

STYLE = (
    "body{font-family:system-ui,Arial,sans-serif;margin:0;color:#1a1a1a;line-height:1.5}"
    "header{background:#990000;color:#fff;padding:.6rem 1rem}header a{color:#fff}"
    "main{max-width:56rem;margin:1.5rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}"
    "button,.button{font:inherit;padding:.3rem .7rem;border:2px solid #00437a;background:#fff;color:#00437a;"
    "border-radius:.3rem;cursor:pointer;text-decoration:none;display:inline-block;margin:.1rem}"
    ".primary{background:#00437a;color:#fff}form{display:inline}.note{background:#eef6ee;padding:.5rem}"
    "a:focus,button:focus{outline:3px solid #f0a500;outline-offset:2px}"
)


class LocalConsole:
    def __init__(
        self,
        orbit: OrbitStandIn,
        consents_table: str,
        orcid_url: Callable[[], str],
        run_nightly: Callable[[], Any],
        poll_feed: Callable[[], Any],
    ) -> None:
        self._orbit = orbit
        self._consents = ConsentStore(consents_table)
        self._orcid_url = orcid_url
        self._run_nightly = run_nightly
        self._poll_feed = poll_feed
        self._routes = Map(
            [
                Rule("/", endpoint="landing", methods=["GET"]),
                Rule("/local/nightly", endpoint="nightly", methods=["POST"]),
                Rule("/local/poll", endpoint="poll", methods=["POST"]),
                Rule("/orbit/persons/<person>", endpoint="profile", methods=["GET"]),
                Rule("/orbit/persons/<person>/outputs", endpoint="new_output", methods=["POST"]),
                Rule("/orbit/outputs/<uuid>/<action>", endpoint="change_output", methods=["POST"]),
            ]
        )

    def dispatch(self, request: Request) -> Response | None:
        try:
            endpoint, values = self._routes.bind_to_environ(request.environ).match()
        except HTTPException:
            return None
        response: Response = getattr(self, str(endpoint))(request, **values)
        return response

    # --- pages ------------------------------------------------------------------------------------
    def landing(self, request: Request) -> Response:
        rows = "".join(
            f"<li><a href='/orbit/persons/{escape(r.uuid)}'>{escape(r.given_names)} {escape(r.family_names)}"
            f"</a> · {escape(r.department)}</li>"
            for r in self._orbit.researchers.values()
        )
        body = (
            "<h1>DTU Orbit (local stand-in)</h1>"
            "<p>Open a researcher's Orbit profile. Its ORCID button signs you in at DTU's sign-in "
            "(a stand-in here) first, as it will on AWS.</p>"
            f"<ul>{rows}</ul>"
        )
        return _page("Orbit researchers", body)

    def profile(self, request: Request, person: str) -> Response:
        researcher = self._orbit.researchers.get(person)
        if researcher is None:
            return _page("Unknown researcher", "<p>No such researcher in Orbit.</p>", 404)
        consent = self._consents.get(person)
        orcid_part = (
            f"<p>ORCID iD: <a href='{escape(self._orcid_url())}/records/{escape(consent.orcid or '')}'>"
            f"{escape(consent.orcid or '')}</a> ({escape(consent.status.value)})</p>"
            if consent is not None and consent.orcid
            else "<p>No ORCID iD linked yet.</p>"
        )
        buttons = (
            "<p><a class='button primary' id='authorize-export' href='/orcid/connect'>"
            "Authorize export of content to ORCID</a> "
            "<a class='button' href='/orcid/connect?register=1'>Create an ORCID iD</a> "
            "<a class='button' id='orcid-status' href='/orcid/status'>See your ORCID status</a></p>"
        )
        rows = []
        for output in sorted(self._orbit.outputs_of(person), key=lambda o: o.title_en or ""):
            eligibility = check_eligibility(publication_from_pure(to_ws(output)))
            verdict = "goes to ORCID" if eligibility.eligible else f"stays in Orbit: {eligibility.reason}"
            actions = "".join(
                f"<form method='post' action='/orbit/outputs/{escape(output.uuid)}/{action}'>"
                f"<input type='hidden' name='person' value='{escape(person)}'>"
                f"<button type='submit'>{label}</button></form>"
                for action, label in (
                    ("correct", "Correct title"),
                    ("withdraw", "Make confidential"),
                    ("publish", "Make public"),
                    ("delete", "Delete"),
                )
            )
            rows.append(
                f"<tr><td>{escape(output.title_en or output.title_da or '')}</td>"
                f"<td>{escape(output.group)}/{escape(output.subtype)}</td><td>{escape(verdict)}</td>"
                f"<td>{actions}</td></tr>"
            )
        notice = escape(request.args.get("notice", ""))
        body = (
            f"<h1>{escape(researcher.given_names)} {escape(researcher.family_names)}</h1>"
            + (f"<p class='note' role='status'>{notice}</p>" if notice else "")
            + f"<p>{escape(researcher.department)}</p>{orcid_part}{buttons}"
            "<h2>Research outputs in Orbit</h2>"
            f"<form method='post' action='/orbit/persons/{escape(person)}/outputs'>"
            "<button type='submit'>Add a new output</button></form> "
            "<form method='post' action='/local/poll'>"
            f"<input type='hidden' name='person' value='{escape(person)}'>"
            "<button type='submit'>Read Orbit's change feed now</button></form> "
            "<form method='post' action='/local/nightly'>"
            f"<input type='hidden' name='person' value='{escape(person)}'>"
            "<button type='submit'>Run the nightly job now</button>"
            "</form><table><thead><tr><th scope='col'>Title</th><th scope='col'>Type</th>"
            "<th scope='col'>ORCID</th><th scope='col'>Change in Orbit</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        return _page("Orbit profile", body)

    # --- actions: change Orbit; its change feed carries the change (the poller reads it) -------------
    def new_output(self, request: Request, person: str) -> Response:
        researcher = self._orbit.researchers.get(person)
        if researcher is None:
            return _page("Unknown researcher", "<p>No such researcher in Orbit.</p>", 404)
        output_uuid = str(uuid.uuid4())
        self._orbit.put_output(
            ResearchOutput(
                uuid=output_uuid,
                group="contributiontojournal",
                subtype="article",
                title_en=f"A new article by {researcher.family_names}",
                year=2026,
                month=11,
                authors=(Author(person, researcher.given_names, researcher.family_names),),
                doi=f"10.11581/dtu.{output_uuid[:8]}",
                journal_title="Wind Energy",
                issn="1095-4244",
            )
        )
        return _back(person, f"A new output was created in Orbit. {_FEED_NOTE}")

    def change_output(self, request: Request, uuid: str, action: str) -> Response:
        person = request.form.get("person", "")
        output = self._orbit.outputs.get(uuid)
        if output is None:
            return _back(person, "That output no longer exists.")
        if action == "delete":
            self._orbit.delete_output(uuid)
            return _back(person, f"The output was deleted in Orbit. {_FEED_NOTE}")
        changes: dict[str, dict[str, Any]] = {
            "correct": {"title_en": f"{output.title_en or ''} (corrected)"},
            "withdraw": {"confidential": True},
            "publish": {"confidential": False, "workflow": "approved", "visibility": "FREE"},
        }
        if action not in changes:
            return _page("Unknown action", "<p>No such action.</p>", 400)
        self._orbit.change_output(uuid, **changes[action])
        return _back(person, f"Orbit saved the change ({action}). {_FEED_NOTE}")

    def nightly(self, request: Request) -> Response:
        result = self._run_nightly()
        return _back(
            request.form.get("person", ""), f"The nightly job queued {result['jobs']} reconcile jobs."
        )

    def poll(self, request: Request) -> Response:
        result = self._poll_feed()
        return _back(
            request.form.get("person", ""),
            f"The change feed was read now: {result['pages']} page(s), "
            f"{sum(result['families'].values())} change(s), {result['outputs_sent']} output event(s) sent.",
        )


_FEED_NOTE = "It reaches ORCID through Orbit's change feed, at the poller's next run (within a minute)."


def _back(person: str, notice: str) -> Response:
    where = f"/orbit/persons/{person}" if person else "/"
    return Response(status=303, headers={"Location": f"{where}?" + urlencode({"notice": notice})})


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} · DTU Orbit (local)</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{STYLE}</style>"
        "</head><body><header><strong>DTU Orbit</strong> · local stack · <a href='/'>all researchers</a>"
        f"</header><main>{body}</main></body></html>"
    )
    return Response(
        html, status=status, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"}
    )
