"""Benchmark 4: cold start of each handler from the built bundle, beside the floor in the same bundle.

The bundle is what `sam build` deploys (functions/build_bundle.py, through functions/Makefile): the
runtime dependencies, our code, botocore's data for unused services left out, every module compiled.
The target is python3.13 on arm64, which this machine cannot run, so the timed bundles are built the
same way for this machine's platform and for the Python 3.13 found here (PYTHON313, python3.13 on
PATH, or pyenv's), else for this interpreter, and the section says which. Three bundles, side by side:

- as shipped before: dependencies as pip unpacks them, nothing trimmed, no .pyc (and, as /var/task is
  read-only, none written: `-B`), so every cold start compiles every module;
- compiled: the same with .pyc (hash-based, unchecked), untrimmed;
- lean before the cold-start cuts: the lean bundle of the code at BEFORE_REF (with Powertools' Tracer
  and the X-Ray SDK), built by that commit's own build script, so before and after share one run;
- lean: compiled and trimmed — the bundle the build makes now.

Each measurement is a fresh interpreter (`-I -S`: no site-packages, only the bundle and the standard
library on sys.path, as /var/task before the runtime's own path) timing `import <handler module>` and
what the first invocation builds before its first call out: its settings and service, and the DynamoDB
client (every handler's first invocation reads DynamoDB), with the function's environment from the
local stack. The floor is `import boto3` + one client from the same bundle. The arm64 bundle's zip
size is measured too, before and after trimming.
"""

from __future__ import annotations

import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, Figure, Section, samples
from infra.local.stack import LocalStack

BUILD_SCRIPT = REPO_ROOT / "functions" / "build_bundle.py"
# The last commit before the cold-start cuts (X-Ray SDK dropped, PyJWT on the verifying path, one import
# per builder): its lean bundle is measured beside today's.
BEFORE_REF = "91e2ad9af05d718728ce9801d36f69d0b92b9913"

# In the child: the bundle first on sys.path; import argv[2], then build what argv[3] names and, for a
# handler, the DynamoDB client its first invocation makes (the floor's one client); print JSON.
_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
libraries = [name for name in sys.argv[4].split(",") if name]
started = time.perf_counter()
cpu_started = time.process_time()
import importlib
module = importlib.import_module(sys.argv[2])
imported = time.perf_counter()
what = sys.argv[3]
if what == "client":
    module.client("sqs", region_name="eu-north-1")
    for name in libraries:
        importlib.import_module(name)
elif what == "settings":
    from orcid_sync.config import get_settings
    get_settings()
elif what != "-":
    getattr(module, what)()
built = time.perf_counter()
if what != "client":
    from orcid_sync import aws
    aws.dynamodb()
connected = time.perf_counter()
cpu = time.process_time() - cpu_started
import json
times = {"import": imported - started, "init": built - imported, "client": connected - built}
unloaded = [name for name in libraries if name not in sys.modules]
print(json.dumps({**times, "cpu": cpu, "unloaded": unloaded}))
"""


@dataclass(frozen=True)
class Subject:
    key: str
    module: str
    init: str  # what the first invocation builds: a cached factory of the module, or "settings"
    function: str | None  # the template's function, for its environment
    label: str
    # The required libraries its first invocation loads (each checked to be loaded by the handler): with
    # the floor, they make the handler's library floor, what it would cost with no code of ours.
    libraries: tuple[str, ...] = ()


LOGGER, PYDANTIC, REQUESTS = "aws_lambda_powertools.logging", "pydantic.main", "requests"
RESOLVER = "aws_lambda_powertools.event_handler"
SUBJECTS = (
    Subject("floor", "boto3", "client", None, "floor: import boto3 + one client"),
    Subject(
        "http",
        "orcid_sync.handlers.http",
        "service",
        "HttpFunction",
        "handlers.http",
        (LOGGER, RESOLVER, REQUESTS, PYDANTIC),
    ),
    Subject(
        "sync_worker",
        "orcid_sync.handlers.sync_worker",
        "service",
        "SyncWorkerFunction",
        "handlers.sync_worker",
        (LOGGER, REQUESTS, PYDANTIC),
    ),
    Subject(
        "event_router",
        "orcid_sync.handlers.event_router",
        "router",
        "EventRouterFunction",
        "handlers.event_router",
        (LOGGER, REQUESTS, PYDANTIC),
    ),
    Subject(
        "nightly",
        "orcid_sync.handlers.nightly",
        "settings",
        "NightlyFunction",
        "handlers.nightly",
        (LOGGER, PYDANTIC),
    ),
    Subject(
        "feed_poller",
        "orcid_sync.handlers.feed_poller",
        "poller",
        "FeedPollerFunction",
        "handlers.feed_poller",
        (LOGGER, REQUESTS, PYDANTIC),
    ),
)
# Each handler's library floor, measured in the lean bundle only: boto3 + one client + its libraries.
LIBRARY_FLOORS = tuple(
    Subject(f"libs_{s.key}", "boto3", "client", None, f"library floor of {s.label}", s.libraries)
    for s in SUBJECTS[1:]
)


@dataclass(frozen=True)
class Bundle:
    key: str
    label: str
    path: Path
    compiled: bool


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: str  # "3.13"

    @property
    def is_target(self) -> bool:
        return self.version == "3.13"


def find_python313() -> Interpreter | None:
    """A Python 3.13 on this machine: $PYTHON313, python3.13 on PATH, or pyenv's; None if there is none."""
    candidates = [os.environ.get("PYTHON313", ""), "python3.13"]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"))
    for candidate in filter(None, candidates):
        found = _version_of(candidate)
        if found == "3.13":
            return Interpreter(candidate, found)
    return None


