"""DTU Orbit (Pure WS 5.24), stood in on loopback: persons now; research outputs come with the sync issue."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.orbit_standin.people import RESEARCHERS, Researcher, person_json

API = "/ws/api/524"


@dataclass
class OrbitStandIn:
    api_key: str
    researchers: dict[str, Researcher] = field(default_factory=lambda: {r.uuid: r for r in RESEARCHERS})
    # Set to a status (e.g. 503) to make every API call fail, as when Orbit is down.
    failing_status: int | None = None

    def dispatch(self, request: Request) -> Response | None:
        urls = _ROUTES.bind_to_environ(request.environ)
        try:
            endpoint, values = urls.match()
        except HTTPException:
            return None
        if self.failing_status is not None:
            return _json({"title": "Service unavailable"}, self.failing_status)
        if not secrets.compare_digest(request.headers.get("api-key", ""), self.api_key):
            return _json(
                {"code": 401, "title": "Unauthorized", "description": "api-key missing or wrong"}, 401
            )
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


_ROUTES = Map(
    [
        Rule(f"{API}/persons/<uuid>", endpoint="person", methods=["GET"]),
        Rule(f"{API}/persons", endpoint="persons", methods=["GET"]),
    ]
)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")
