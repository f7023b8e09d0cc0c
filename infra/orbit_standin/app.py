"""DTU Orbit (Elsevier Pure), stood in on loopback: persons and research outputs, in either API shape.

Pure WS 5.24 (`/ws/api/524/...`) and the newer Pure API (`/ws/api/...`) are both served; which one the
system reads is its ORBIT_API_SHAPE setting. Tests change, withdraw or delete outputs through methods,
and every such edit is an entry on the change feed (`/ws/api/524/changes/...`), as in Pure.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.orbit_standin.changes import ChangeLog, FeedError
from infra.orbit_standin.outputs import ResearchOutput, to_pure_api, to_ws
from infra.orbit_standin.people import (
    RESEARCHERS,
    Association,
    Researcher,
    day_before,
    first_association,
    person_api_json,
    person_json,
)
from infra.orcid_standin.faults import jittered

API = "/ws/api/524"
NEW_API = "/ws/api"


@dataclass
class OrbitStandIn:
    api_key: str
    researchers: dict[str, Researcher] = field(default_factory=lambda: {r.uuid: r for r in RESEARCHERS})
    outputs: dict[str, ResearchOutput] = field(default_factory=dict)
    # Set to a status (e.g. 503) to make every API call fail, as when Orbit is down.
    failing_status: int | None = None
    # What goes wrong for one person or one output, as it does in real Pure installations:
    # a status for a person's list of outputs (404 after Pure merged the person away) ...
    person_list_status: dict[str, int] = field(default_factory=dict)
    # ... a list cut short (pages past this offset come back empty, `count` still the full number) ...
    person_list_cut_at: dict[str, int] = field(default_factory=dict)
    # ... and an output served as this raw JSON instead of its own (a shape nobody can read).
    raw_outputs: dict[str, Any] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    # Staff organisation associations per person (default: their department since 2015).
    associations: dict[str, list[Association]] = field(default_factory=dict)
    # Pure's audit log as its change feed serves it: every edit below writes an entry.
    changes: ChangeLog = field(default_factory=ChangeLog)
    _person_versions: dict[str, int] = field(default_factory=dict)
    # Seconds each API answer takes, varied by ± latency_jitter of itself (0.3: ±30 %), from a seeded
    # generator; 0 by default. The benchmarks set Pure's real-world latency (~500 ms).
    latency: float = 0.0
    latency_jitter: float = 0.0
    _rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)
    _rng_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # When a test sets it to a list: (path, started, answered) of every request, on time.monotonic.
    timeline: list[tuple[str, float, float]] | None = None
    # Each person's outputs (uuid → the output's place in `outputs`), kept by put_output and delete_output,
    # so that listing one person's outputs does not scan every output (the benchmarks hold thousands).
    _by_person: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    _places: dict[str, int] = field(default_factory=dict, repr=False)
    _saves: int = field(default=0, repr=False)

    # --- what a test (or the demo) does to Orbit ---------------------------------------------------
    def put_output(self, output: ResearchOutput, at: datetime | None = None) -> ResearchOutput:
        """Save an output (new, or a new version); its change is on the feed, dated `at` (default now)."""
        change = "UPDATE" if output.uuid in self.outputs else "CREATE"
        output = replace(output, modified=self._save_time(output.uuid, at))
        self._index(output)
        self.outputs[output.uuid] = output
        self.changes.record("ResearchOutput", output.uuid, change, output.version, at=at)
        return output

    def _save_time(self, uuid: str, at: datetime | None) -> datetime:
        """When a save happens, to Pure's millisecond, always after the output's previous save."""
        moment = (at or datetime.now(UTC)).astimezone(UTC)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        earlier = self.outputs[uuid].modified if uuid in self.outputs else None
        if earlier is not None and moment <= earlier:
            moment = earlier + timedelta(milliseconds=1)
        return moment

    def seed(self, outputs: Iterable[ResearchOutput]) -> None:
        """Orbit's history before today: outputs whose changes are a day old on the feed."""
        yesterday = datetime.now(UTC) - timedelta(days=1)
        for output in outputs:
            self.put_output(output, at=yesterday)

    def change_output(self, uuid: str, **changes: Any) -> ResearchOutput:
        """Save a new version of an output (a correction, a withdrawal: visibility, workflow, ...)."""
        return self.put_output(self.outputs[uuid].changed(**changes))

    def delete_output(self, uuid: str) -> None:
        output = self.outputs.pop(uuid, None)
        if output is not None:
            self._unindex(output)
            self.changes.record("ResearchOutput", uuid, "DELETE", output.version + 1)

    def change_person(self, uuid: str, **changes: Any) -> Researcher:
        """Save a person (an ORCID iD set, an affiliation started or ended): a Person change on the feed."""
        researcher = replace(self.researchers[uuid], **changes)
        self.researchers[uuid] = researcher
        self._person_versions[uuid] = self._person_versions.get(uuid, 0) + 1
        self.changes.record("Person", uuid, "UPDATE", self._person_versions[uuid])
        return researcher

    def outputs_of(self, person_uuid: str) -> list[ResearchOutput]:
        """The person's outputs, in the order of `outputs` (the order they were first saved)."""
        places = self._by_person.get(person_uuid, {})
        return [self.outputs[uuid] for uuid in sorted(places, key=places.__getitem__)]

    def _index(self, output: ResearchOutput) -> None:
        earlier = self.outputs.get(output.uuid)
        if earlier is not None:
            self._unindex(earlier)
        if output.uuid not in self._places:
            self._saves += 1
            self._places[output.uuid] = self._saves
        place = self._places[output.uuid]
        for author in output.authors:
            if author.person_uuid is not None:
                self._by_person.setdefault(author.person_uuid, {})[output.uuid] = place

    def _unindex(self, output: ResearchOutput) -> None:
        for author in output.authors:
            self._by_person.get(author.person_uuid or "", {}).pop(output.uuid, None)
        if output.uuid not in self.outputs:  # deleted: a new save of it comes last, as in `outputs`
            self._places.pop(output.uuid, None)

    # --- staff organisation associations (what HR changes in Orbit) --------------------------------
    def associations_of(self, person_uuid: str) -> list[Association]:
        if person_uuid not in self.associations:
            self.associations[person_uuid] = [first_association(self.researchers[person_uuid])]
        return self.associations[person_uuid]

    def move(self, person_uuid: str, department: str, on: date, job_title: str | None = None) -> Association:
        """The researcher moves to another unit on `on`: the current association ends the day before."""
        held = self.associations_of(person_uuid)
        current = [a for a in held if a.end is None]
        self.associations[person_uuid] = [a.ended(day_before(on)) if a.end is None else a for a in held]
        title = job_title or (current[0].job_title if current else None)
        return self.start_association(person_uuid, department, on, title)

    def leave(self, person_uuid: str, last_day: date) -> None:
        """The researcher leaves DTU: every current association ends on `last_day`."""
        held = self.associations_of(person_uuid)
        self.associations[person_uuid] = [a.ended(last_day) if a.end is None else a for a in held]

    def start_association(
        self, person_uuid: str, department: str, on: date, job_title: str | None = "Associate Professor"
    ) -> Association:
        """A new association begins (a move, or a return to DTU)."""
        held = self.associations_of(person_uuid)
        association = Association(
            max(a.pure_id for a in held) + 1 if held else 1, department, on, None, job_title
        )
        held.append(association)
        return association

    def dispatch(self, request: Request) -> Response | None:
        started = time.monotonic()
        try:
            return self._dispatch(request)
        finally:
            if self.timeline is not None:
                self.timeline.append((request.path, started, time.monotonic()))

    def _dispatch(self, request: Request) -> Response | None:
        urls = _ROUTES.bind_to_environ(request.environ)
        try:
            endpoint, values = urls.match()
        except HTTPException:
            return None
        if self.latency > 0:
            with self._rng_lock:
                delay = jittered(self.latency, self.latency_jitter, self._rng)
            time.sleep(delay)
        if self.failing_status is not None:
            return _json({"title": "Service unavailable"}, self.failing_status)
        if not secrets.compare_digest(request.headers.get("api-key", ""), self.api_key):
            return _json(
                {"code": 401, "title": "Unauthorized", "description": "api-key missing or wrong"}, 401
            )
        self.calls[str(endpoint)] = self.calls.get(str(endpoint), 0) + 1
        response: Response = getattr(self, str(endpoint))(request, **values)
        return response

    def person(self, request: Request, uuid: str) -> Response:
        researcher = self.researchers.get(uuid)
        if researcher is None:
            return _json({"code": 404, "title": "Not found"}, 404)
        return _json(person_json(researcher, self.associations_of(uuid)))

    def api_person(self, request: Request, uuid: str) -> Response:
        researcher = self.researchers.get(uuid)
        if researcher is None:
            return _json({"code": 404, "title": "Not found"}, 404)
        return _json(person_api_json(researcher, self.associations_of(uuid)))

    def api_organization(self, request: Request, uuid: str) -> Response:
        names = {a.unit_uuid: a.department for held in self.associations.values() for a in held}
        names.update({first_association(r).unit_uuid: r.department for r in self.researchers.values()})
        if uuid not in names:
            return _json({"code": 404, "title": "Not found"}, 404)
        return _json({"uuid": uuid, "name": {"en_GB": names[uuid]}})

    def persons(self, request: Request) -> Response:
        query = request.args.get("q", "").strip().lower()
        size = max(1, min(int(request.args.get("size", "10") or 10), 1000))
        offset = max(0, int(request.args.get("offset", "0") or 0))
        matches = [
            r
            for r in self.researchers.values()
            if not query
            or query in (r.employee_id, r.uuid)
            or query in f"{r.given_names} {r.family_names}".lower()
        ]
        page = matches[offset : offset + size]
        return _json(
            {
                "count": len(matches),
                "pageInformation": {"offset": offset, "size": size},
                "items": [person_json(r, self.associations_of(r.uuid)) for r in page],
            }
        )

    # --- Pure WS 5.24 --------------------------------------------------------------------------------
    def ws_output(self, request: Request, uuid: str) -> Response:
        output = self.outputs.get(uuid)
        if uuid in self.raw_outputs:
            return _json(self.raw_outputs[uuid])
        return _json(to_ws(output)) if output else _json({"code": 404, "title": "Not found"}, 404)

    def ws_person_outputs(self, request: Request, uuid: str) -> Response:
        if uuid not in self.researchers:
            return _json({"code": 404, "title": "Not found"}, 404)
        if uuid in self.person_list_status:
            return _json({"code": self.person_list_status[uuid]}, self.person_list_status[uuid])
        size = max(1, min(_int(request.args.get("size"), 10), 1000))
        offset = max(0, _int(request.args.get("offset"), 0))
        mine = sorted(self.outputs_of(uuid), key=lambda o: o.uuid)
        page = mine[offset : offset + size] if offset < self.person_list_cut_at.get(uuid, len(mine)) else []
        body: dict[str, Any] = {
            "count": len(mine),
            "pageInformation": {"offset": offset, "size": size},
            "items": [self.raw_outputs.get(o.uuid) or to_ws(o) for o in page],
        }
        if offset + size < len(mine):
            body["navigationLinks"] = [
                {
                    "ref": "next",
                    "href": f"{API}/persons/{uuid}/research-outputs?size={size}&offset={offset + size}",
                }
            ]
        return _json(body)

    def ws_changes(self, request: Request, token_or_date: str) -> Response:
        try:
            return _json(self.changes.page(token_or_date, request.host_url))
        except FeedError as exc:
            title = "Not found" if exc.status == 404 else "Bad request"
            return _json({"code": exc.status, "title": title, "description": exc.description}, exc.status)

    # --- Pure API ------------------------------------------------------------------------------------
    def api_output(self, request: Request, uuid: str) -> Response:
        output = self.outputs.get(uuid)
        return _json(to_pure_api(output)) if output else _json({"code": 404, "title": "Not found"}, 404)

    def api_dependents(self, request: Request, uuid: str) -> Response:
        if uuid not in self.researchers:
            return _json({"code": 404, "title": "Not found"}, 404)
        items = [{"systemName": "ResearchOutput", "uuid": o.uuid} for o in self.outputs_of(uuid)]
        return _json({"items": items})

    def api_search(self, request: Request) -> Response:
        query = request.get_json(silent=True) or {}
        wanted = [str(u) for u in query.get("uuids") or []]
        size = max(1, min(_int(query.get("size"), 10), 1000))
        offset = max(0, _int(query.get("offset"), 0))
        found = (
            [self.outputs[u] for u in wanted if u in self.outputs] if wanted else list(self.outputs.values())
        )
        page = found[offset : offset + size]
        return _json(
            {
                "count": len(found),
                "pageInformation": {"offset": offset, "size": size},
                "items": [to_pure_api(o) for o in page],
            }
        )


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


_ROUTES = Map(
    [
        Rule(f"{API}/persons/<uuid>", endpoint="person", methods=["GET"]),
        Rule(f"{API}/persons", endpoint="persons", methods=["GET"]),
        Rule(f"{API}/research-outputs/<uuid>", endpoint="ws_output", methods=["GET"]),
        Rule(f"{API}/persons/<uuid>/research-outputs", endpoint="ws_person_outputs", methods=["GET"]),
        Rule(f"{API}/changes/<path:token_or_date>", endpoint="ws_changes", methods=["GET"]),
        Rule(f"{NEW_API}/research-outputs/search", endpoint="api_search", methods=["POST"]),
        Rule(f"{NEW_API}/research-outputs/<uuid>", endpoint="api_output", methods=["GET"]),
        Rule(f"{NEW_API}/persons/<uuid>/dependents", endpoint="api_dependents", methods=["GET"]),
        Rule(f"{NEW_API}/persons/<uuid>", endpoint="api_person", methods=["GET"]),
        Rule(f"{NEW_API}/organizations/<uuid>", endpoint="api_organization", methods=["GET"]),
    ]
)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")
