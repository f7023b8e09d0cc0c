"""Mark the mutants that live inside type annotations as skipped: they can never change behaviour.

With `from __future__ import annotations` an annotation is a string nobody evaluates, so `str | None`
mutated into `str & None` is equivalent by construction. Also skipped: mutants inside logging calls,
whose only effect is the words of a log line. Run by `make mutation` between init and exec, with the
cosmic-ray venv's Python: `python mutation/skip_annotations.py SESSION.sqlite`.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult

Span = tuple[tuple[int, int], tuple[int, int]]


@cache
def quiet_spans(path: Path) -> tuple[Span, ...]:
    """(start, end) positions, 1-based rows, of every annotation and every logger call in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            nodes.append(node.annotation)
        elif isinstance(node, ast.arg) and node.annotation is not None:
            nodes.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            nodes.append(node.returns)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "logger":
                nodes.append(node)
    return tuple(
        ((n.lineno, n.col_offset), (n.end_lineno or n.lineno, n.end_col_offset or 0)) for n in nodes
    )


def inside(start: tuple[int, int], end: tuple[int, int], span: Span) -> bool:
    return span[0] <= start and end <= span[1]


def main(session: str) -> int:
    skipped = 0
    with use_db(session, WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            if all(
                any(inside(m.start_pos, m.end_pos, span) for span in quiet_spans(Path(m.module_path)))
                for m in item.mutations
            ):
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
                skipped += 1
    print(f"{skipped} mutants in annotations or log calls skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
