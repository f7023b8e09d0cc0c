"""The shape the code keeps: short functions, and handlers that make no AWS call themselves."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "orcid_sync"
LONGEST_FUNCTION = 50


def test_no_function_is_longer_than_fifty_lines() -> None:
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > LONGEST_FUNCTION:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({lines} lines)")

    assert long == []


def test_no_handler_touches_boto3_or_the_aws_clients() -> None:
    offenders = []
    for path in sorted((PACKAGE / "handlers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            offenders += [
                f"{path.name}: {name}" for name in names if name.split(".")[0] in {"boto3", "botocore"}
            ]
            offenders += [f"{path.name}: {name}" for name in names if name == "orcid_sync.aws"]

    assert offenders == []
