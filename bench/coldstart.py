"""Benchmark 4: a Lambda cold start's share that is ours — importing each handler module and building
what it builds on first use — in a fresh interpreter each time, against importing boto3 and creating
one client (the least any of these functions does).

Each measurement is a new `python -c` process timing its own imports with `time.perf_counter` (the
interpreter's own start-up is not included). The environment is the local stack's for that function
(template values; X-Ray tracing off, as on the local stack). One unmeasured round first, so every
measured round finds compiled `.pyc` files and a warm file cache.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from bench.common import REPO_ROOT, Figure, Section, samples
from infra.local.stack import LocalStack

# In the child: import argv[1], then build what argv[2] names, timing both; print JSON.
_PROBE = """
import json, sys, time
started = time.perf_counter()
import importlib
module = importlib.import_module(sys.argv[1])
imported = time.perf_counter()
what = sys.argv[2]
if what == "client":
    module.client("sqs", region_name="eu-north-1")
elif what == "settings":
    from orcid_sync.config import get_settings
    get_settings()
elif what != "-":
    getattr(module, what)()
built = time.perf_counter()
print(json.dumps({"import": imported - started, "init": built - imported}))
"""


@dataclass(frozen=True)
class Subject:
    key: str
    module: str
    init: str  # what the first invocation builds: a cached factory of the module, or "settings"
    function: str | None  # the template's function, for its environment
    label: str


SUBJECTS = (
    Subject("floor", "boto3", "client", None, "floor: import boto3 + one client"),
    Subject("http", "orcid_sync.handlers.http", "service", "HttpFunction", "handlers.http"),
    Subject(
        "sync_worker",
        "orcid_sync.handlers.sync_worker",
        "service",
        "SyncWorkerFunction",
        "handlers.sync_worker",
    ),
    Subject(
        "event_router",
        "orcid_sync.handlers.event_router",
        "router",
        "EventRouterFunction",
        "handlers.event_router",
    ),
    Subject("nightly", "orcid_sync.handlers.nightly", "settings", "NightlyFunction", "handlers.nightly"),
)


def _environment(stack: LocalStack, subject: Subject) -> dict[str, str]:
    env = dict(os.environ)
    # The warm-up round must leave .pyc files behind, as it does for site-packages (pip compiles those).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if subject.function is not None:
        env.update(stack.function_env[subject.function])
    return env


def _python(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """This interpreter in a fresh process, from the repository root, its output captured."""
    return subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, *arguments],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def _probe(subject: Subject, env: dict[str, str]) -> dict[str, float]:
    answer = _python(["-c", _PROBE, subject.module, subject.init], env)
    data: dict[str, float] = json.loads(answer.stdout.strip().splitlines()[-1])
    return data


def _largest_imports(subject: Subject, env: dict[str, str], top: int = 6) -> list[dict[str, Any]]:
    """The packages whose modules took longest to import (`python -X importtime`, own time summed)."""
    answer = _python(["-X", "importtime", "-c", f"import {subject.module}"], env)
    totals: dict[str, int] = {}
    for line in answer.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match is None:
            continue
        package = match.group(2).split(".")[0]
        totals[package] = totals.get(package, 0) + int(match.group(1))
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
    return [{"package": name, "ms": round(us / 1000, 1)} for name, us in ranked]


def _function_names(stack: LocalStack) -> set[str]:
    return set(stack.function_env)


def run(runs: int) -> Section:
    results: dict[str, list[dict[str, float]]] = {subject.key: [] for subject in SUBJECTS}
    largest: dict[str, list[dict[str, Any]]] = {}
    with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
        missing = [s.function for s in SUBJECTS if s.function and s.function not in _function_names(stack)]
        if missing:
            raise RuntimeError(f"template.yaml has no function {missing}")
        envs = {subject.key: _environment(stack, subject) for subject in SUBJECTS}
        for subject in SUBJECTS:  # warm-up: .pyc files and the file cache
            _probe(subject, envs[subject.key])
        for _ in range(runs):
            for subject in SUBJECTS:  # interleaved, so drift affects all alike
                results[subject.key].append(_probe(subject, envs[subject.key]))
        for subject in SUBJECTS:
            largest[subject.key] = _largest_imports(subject, envs[subject.key])

    floor = sorted(r["import"] + r["init"] for r in results["floor"])[len(results["floor"]) // 2] * 1000
    section = Section(
        key="cold_start",
        title="4. Cold start: import and initialization of each handler",
        setup=(
            "A fresh `python -c` per measurement, timing `import <handler module>` and then what the first "
            "invocation builds before any network call (http, sync_worker: `service()`; event_router: "
            "`router()`; nightly: `get_settings()`), with the function's environment from the local stack "
            "(X-Ray tracing off). Floor: `import boto3` + `boto3.client('sqs')` the same way. Interleaved "
            "rounds after one unmeasured warm-up round (warm file cache, compiled .pyc)."
        ),
    )
    for subject in SUBJECTS:
        rows = results[subject.key]
        if subject.key == "floor":
            section.add(
                Figure(
                    "floor", subject.label, "ms", samples([(r["import"] + r["init"]) * 1000 for r in rows])
                )
            )
            continue
        section.add(
            Figure(
                f"{subject.key}_import",
                f"{subject.label}: import",
                "ms",
                samples([r["import"] * 1000 for r in rows]),
                floor,
                "import boto3 + one client (median)",
            )
        )
        section.add(
            Figure(
                f"{subject.key}_total",
                f"{subject.label}: import + {subject.init.replace('settings', 'get_settings')}()",
                "ms",
                samples([(r["import"] + r["init"]) * 1000 for r in rows]),
                floor,
                "import boto3 + one client (median)",
            )
        )
    section.details = {"runs": results, "largest_imports_ms": largest}
    for subject in SUBJECTS:
        top = ", ".join(f"{item['package']} {item['ms']:.0f} ms" for item in largest[subject.key][:4])
        section.notes.append(f"Largest imports, {subject.label} (own time, one `-X importtime` run): {top}.")
    if any(item["package"] == "aws_xray_sdk" for items in largest.values() for item in items):
        section.notes.append(
            "aws_xray_sdk is imported by Powertools' Tracer when `observability` creates it, even with "
            "tracing off; the Lambda bundle has it too (functions/requirements.txt asks for "
            "aws-lambda-powertools[tracer]), so that cost is paid in Lambda as well. awscrt and "
            "cryptography are installed here by the dev tools and imported by boto3 when present (they "
            "are in the floor too); whether a Lambda bundle has them depends on what `sam build` "
            "installs, so those parts of the figures are this .venv's."
        )
    return section
