"""Reads template.yaml so the local stack is built from the same definitions that are deployed.

Only what the local stack needs is interpreted: resources and their properties, function events,
and the intrinsic functions Ref, GetAtt and Sub, resolved against local names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
        return {"Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Sub": self._sub}

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
