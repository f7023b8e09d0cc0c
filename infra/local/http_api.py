"""API Gateway HTTP API, stood in locally: routes from template.yaml, payload format 2.0.

The template has no API Gateway authorizer (the function signs researchers in itself, with DTU's
identity provider); a template that adds one is refused rather than served unguarded.
"""

from __future__ import annotations

import base64
import importlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from infra.local.permissions import Role, acting_as
from infra.local.template import Route

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LocalContext:
    """The parts of Lambda's context object that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str
    invoked_function_arn: str
    _deadline: float

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    @classmethod
    def for_invocation(cls, function_name: str, memory: int, timeout: int) -> LocalContext:
        return cls(
            function_name=function_name,
            memory_limit_in_mb=memory,
            timeout_seconds=timeout,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:eu-north-1:123456789012:function:{function_name}",
            _deadline=time.monotonic() + timeout,
        )


def load_handler(dotted: str) -> LambdaHandler:
    module_name, _, attribute = dotted.rpartition(".")
    handler: LambdaHandler = getattr(importlib.import_module(module_name), attribute)
    return handler


@dataclass
class FunctionSpec:
    name: str
    handler: str
    memory: int
    timeout: int
    # Its role from template.yaml: the AWS calls the handler makes are checked against it (None: not).
    role: Role | None = None

    def call(self, event: dict[str, Any]) -> Any:
        """One invocation, as Lambda makes it: a fresh context, the handler acting as its role."""
        context = LocalContext.for_invocation(self.name, self.memory, self.timeout)
        with acting_as(self.role):
            return load_handler(self.handler)(event, context)


class HttpApiEmulator:
    """Turns HTTP requests into API Gateway v2 events for the template's routes, and answers back."""

    def __init__(self, routes: list[Route], functions: Mapping[str, FunctionSpec]) -> None:
        guarded = sorted(f"{route.method} {route.path}" for route in routes if route.authorized)
        if guarded:
            raise ValueError(f"API Gateway authorizers are not emulated (routes {', '.join(guarded)})")
        self._routes = {(route.method, route.path): route for route in routes}
        self._functions = functions

    def has_route(self, method: str, path: str) -> bool:
        return (method, path) in self._routes

    def dispatch(self, request: Request) -> Response | None:
        route = self._routes.get((request.method, request.path))
        if route is None:
            return None
        spec = self._functions[route.function]
        return from_result(spec.call(to_event(request, route)))


def to_event(request: Request, route: Route) -> dict[str, Any]:
    """API Gateway HTTP API payload format 2.0."""
    body = request.get_data()
    text_body = body.decode("utf-8", errors="strict") if body else None
    query: dict[str, str] = {}
    for key in request.args:
        # API Gateway joins repeated parameters with commas.
        query[key] = ",".join(request.args.getlist(key))
    headers = {key.lower(): value for key, value in request.headers.items() if key.lower() != "cookie"}
    now = time.time()
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": request.host,
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.remote_addr or "127.0.0.1",
            "userAgent": request.headers.get("User-Agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": f"{route.method} {route.path}",
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{route.method} {route.path}",
        "rawPath": request.path,
        "rawQueryString": request.query_string.decode(),
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": False,
    }
    cookies = [f"{key}={value}" for key, value in request.cookies.items(multi=True)]
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if text_body is not None:
        event["body"] = text_body
    return event


def from_result(result: dict[str, Any]) -> Response:
    headers = Headers()
    for key, value in (result.get("headers") or {}).items():
        headers.add(key, value)
    for cookie in result.get("cookies") or []:
        headers.add("Set-Cookie", cookie)
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    return Response(data, status=int(result.get("statusCode", 200)), headers=headers)
