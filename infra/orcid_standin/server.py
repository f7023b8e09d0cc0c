"""The ORCID stand-in as one loopback server: OAuth pages and endpoints plus the member API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from infra.orcid_standin.member_api import MemberApiStandIn
from infra.orcid_standin.oauth import OAuthStandIn
from infra.orcid_standin.state import StandInState

Dispatcher = Callable[[Request], Response | None]
_ORCID_PATH = re.compile(r"^/\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


@dataclass
class OrcidStandIn:
    state: StandInState = field(default_factory=StandInState)
    oauth: OAuthStandIn = field(init=False)
    api: MemberApiStandIn = field(init=False)
    # The member API's rate limiter can run its clock faster (benchmarks keep the ratio honest).
    speedup: float = 1.0
    parts: list[Dispatcher] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.oauth = OAuthStandIn(self.state)
        self.api = MemberApiStandIn(self.state, speedup=self.speedup)
        # OAuth first, then the member API (and its read-only record pages); the first that answers wins.
        self.parts[:0] = [self.oauth.dispatch, self.api.dispatch, self._public_record]

    def _public_record(self, request: Request) -> Response | None:
        """`/{iD}` as on orcid.org: the record's public page (the member API's read-only page)."""
        if not _ORCID_PATH.match(request.path):
            return None
        return Response(status=302, headers={"Location": f"/records{request.path}"})

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        for part in self.parts:
            response = part(request)
            if response is not None:
                return response(environ, start_response)
        return Response("Not found", status=404)(environ, start_response)
