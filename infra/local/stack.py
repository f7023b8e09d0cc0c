"""The local stack: moto (tables, queues, key, secrets from template.yaml), ORCID and Orbit stand-ins,
and the HTTP API serving the real handlers — all on loopback, in one process.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.server import ThreadedMotoServer
from werkzeug.wrappers import Request, Response

from infra.local.aws_resources import ACCOUNT, REGION, CreatedResources, create_resources
from infra.local.console import LocalConsole
from infra.local.http_api import FunctionSpec, HttpApiEmulator
from infra.local.permissions import role_of
from infra.local.queues import DrainReport, QueueRunner, queue_consumers
from infra.local.scheduler import LocalScheduler
from infra.local.serving import RunningServer, serve
from infra.local.template import (
    TEMPLATE_PATH,
    Resolver,
    Schedule,
    function_environment,
    function_setting,
    http_routes,
    load_template,
    resources_of_type,
    schedules,
)
from infra.oidc_standin.app import OidcStandIn, User
from infra.orbit_standin.app import OrbitStandIn
from infra.orcid_standin.server import OrcidStandIn

LOCAL_CLIENT_ID = "APP-LOCALSTACK000001"
LOCAL_CLIENT_SECRET = "local-client-secret-not-for-production"
LOCAL_ORBIT_API_KEY = "local-orbit-api-key"
LOCAL_OIDC_CLIENT_ID = "orcid-sync-local"
LOCAL_OIDC_CLIENT_SECRET = "local-oidc-client-secret-not-for-production"

# Values for the template's parameters on the local stack (the template's own defaults fill the rest).
LOCAL_PARAMETERS = {
    "OrcidClientId": LOCAL_CLIENT_ID,
    "OidcClientId": LOCAL_OIDC_CLIENT_ID,
    "LogLevel": "INFO",
}


@dataclass
class LocalStack:
    template_path: Any = TEMPLATE_PATH
    http_port: int = 0
    # `make run` says localhost (what people type); tests keep 127.0.0.1.
    public_host: str = "127.0.0.1"
    # moto's state is per process and outlives a stopped stack: each stack gets its own resource names.
    resource_prefix: str = field(default_factory=lambda: _next_prefix())
    parameters: Mapping[str, str] = field(default_factory=dict)
    template: dict[str, Any] = field(init=False)
    orcid: OrcidStandIn = field(init=False)
    orbit: OrbitStandIn = field(init=False)
    oidc: OidcStandIn = field(init=False)
    resources: CreatedResources = field(init=False)
    function_env: dict[str, dict[str, str]] = field(init=False, default_factory=dict)
    queues: QueueRunner = field(init=False)
    # The template's EventBridge schedules, resolved (LocalScheduler runs the rate() ones).
    schedules: list[Schedule] = field(init=False, default_factory=list)
    _servers: list[RunningServer] = field(init=False, default_factory=list)
    _moto: ThreadedMotoServer | None = field(init=False, default=None)
    _saved_env: dict[str, str | None] = field(init=False, default_factory=dict)
    # The template's functions, filled in place once their roles resolve (the HTTP API holds this dict).
    _specs: dict[str, FunctionSpec] = field(init=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        """Where a browser reaches the API: the host name matters, as cookies are per host."""
        return f"http://{self.public_host}:{self._servers[-1].server.port}"

    @property
    def orcid_url(self) -> str:
        return self._servers[0].base_url

    @property
    def orbit_url(self) -> str:
        return self._servers[1].base_url

    @property
    def oidc_url(self) -> str:
        """DTU's identity provider (stand-in): the issuer."""
        return self._servers[2].base_url

    def start(self) -> LocalStack:
        self.template = load_template(self.template_path)
        self._start_moto()
        params = self._parameter_values()
        self.resources = create_resources(self.template, prefix=self.resource_prefix, parameters=params)
        self._create_secrets(params)
        self.orcid = OrcidStandIn()
        self.orbit = OrbitStandIn(api_key=LOCAL_ORBIT_API_KEY)
        self._servers.append(serve(self.orcid))
        self._servers.append(serve(_wsgi(self.orbit.dispatch)))
        researchers = self.orbit.researchers
        self.oidc = OidcStandIn(
            directory=lambda: [
                User(f"{r.given_names} {r.family_names}", r.email, r.employee_id)
                for r in list(researchers.values())
            ]
        )
        self._servers.append(serve(self.oidc))
        self.oidc.base_url = self.oidc_url
        api = HttpApiEmulator(http_routes(self.template), self._specs)
        console = LocalConsole(
            self.orbit,
            self.resources.refs["ConsentsTable"],
            lambda: self.orcid_url,
            lambda: self.invoke("NightlyFunction", {"source": "local.console"}),
            lambda: self.invoke("FeedPollerFunction", {"source": "local.console"}),
        )
        http = serve(_wsgi(_first_answer([api.dispatch, console.dispatch])), port=self.http_port)
        self._servers.append(http)
        public_url = f"http://{self.public_host}:{http.server.port}"
        self.orcid.oauth.register_client(
            LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, (f"{public_url}/orcid/callback",)
        )
        self.oidc.register_client(
            LOCAL_OIDC_CLIENT_ID, LOCAL_OIDC_CLIENT_SECRET, (f"{public_url}/auth/callback",)
        )
        # Parameters whose local values are the stand-ins' addresses, known only once they listen.
        params.update(
            {
                "OrbitBaseUrl": self.orbit_url,
                "PublicBaseUrl": public_url,
                "OidcIssuer": self.oidc_url,
                # Orbit's profiles are the local console's pages here.
                "OrbitProfileUrl": f"{public_url}/orbit/persons/{{person}}",
            }
        )
        self._configure_functions(params)
        self.queues = QueueRunner(
            queue_consumers(self.template, self.resources.queue_urls, self.resources.attributes),
            self._specs,
        )
        return self

    def invoke(self, function: str, event: dict[str, Any] | None = None) -> Any:
        """Invoke a function as its schedule (or a person at the console) would, e.g. the nightly run now."""
        return self._specs[function].call(event or {})

    def scheduler(self, on_result: Callable[[str, Any], None] | None = None) -> LocalScheduler:
        """EventBridge Scheduler for this stack: its rate() schedules (the change-feed poller), unstarted."""
        return LocalScheduler(self.schedules, self.invoke, on_result)

    def function(self, name: str) -> FunctionSpec:
        """A function of the template as the stack runs it: handler, limits and role."""
        return self._specs[name]

    def drain(self, max_invocations: int = 100_000) -> DrainReport:
        """Run the queue consumers until every queue is empty, as Lambda's event sources would."""
        return self.queues.drain(max_invocations)

    def stop(self) -> None:
        for server in reversed(self._servers):
            server.stop()
        self._servers.clear()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        reset_function_caches()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- pieces -----------------------------------------------------------------------------------
    def _set_env(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def _start_moto(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self._use_moto_at(f"http://{host}:{port}")

    def _use_moto_at(self, url: str) -> None:
        """Point every boto3 client of this process (and the functions') at the moto server at `url`."""
        self._set_env(
            {
                "AWS_ENDPOINT_URL": url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
            }
        )
        reset_function_caches()

    def _parameter_values(self) -> dict[str, str]:
        values = {
            name: str(spec["Default"])
            for name, spec in self.template.get("Parameters", {}).items()
            if "Default" in spec
        }
        values.update(LOCAL_PARAMETERS)
        values.update(self.parameters)
        return values

    def _create_secrets(self, params: Mapping[str, str]) -> None:
        secrets = boto3.client("secretsmanager", region_name=REGION)
        for name, value in (
            (params["OrcidClientSecretName"], LOCAL_CLIENT_SECRET),
            (params["OrbitApiKeyName"], LOCAL_ORBIT_API_KEY),
            (params["OidcClientSecretName"], LOCAL_OIDC_CLIENT_SECRET),
        ):
            try:
                secrets.create_secret(Name=name, SecretString=value)
            except secrets.exceptions.ResourceExistsException:
                secrets.put_secret_value(SecretId=name, SecretString=value)

    def _define_functions(self, resolve: Resolver) -> None:
        self._specs.update(
            {
                name: FunctionSpec(
                    name=name,
                    handler=str(function_setting(self.template, name, "Handler")),
                    memory=int(function_setting(self.template, name, "MemorySize") or 128),
                    timeout=int(function_setting(self.template, name, "Timeout") or 3),
                    role=role_of(self.template, name, resolve, REGION, ACCOUNT),
                )
                for name in resources_of_type(self.template, "AWS::Serverless::Function")
            }
        )

    def outputs(self) -> dict[str, str]:
        """The template's Outputs as the local stack has them (`orcid-sync ops --outputs` reads these).

        A function's Ref is its name here; outputs that name what the local stack has not (the API
        Gateway id) are left out.
        """
        functions = {name: name for name in resources_of_type(self.template, "AWS::Serverless::Function")}
        resolve = self._resolver({**self._parameter_values(), **functions})
        found: dict[str, str] = {}
        for key, output in self.template.get("Outputs", {}).items():
            try:
                found[key] = str(resolve(output["Value"]))
            except KeyError:
                continue
        return found

    def _resolver(self, params: Mapping[str, str]) -> Resolver:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::StackName": "orcid-sync-local",
            "AWS::URLSuffix": "amazonaws.com",
        }
        return Resolver(
            refs={**pseudo, **params, **self.resources.refs}, attributes=self.resources.attributes
        ).with_conditions(self.template)

    def _configure_functions(self, params: Mapping[str, str]) -> None:
        resolve = self._resolver(params)
        self.schedules = schedules(self.template, resolve)
        # What differs from AWS, and only this: ORCID is the stand-in, the API is plain http, no X-Ray.
        overlay = {
            "ORCID_ENVIRONMENT": "local",
            "ORCID_BASE_URL": self.orcid_url,
            "COOKIE_SECURE": "false",
            "POWERTOOLS_TRACE_DISABLED": "true",
            # Embedded metrics are CloudWatch's format; locally they would only clutter the terminal.
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
        merged: dict[str, str] = {}
        for name in resources_of_type(self.template, "AWS::Serverless::Function"):
            env = {**function_environment(self.template, name, resolve), **overlay}
            self.function_env[name] = env
            merged.update(env)
        # All handlers share this process, so they share one environment (the template gives them one).
        self._set_env(merged)
        reset_function_caches()
        self._define_functions(resolve)


_stacks = itertools.count()


def _next_prefix() -> str:
    number = next(_stacks)
    return "local" if number == 0 else f"local{number}"


def _first_answer(
    dispatchers: Iterable[Callable[[Request], Response | None]],
) -> Callable[[Request], Response]:
    parts = list(dispatchers)

    def dispatch(request: Request) -> Response:
        for part in parts:
            response = part(request)
            if response is not None:
                return response
        return Response("Not found", status=404)

    return dispatch


def _wsgi(dispatch: Callable[[Request], Response | None]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = dispatch(Request(environ)) or Response("Not found", status=404)
        return response(environ, start_response)

    return app


def reset_function_caches() -> None:
    """Handlers cache settings and clients per execution environment; a new stack is a new environment."""
    from aws_lambda_powertools.utilities import parameters

    from orcid_sync import aws
    from orcid_sync.config import get_settings

    aws.reset_clients()
    get_settings.cache_clear()
    # Handler modules are imported on their first request, after the environment is set (as in Lambda).
    for module, factory in (
        ("orcid_sync.handlers.http", "service"),
        ("orcid_sync.handlers.http", "sign_in_service"),
        ("orcid_sync.handlers.http", "choice_service"),
        ("orcid_sync.handlers.http", "outputs_reader"),
        ("orcid_sync.handlers.sync_worker", "service"),
        ("orcid_sync.handlers.event_router", "router"),
        ("orcid_sync.handlers.feed_poller", "poller"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            getattr(loaded, factory).cache_clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    # Powertools keeps one boto3 client per provider; forget it so it follows AWS_ENDPOINT_URL.
    parameters.base.DEFAULT_PROVIDERS.clear()  # type: ignore[attr-defined]
