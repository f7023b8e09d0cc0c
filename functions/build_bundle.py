"""Build the Lambda bundle: runtime dependencies for the target platform, our code, trimmed, compiled.

`sam build` runs this through functions/Makefile (`BuildMethod: makefile`) with ARTIFACTS_DIR; the
benchmarks and a test run it directly. Steps, each one function:

1. install  — functions/requirements.txt with pip for the target (python3.13 on arm64 by default:
              `--platform manylinux2014_aarch64 --only-binary=:all: --python-version 3.13
              --implementation cp`), or, with `--deps-from`, copied from an installed site-packages
              (the test's way: no network);
2. code     — functions/orcid_sync, without caches;
3. trim     — botocore's and boto3's data for services no code of ours or of Powertools calls;
4. compile  — every .py to .pyc with `compileall`, hash-based and unchecked: /var/task is read-only,
              so without them Lambda compiles every module on every cold start, and unchecked hashes
              do not depend on the zip's file times (which are only kept to 2 seconds).

The .pyc files are for the interpreter that runs this script, so build with the target's Python
(python3.13 for the template's runtime): `--python-version` must match it, or the build stops.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
import py_compile
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
CODE = HERE / "orcid_sync"

# Services whose API models are kept: what our code calls (aws.py, consent/factory.py), what
# Powertools Parameters may call, and what botocore's credential chain may call on its own.
KEEP_SERVICES = frozenset({"dynamodb", "sqs", "kms", "secretsmanager", "ssm", "sts", "sso", "sso-oidc"})
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def install(target: Path, platform: str, python_version: str, python: str = sys.executable) -> None:
    """pip-install the requirements for the target platform and Python, binary wheels only."""
    subprocess.run(  # noqa: S603 - a fixed pip command line
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(target),
            "--platform",
            platform,
            "--only-binary=:all:",
            "--python-version",
            python_version,
            "--implementation",
            "cp",
            "--requirement",
            str(REQUIREMENTS),
        ],
        check=True,
    )


def copy_installed(target: Path, requirements: Iterable[str]) -> list[str]:
    """Copy the installed distributions `requirements` need (with their dependencies) into `target`.

    For a build without network: the files come from this interpreter's site-packages, as pip put them
    there. Extras are followed; environment markers are evaluated for this interpreter.
    """
    from packaging.requirements import Requirement  # a dependency of pip and pytest; only this way needs it

    pending = [Requirement(line) for line in requirements]
    seen: set[str] = set()
    copied: list[str] = []
    while pending:
        requirement = pending.pop()
        key = requirement.name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        distribution = importlib.metadata.distribution(requirement.name)
        for file in distribution.files or ():
            source = Path(str(distribution.locate_file(file)))
            if file.parts[0] in ("..", "bin") or "__pycache__" in file.parts or not source.is_file():
                continue
            destination = target / file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
        copied.append(distribution.metadata["Name"])
        for line in distribution.requires or ():
            needed = Requirement(line)
            extras = requirement.extras or {""}
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                pending.append(needed)
    return sorted(copied)


def requirement_lines(path: Path = REQUIREMENTS) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and _NAME.match(line)]


def copy_code(target: Path) -> None:
    shutil.copytree(
        CODE, target / CODE.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True
    )


def trim(target: Path, keep: frozenset[str] = KEEP_SERVICES) -> list[str]:
    """Remove botocore's and boto3's data folders of services outside `keep`; returns their names.

    Also the console scripts pip put in bin/ (nothing in Lambda runs them).
    """
    shutil.rmtree(target / "bin", ignore_errors=True)
    removed: set[str] = set()
    for data in (target / "botocore" / "data", target / "boto3" / "data"):
        if not data.is_dir():
            continue
        for service in data.iterdir():
            if service.is_dir() and service.name not in keep:
                shutil.rmtree(service)
                removed.add(service.name)
    return sorted(removed)


def compile_all(target: Path) -> bool:
    """Compile every module to .pyc for this interpreter (unchecked hash-based); True when all compiled."""
    return bool(
        compileall.compile_dir(
            target,
            quiet=1,
            workers=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    )


def build(
    out: Path,
    *,
    platform: str = "manylinux2014_aarch64",
    python_version: str = "3.13",
    deps_from_site_packages: bool = False,
    trim_data: bool = True,
    compiled: bool = True,
) -> None:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if compiled and running != python_version:
        raise SystemExit(
            f"the bundle is for Python {python_version}, but this is Python {running}: its .pyc files "
            f"would not be used. Run this with python{python_version} (see README, Deploy)."
        )
    out.mkdir(parents=True, exist_ok=True)
    if deps_from_site_packages:
        copy_installed(out, requirement_lines())
    else:
        install(out, platform, python_version)
    copy_code(out)
    if trim_data:
        trim(out)
    if compiled and not compile_all(out):
        raise SystemExit("some modules did not compile")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the bundle's folder (ARTIFACTS_DIR)")
    parser.add_argument("--platform", default="manylinux2014_aarch64", help="pip --platform")
    parser.add_argument("--python-version", default="3.13", help="pip --python-version; must be this one's")
    parser.add_argument(
        "--deps-from-site-packages",
        action="store_true",
        help="copy the dependencies from this interpreter's site-packages instead of running pip",
    )
    parser.add_argument("--no-trim", action="store_true", help="keep all of botocore's service data")
    parser.add_argument("--no-compile", action="store_true", help="leave the modules uncompiled")
    args = parser.parse_args(argv)
    build(
        args.out,
        platform=args.platform,
        python_version=args.python_version,
        deps_from_site_packages=args.deps_from_site_packages,
        trim_data=not args.no_trim,
        compiled=not args.no_compile,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
