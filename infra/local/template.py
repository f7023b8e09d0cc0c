"""Reads template.yaml so the local stack is built from the same definitions that are deployed.

Only what the local stack needs is interpreted: resources and their properties, function events,
the intrinsic functions Ref, GetAtt, Sub and If, and conditions (Equals, Not, And, Or), resolved
against local names and parameter values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that turns CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...) into long form."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_CfnLoader)  # a SafeLoader subclass: no arbitrary objects
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a CloudFormation template")
    return data


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str  # logical id
    authorized: bool


@dataclass(frozen=True)
class Resolver:
    """Resolves intrinsic functions against local values: parameters, physical ids and attributes."""

    refs: Mapping[str, str]
    attributes: Mapping[tuple[str, str], str]
    # The template's conditions, evaluated (see `with_conditions`).
    conditions: Mapping[str, bool] = field(default_factory=dict)

    def with_conditions(self, template: Mapping[str, Any]) -> Resolver:
        """This resolver, knowing the truth of each of the template's conditions."""
        evaluated: dict[str, bool] = {}
        definitions = template.get("Conditions", {})

        def truth(value: Any) -> bool:
            if isinstance(value, dict) and len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Condition":
                    return condition(str(arg))
                if key == "Fn::Equals":
                    return str(self(arg[0])) == str(self(arg[1]))
                if key == "Fn::Not":
                    return not truth(arg[0])
                if key == "Fn::And":
                    return all(truth(part) for part in arg)
                if key == "Fn::Or":
                    return any(truth(part) for part in arg)
            raise ValueError(f"the local stack cannot evaluate the condition {value!r}")

        def condition(name: str) -> bool:
            if name not in evaluated:
                evaluated[name] = truth(definitions[name])
            return evaluated[name]

        for name in definitions:
            condition(name)
        return Resolver(self.refs, self.attributes, evaluated)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = self._intrinsics().get(key)
            if handler is not None:
                return handler(arg)
        return {key: self(item) for key, item in value.items()}

    def _intrinsics(self) -> dict[str, Callable[[Any], Any]]:
        return {"Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Sub": self._sub, "Fn::If": self._if}

    def _if(self, arg: list[Any]) -> Any:
        name, when_true, when_false = arg
        if name not in self.conditions:
            raise KeyError(f"template uses condition {name}, which the local stack did not evaluate")
        return self(when_true if self.conditions[name] else when_false)

    def _ref(self, name: str) -> str:
        if name not in self.refs:
            raise KeyError(f"template refers to {name}, which the local stack does not provide")
        return self.refs[name]

    def _get_att(self, arg: list[str]) -> str:
        return self.attributes[(arg[0], arg[1])]

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self(arg[1]))
        return re.sub(
            r"\$\{([^}]+)\}", lambda m: str(extra.get(m.group(1)) or self._sub_name(m.group(1))), text
        )

    def _sub_name(self, name: str) -> str:
        if "." in name:
            resource, attribute = name.split(".", 1)
            return self.attributes[(resource, attribute)]
        return self._ref(name)


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


def http_routes(template: Mapping[str, Any]) -> list[Route]:
    """Every HttpApi event of every function, with whether an API Gateway authorizer guards it."""
    guarded = any(
        (api.get("Properties", {}).get("Auth") or {}).get("DefaultAuthorizer")
        for api in resources_of_type(template, "AWS::Serverless::HttpApi").values()
    )
    routes = []
    for name, function in resources_of_type(template, "AWS::Serverless::Function").items():
        for event in (function.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            props = event.get("Properties", {})
            authorizer = (props.get("Auth") or {}).get("Authorizer")
            authorized = authorizer not in (None, "NONE") or (guarded and authorizer != "NONE")
            routes.append(Route(props["Method"].upper(), props["Path"], name, authorized))
    return routes


def function_environment(template: Mapping[str, Any], function: str, resolve: Resolver) -> dict[str, str]:
    """Globals' variables overlaid with the function's own, resolved to local values."""
    global_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    resource = template["Resources"][function]
    own_env = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
    return {key: str(resolve(value)) for key, value in {**global_env, **own_env}.items()}


def function_setting(template: Mapping[str, Any], function: str, name: str) -> Any:
    """A function property, falling back on Globals (Handler, Timeout, MemorySize, ...)."""
    props = template["Resources"][function].get("Properties", {})
    if name in props:
        return props[name]
    return template.get("Globals", {}).get("Function", {}).get(name)


@dataclass(frozen=True)
class Schedule:
    """An EventBridge schedule of a function: `rate(...)` ones run locally at that rate."""

    function: str
    expression: str

    @property
    def every_seconds(self) -> float | None:
        """The rate in seconds; None for cron and at() expressions (run on demand locally)."""
        match = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", self.expression)
        if match is None:
            return None
        unit = {"minute": 60, "hour": 3600, "day": 86400}[match.group(2).rstrip("s")]
        return int(match.group(1)) * unit


def schedules(template: Mapping[str, Any], resolve: Resolver) -> list[Schedule]:
    """Every Schedule/ScheduleV2 event of every function, its expression resolved."""
    found = []
    for name, function in resources_of_type(template, "AWS::Serverless::Function").items():
        for event in (function.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") in ("Schedule", "ScheduleV2"):
                found.append(Schedule(name, str(resolve(event["Properties"]["ScheduleExpression"]))))
    return found
