"""A dry run in words: what a full sync would do to one researcher's ORCID record, and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from orcid_sync.sync.planner import ActionKind
from orcid_sync.sync.service import Preview

_VERBS = {
    ActionKind.CREATE: "create",
    ActionKind.UPDATE: "update",
    ActionKind.ADOPT: "adopt",
    ActionKind.DELETE: "delete",
    ActionKind.MARK_REMOVED: "removed",
    ActionKind.FORGET: "forget",
}


def describe(person_id: str, preview: Preview) -> Iterator[str]:
    """One line per action, then what is left alone, then the totals."""
    yield f"Plan for {person_id} on ORCID record {preview.orcid} (a dry run: nothing was written)"
    planned = preview.planned
    if planned is None:
        yield f"  nothing: {preview.report.problem_text}"
        return
    titles = planned.titles
    totals: Counter[str] = Counter()
    for action in planned.plan.actions:
        verb = _VERBS[action.kind]
        totals[verb] += 1
        code = f"put-code {action.put_code}" if action.put_code is not None else "new"
        title = titles.get(action.publication_id, "")
        yield f"  {verb:<8} {action.publication_id}  {code:<17} {title[:60]!r} — {action.reason}"
    for action in planned.plan.held:
        totals["held"] += 1
        yield f"  {'held':<8} {action.publication_id}  put-code {action.put_code} — mass-deletion guard"
    for pid, put_codes in planned.plan.ambiguous.items():
        totals["leave"] += len(put_codes)
        codes = ", ".join(str(code) for code in put_codes)
        yield f"  {'leave':<8} put-codes {codes} — from Orbit's earlier export; all match {pid}: ambiguous"
    ambiguous = {code for codes in planned.plan.ambiguous.values() for code in codes}
    for put_code in planned.plan.legacy_left_alone:
        if put_code not in ambiguous:
            totals["leave"] += 1
            yield f"  {'leave':<8} put-code {put_code} — from Orbit's earlier export; matches no output"
    for pid, why in sorted(preview.report.unsendable.items()):
        if pid not in planned.plan.ambiguous:
            yield f"  {'keep':<8} {pid} — {why}"
    if preview.report.problem_text:
        yield f"  problem: {preview.report.problem_text}"
    summary = ", ".join(
        f"{verb} {totals[verb]}" for verb in (*_VERBS.values(), "held", "leave") if totals[verb]
    )
    yield f"Totals: {summary or 'nothing to do'}"
