"""DTU Orbit (Elsevier Pure), stood in on loopback: persons and research outputs, in either API shape.

Pure WS 5.24 (`/ws/api/524/...`) and the newer Pure API (`/ws/api/...`) are both served; which one the
system reads is its ORBIT_API_SHAPE setting. Tests change, withdraw or delete outputs through methods.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.orbit_standin.outputs import ResearchOutput, to_pure_api, to_ws
from infra.orbit_standin.people import RESEARCHERS, Researcher, person_json
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
    calls: dict[str, int] = field(default_factory=dict)
    # Seconds each API answer takes, varied by ± latency_jitter of itself (0.3: ±30 %), from a seeded
    # generator; 0 by default. The benchmarks set Pure's real-world latency (~500 ms).
    latency: float = 0.0
    latency_jitter: float = 0.0
    _rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)
    _rng_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- what a test (or the demo) does to Orbit ---------------------------------------------------
    def put_output(self, output: ResearchOutput) -> ResearchOutput:
        self.outputs[output.uuid] = output
        return output

    def change_output(self, uuid: str, **changes: Any) -> ResearchOutput:
        """Save a new version of an output (a correction, a withdrawal: visibility, workflow, ...)."""
        return self.put_output(self.outputs[uuid].changed(**changes))

    def delete_output(self, uuid: str) -> None:
        self.outputs.pop(uuid, None)

    def outputs_of(self, person_uuid: str) -> list[ResearchOutput]:
        return [o for o in self.outputs.values() if any(a.person_uuid == person_uuid for a in o.authors)]

    def dispatch(self, request: Request) -> Response | None:
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
        return _json(person_json(researcher))

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
                "items": [person_json(r) for r in page],
            }
        )

    # --- Pure WS 5.24 --------------------------------------------------------------------------------
    def ws_output(self, request: Request, uuid: str) -> Response:
        output = self.outputs.get(uuid)
        return _json(to_ws(output)) if output else _json({"code": 404, "title": "Not found"}, 404)

    def ws_person_outputs(self, request: Request, uuid: str) -> Response:
        if uuid not in self.researchers:
            return _json({"code": 404, "title": "Not found"}, 404)
        size = max(1, min(_int(request.args.get("size"), 10), 1000))
        offset = max(0, _int(request.args.get("offset"), 0))
        mine = sorted(self.outputs_of(uuid), key=lambda o: o.uuid)
        page = mine[offset : offset + size]
        body: dict[str, Any] = {
            "count": len(mine),
            "pageInformation": {"offset": offset, "size": size},
            "items": [to_ws(o) for o in page],
        }
        if offset + size < len(mine):
            body["navigationLinks"] = [
                {
                    "ref": "next",
                    "href": f"{API}/persons/{uuid}/research-outputs?size={size}&offset={offset + size}",
                }
            ]
        return _json(body)

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
        Rule(f"{NEW_API}/research-outputs/search", endpoint="api_search", methods=["POST"]),
        Rule(f"{NEW_API}/research-outputs/<uuid>", endpoint="api_output", methods=["GET"]),
        Rule(f"{NEW_API}/persons/<uuid>/dependents", endpoint="api_dependents", methods=["GET"]),
    ]
)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")