def _version_of(python: str) -> str | None:
    try:
        answer = subprocess.run(  # noqa: S603 - a candidate interpreter, fixed code
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return answer.stdout.strip()


def this_platform() -> str:
    return f"manylinux2014_{platform.machine()}"


def build_bundle(python: Interpreter, out: Path, *extra: str, script: Path = BUILD_SCRIPT) -> Path:
    subprocess.run(  # noqa: S603 - the build script, fixed arguments
        [python.path, str(script), "--out", str(out), "--python-version", python.version, *extra],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return out


def build_before(python: Interpreter, work: Path, source: list[str]) -> Bundle | None:
    """The lean bundle of the code at BEFORE_REF, by its own build script; None without that commit."""
    try:
        archive = subprocess.run(  # noqa: S603 - git, fixed arguments
            ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", BEFORE_REF, "functions"],  # noqa: S607
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    tree = work / "before-source"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    script = tree / "functions" / "build_bundle.py"
    path = build_bundle(python, work / "lean-before", *source, script=script)
    return Bundle("lean_before", f"lean bundle before the cuts ({BEFORE_REF[:7]})", path, compiled=True)


def build_bundles(python: Interpreter, work: Path, deps: str) -> list[Bundle]:
    source = ["--deps-from-site-packages"] if deps == "site-packages" else ["--platform", this_platform()]
    before = build_before(python, work, source)
    return [
        Bundle(
            "shipped",
            "as shipped before (no .pyc, untrimmed)",
            build_bundle(python, work / "shipped", *source, "--no-trim", "--no-compile"),
            compiled=False,
        ),
        Bundle(
            "compiled",
            "compiled, untrimmed",
            build_bundle(python, work / "compiled", *source, "--no-trim"),
            compiled=True,
        ),
        *([before] if before else []),
        Bundle("lean", "lean bundle (compiled, trimmed)", build_bundle(python, work / "lean", *source), True),
    ]


def zip_size(folder: Path) -> tuple[int, int]:
    """Bytes of the folder zipped (deflate, as `sam package` zips), and of its botocore/data part."""
    total = data = 0
    with tempfile.TemporaryFile() as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
        for info in archive.infolist():
            total += info.compress_size
            if info.filename.startswith("botocore/data/"):
                data += info.compress_size
    return total, data


def target_sizes(python: Interpreter | None, work: Path) -> dict[str, Any]:
    """The arm64 bundle's zip before and after: as pip unpacks it, and as the build makes it."""
    if python is None:
        return {}
    before = build_bundle(python, work / "arm64-shipped", "--no-trim", "--no-compile")
    after = build_bundle(python, work / "arm64-lean")
    sizes: dict[str, Any] = {}
    for name, folder in (("shipped", before), ("lean", after)):
        total, data = zip_size(folder)
        sizes[name] = {"zip_bytes": total, "botocore_data_zip_bytes": data}
    sizes["services_kept"] = sorted(p.name for p in (after / "botocore" / "data").iterdir() if p.is_dir())
    sizes["services_in_botocore"] = sum(1 for p in (before / "botocore" / "data").iterdir() if p.is_dir())
    return sizes


def _probe(
    python: Interpreter,
    bundle: Bundle,
    subject: Subject,
    env: dict[str, str],
    libraries: tuple[str, ...] = (),
) -> dict[str, float]:
    """One cold start in a fresh process; `libraries`: imported after the floor's client (a library
    floor), or, for a handler, checked to be loaded once it has started."""
    flags = ["-I", "-S"] + ([] if bundle.compiled else ["-B"])
    code = [_PROBE, str(bundle.path), subject.module, subject.init, ",".join(libraries)]
    answer = subprocess.run(  # noqa: S603 - an interpreter of this machine, fixed code
        [python.path, *flags, "-c", *code],
        env=env,
        cwd=bundle.path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"{subject.module} from the {bundle.key} bundle failed:\n{answer.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    unloaded = data.pop("unloaded")
    if unloaded:  # a library floor must hold only what the handler really loads
        raise RuntimeError(f"{subject.module} did not load {unloaded}: correct its libraries in SUBJECTS")
    return data


def _largest_imports(python: Interpreter, bundle: Bundle, subject: Subject, env: dict[str, str]) -> list[Any]:
    """The packages whose modules took longest to import (`-X importtime`, own time summed)."""
    code = f"import sys; sys.path.insert(0, {str(bundle.path)!r}); import {subject.module}"
    answer = subprocess.run(  # noqa: S603 - an interpreter of this machine, fixed code
        [python.path, "-I", "-S", "-X", "importtime", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    totals: dict[str, int] = {}
    for line in answer.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match is not None:
            package = match.group(2).split(".")[0]
            totals[package] = totals.get(package, 0) + int(match.group(1))
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:5]
    return [{"package": name, "ms": round(us / 1000, 1)} for name, us in ranked]


def _environments(stack: LocalStack) -> dict[str, dict[str, str]]:
    missing = [s.function for s in SUBJECTS if s.function and s.function not in stack.function_env]
    if missing:
        raise RuntimeError(f"template.yaml has no function {missing}")
    base = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return {s.key: {**base, **(stack.function_env[s.function] if s.function else {})} for s in SUBJECTS}


def _instructions(
    python: Interpreter, bundle: Bundle, subject: Subject, env: dict[str, str], libraries: tuple[str, ...]
) -> float:
    """The same cold start counted in instructions by valgrind (cachegrind, no cache simulation), in
    millions: what no other process on the machine can disturb (the kernel's file reads are not in it)."""
    code = [_PROBE, str(bundle.path), subject.module, subject.init, ",".join(libraries)]
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    answer = subprocess.run(  # noqa: S603 - valgrind and an interpreter of this machine, fixed code
        [*valgrind, python.path, "-I", "-S", "-c", *code],
        env={**env, "PYTHONHASHSEED": "0"},
        cwd=bundle.path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    counted = re.search(r"I\s+refs:\s+([\d,]+)", answer.stderr)
    if answer.returncode != 0 or counted is None:
        raise RuntimeError(f"valgrind on {subject.module} ({bundle.key}) failed:\n{answer.stderr[-3000:]}")
    return int(counted.group(1).replace(",", "")) / 1e6


def _plan(bundles: list[Bundle]) -> list[tuple[Bundle, Subject, tuple[str, ...]]]:
    """Every bundle's floor and handlers; in the lean bundle (the last) also each handler's library
    floor, and the handlers' libraries checked as loaded."""
    lean = bundles[-1]
    plan = [(b, s, s.libraries if b is lean else ()) for b in bundles for s in SUBJECTS]
    return plan + [(lean, s, s.libraries) for s in LIBRARY_FLOORS]


def run(runs: int, deps: str = "pip") -> Section:
    found = find_python313()
    python = found or Interpreter(sys.executable, f"{sys.version_info.major}.{sys.version_info.minor}")
    if deps == "site-packages":  # no network: this interpreter's own installed packages
        python = Interpreter(sys.executable, f"{sys.version_info.major}.{sys.version_info.minor}")
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        work = Path(folder)
        bundles = build_bundles(python, work, deps)
        sizes = target_sizes(found, work) if deps == "pip" else {}
        with LocalStack(parameters={"LogLevel": "ERROR"}) as stack:
            envs = _environments(stack)
            plan = _plan(bundles)
            for bundle, subject, libraries in plan:  # one unmeasured round: a warm file cache
                _probe(python, bundle, subject, envs.get(subject.key, envs["floor"]), libraries)
            results = {b.key: {s.key: [] for s in SUBJECTS + LIBRARY_FLOORS} for b in bundles}
            for _ in range(runs):
                for bundle, subject, libraries in plan:  # interleaved, so drift affects all alike
                    env = envs.get(subject.key, envs["floor"])
                    results[bundle.key][subject.key].append(_probe(python, bundle, subject, env, libraries))
            largest = {s.key: _largest_imports(python, bundles[-1], s, envs[s.key]) for s in SUBJECTS}
            counts: dict[str, dict[str, float]] = {}
            if shutil.which("valgrind") is not None:  # once each: a count does not vary between runs
                for bundle, subject, libraries in plan:
                    if bundle in bundles[-2:]:  # the lean bundles, before and after the cuts
                        env = envs.get(subject.key, envs["floor"])
                        counts.setdefault(bundle.key, {})[subject.key] = _instructions(
                            python, bundle, subject, env, libraries
                        )
    return _section(bundles, results, largest, sizes, python, deps, counts)


def _total_ms(
    rows: list[dict[str, float]], parts: tuple[str, ...] = ("import", "init", "client")
) -> list[float]:
    return [sum(row.get(part, 0.0) for part in parts) * 1000 for row in rows]


# The lean bundle's ratios as the previous run of this section measured them (2026-11-29 16:01 UTC, on
# the branch of issue 19 before DTU's sign-in was merged): another measure and other code, so the
# same-run 'before' bundle is the fair match.
PREVIOUS_LEAN = (
    "Before, as the previous run measured it (2026-11-29 16:01 UTC, lean bundle with the X-Ray SDK but "
    "without DTU's sign-in, so without PyJWT and cryptography; handlers timed without their DynamoDB "
    "client; no feed_poller): http 2.36, sync_worker 2.14, event_router 2.57, nightly 1.75 × the floor "
    "(755 ms)."
)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _ratios_note(bundle: Bundle, rows: dict[str, list[dict[str, float]]]) -> str:
    floor = _median(_total_ms(rows["floor"]))

    def listed(parts: tuple[str, ...]) -> tuple[str, float]:
        ratios = {s.key: _median(_total_ms(rows[s.key], parts)) / floor for s in SUBJECTS[1:]}
        return ", ".join(f"{key} {ratio:.2f}" for key, ratio in ratios.items()), max(ratios.values())

    full, worst = listed(("import", "init", "client"))
    bare, _ = listed(("import", "init"))
    cpu_floor = _median(_total_ms(rows["floor"], ("cpu",)))
    cpu = ", ".join(
        f"{s.key} {_median(_total_ms(rows[s.key], ('cpu',))) / cpu_floor:.2f}" for s in SUBJECTS[1:]
    )
    return (
        f"{bundle.label}: each handler's cold start ÷ the floor in the same bundle (medians): {full}; the "
        f"slowest is {worst:.2f} ×. Without the DynamoDB client (the previous measure): {bare}. In CPU "
        f"time of the process (what other processes on this machine disturb least; floor "
        f"{cpu_floor:.0f} ms): {cpu}."
    )


def _cpu_figures(bundle: Bundle, rows: dict[str, list[dict[str, float]]]) -> list[Figure]:
    """The same runs in the process's CPU time, which the other processes on this machine disturb least."""
    floor_samples = samples(_total_ms(rows["floor"], ("cpu",)))
    floor = _median(list(floor_samples))
    figures = [Figure(f"{bundle.key}_floor_cpu", f"{bundle.label}: floor, CPU time", "ms", floor_samples)]
    for subject in SUBJECTS[1:]:
        figures.append(
            Figure(
                f"{bundle.key}_{subject.key}_cpu",
                f"{bundle.label}: {subject.label}, CPU time",
                "ms",
                samples(_total_ms(rows[subject.key], ("cpu",))),
                floor,
                "floor's CPU time in the same bundle (median)",
            )
        )
    return figures


_SHORT = {
    LOGGER: "Powertools' Logger",
    RESOLVER: "Powertools' resolver",
    REQUESTS: "requests",
    PYDANTIC: "pydantic",
}


def _library_figures(bundle: Bundle, rows: dict[str, list[dict[str, float]]]) -> list[Figure]:
    """Each handler's library floor (what its required libraries cost beyond the floor), and the handler
    against it: what our own code adds."""
    floor = _median(_total_ms(rows["floor"]))
    figures = []
    for subject, libs in zip(SUBJECTS[1:], LIBRARY_FLOORS, strict=True):
        names = ", ".join(_SHORT[name] for name in subject.libraries)
        library_floor = samples(_total_ms(rows[libs.key]))
        figures.append(
            Figure(
                f"{bundle.key}_{libs.key}",
                f"{bundle.label}: library floor of {subject.label} (floor + {names})",
                "ms",
                library_floor,
                floor,
                "floor in the same bundle (median)",
            )
        )
        figures.append(
            Figure(
                f"{bundle.key}_{subject.key}_over_libraries",
                f"{bundle.label}: {subject.label}, against its library floor",
                "ms",
                samples(_total_ms(rows[subject.key])),
                _median(list(library_floor)),
                "its library floor (median)",
            )
        )
    return figures


def _instructions_note(bundle: Bundle, counts: dict[str, float]) -> str:
    floor = counts["floor"]
    handlers = ", ".join(f"{s.key} {counts[s.key] / floor:.2f}" for s in SUBJECTS[1:])
    libraries = ", ".join(
        f"{s.key} {counts[libs.key] / floor:.2f}"
        for s, libs in zip(SUBJECTS[1:], LIBRARY_FLOORS, strict=True)
        if libs.key in counts
    )
    note = f"{bundle.label}, in instructions (floor {floor:,.0f} M): each handler ÷ the floor: {handlers}."
    if libraries:
        note += f" Each handler's library floor ÷ the floor: {libraries}."
    return note


def _instruction_figures(bundle: Bundle, counts: dict[str, float]) -> list[Figure]:
    """One valgrind count per subject (it repeats to 0.2 %): handlers and library floors against the floor."""
    if not counts:
        return []
    floor = counts["floor"]
    figures = [Figure(f"{bundle.key}_floor_instr", f"{bundle.label}: floor, instructions", "M", (floor,))]
    for subject in (*SUBJECTS[1:], *LIBRARY_FLOORS):
        if subject.key in counts:
            figures.append(
                Figure(
                    f"{bundle.key}_{subject.key}_instr",
                    f"{bundle.label}: {subject.label}, instructions",
                    "M",
                    (counts[subject.key],),
                    floor,
                    "floor's instructions in the same bundle",
                )
            )
    return figures


def _section(
    bundles: list[Bundle],
    results: dict[str, dict[str, list[dict[str, float]]]],
    largest: dict[str, list[Any]],
    sizes: dict[str, Any],
    python: Interpreter,
    deps: str,
    counts: dict[str, dict[str, float]],
) -> Section:
    where = (
        f"Python {python.version} on {platform.machine()} (this machine; the target is Python 3.13 on arm64)"
        + ("" if python.is_target else " — no Python 3.13 was found here, so this interpreter stands in")
    )
    section = Section(
        key="cold_start",
        title="4. Cold start of each handler from the built bundle",
        setup=(
            f"Bundles built by functions/build_bundle.py for {where}, dependencies "
            + ("installed by pip from PyPI" if deps == "pip" else "copied from this .venv (no network)")
            + ". A fresh `python -I -S` per measurement with only the bundle and the standard library on "
            "sys.path, timing `import <handler module>` and what the first invocation builds before its "
            "first call out (http, sync_worker: `service()`; event_router: `router()`; feed_poller: "
            "`poller()`; nightly: `get_settings()`; then, for every handler, the DynamoDB client its "
            "first invocation makes), with the function's environment from the local stack (tracing off "
            "where the code still has Powertools' Tracer). Floor: "
            "`import boto3` + `boto3.client('sqs')` from the same bundle. 'As shipped before' runs with "
            "`-B`: no .pyc in the bundle and none written, as on Lambda's read-only /var/task. Bundles "
            "and handlers interleaved, after one unmeasured round (warm file cache). In the lean bundle, "
            "also each handler's library floor: the floor, then the required libraries its first "
            "invocation loads (Powertools' Logger, requests, pydantic's BaseModel; for http also "
            "Powertools' resolver), each checked to be loaded by the handler — what the handler would "
            "cost with no code of ours. Where valgrind is installed, each cold start of the two lean "
            "bundles is also counted once in instructions (cachegrind, no cache simulation, "
            "PYTHONHASHSEED=0): a count no other process disturbs, which repeats to about 0.2 %, but "
            "leaves out the kernel's time (file reads)."
        ),
    )
    for bundle in bundles:
        rows = results[bundle.key]
        floor_samples = samples(_total_ms(rows["floor"]))
        floor = sorted(floor_samples)[len(floor_samples) // 2]
        section.add(Figure(f"{bundle.key}_floor", f"{bundle.label}: floor", "ms", floor_samples))
        for subject in SUBJECTS[1:]:
            init = subject.init.replace("settings", "get_settings")
            section.add(
                Figure(
                    f"{bundle.key}_{subject.key}_total",
                    f"{bundle.label}: {subject.label}, import + {init}() + DynamoDB client",
                    "ms",
                    samples(_total_ms(rows[subject.key])),
                    floor,
                    "floor in the same bundle (median)",
                )
            )
    section.figures.extend(_library_figures(bundles[-1], results[bundles[-1].key]))
    for bundle in bundles[-2:]:
        section.figures.extend(_instruction_figures(bundle, counts.get(bundle.key, {})))
    for bundle in bundles[-2:]:  # the lean bundles, before and after the cuts
        section.figures.extend(_cpu_figures(bundle, results[bundle.key]))
    if sizes:
        for name in ("shipped", "lean"):
            section.add(
                Figure(
                    f"zip_{name}",
                    f"arm64 python3.13 bundle zipped, {'as shipped before' if name == 'shipped' else 'lean'}",
                    "MB",
                    (sizes[name]["zip_bytes"] / 1e6,),
                )
            )
        before, after = sizes["shipped"], sizes["lean"]
        kept = sizes["services_kept"]
        mb = {
            key: value / 1e6 for key, value in (("zip0", before["zip_bytes"]), ("zip1", after["zip_bytes"]))
        }
        data0, data1 = before["botocore_data_zip_bytes"] / 1e6, after["botocore_data_zip_bytes"] / 1e6
        section.notes.append(
            f"Trimming botocore's data: of {sizes['services_in_botocore']} services' models, the bundle "
            f"keeps {len(kept)} ({', '.join(kept)}); botocore's data goes from {data0:.1f} MB to "
            f"{data1:.2f} MB of the zip, which goes from {mb['zip0']:.1f} MB to {mb['zip1']:.1f} MB (the "
            "lean one includes the .pyc files). Lambda downloads and unpacks the zip on a cold start; "
            "that part is not measured here."
        )
    elif deps == "pip":
        section.notes.append("No Python 3.13 here: the arm64 bundle's size was not measured.")
    for bundle in bundles[-2:]:
        section.notes.append(_ratios_note(bundle, results[bundle.key]))
        if counts.get(bundle.key):
            section.notes.append(_instructions_note(bundle, counts[bundle.key]))
    section.notes.append(PREVIOUS_LEAN)
    for subject in SUBJECTS:
        top = ", ".join(f"{item['package']} {item['ms']:.0f} ms" for item in largest[subject.key][:4])
        section.notes.append(
            f"Largest imports from the lean bundle, {subject.label} (own time, one run): {top}."
        )
    section.notes.append(
        "Measured on this machine's CPU and disk, not Lambda's (arm64, a CPU share by memory size); the "
        "ratio to the floor in the same bundle is the figure that carries over, not the milliseconds."
    )
    section.details = {
        "python": python.__dict__,
        "platform": this_platform(),
        "deps": deps,
        "bundles": {b.key: b.label for b in bundles},
        "runs": results,
        "largest_imports_ms": largest,
        "sizes": sizes,
        "instructions_millions": counts,
    }
    return section
