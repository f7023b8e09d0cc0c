"""The ORCID stand-in as one loopback server: OAuth pages and endpoints plus the member API."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from infra.orcid_standin.oauth import OAuthStandIn
from infra.orcid_standin.state import StandInState

Dispatcher = Callable[[Request], Response | None]


@dataclass
class OrcidStandIn:
    state: StandInState = field(default_factory=StandInState)
    oauth: OAuthStandIn = field(init=False)
    # Further parts (the member API) register a dispatcher here; the first that answers wins.
    parts: list[Dispatcher] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.oauth = OAuthStandIn(self.state)
        self.parts.insert(0, self.oauth.dispatch)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        for part in self.parts:
            response = part(request)
            if response is not None:
                return response(environ, start_response)
        return Response("Not found", status=404)(environ, start_response)
