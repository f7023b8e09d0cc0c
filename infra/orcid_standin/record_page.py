"""A read-only HTML view of one record's works, for people watching a demo (no scripts, no outside assets)."""

from __future__ import annotations

from html import escape

from infra.orcid_standin.affiliations import StoredEmployment, StoredResearcherUrl
from infra.orcid_standin.state import Record
from infra.orcid_standin.works_store import StoredWork, group_works

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
h1{font-size:1.4rem}.group{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.work{margin:.4rem 0}.meta{color:#555;font-size:.9rem}code{background:#f4f4f4;padding:0 .2rem}
"""


def _date(work: StoredWork) -> str:
    if work.document.publication_date is None:
        return ""
    return "-".join(part for part in work.document.publication_date if part)


def _work(work: StoredWork) -> str:
    ids = ", ".join(
        f"<code>{escape(item.type)}: {escape(item.value)}</code> ({escape(item.relationship or '')})"
        for item in work.document.external_ids
    )
    return (
        f'<div class="work" data-put-code="{work.put_code}">'
        f"<strong>{escape(work.document.title)}</strong> "
        f'<span class="meta">{escape(work.document.type)} {escape(_date(work))}</span><br>'
        f'<span class="meta">put-code {work.put_code} · source {escape(work.source_name)} '
        f"({escape(work.source_client_id)}) · {escape(work.visibility)}</span><br>"
        f'<span class="meta">{ids}</span></div>'
    )


def _dates(item: StoredEmployment) -> str:
    start, end = item.document.start, item.document.end
    first = "-".join(part for part in start if part) if start else "?"
    return f"{first} to {'-'.join(part for part in end if part) if end else 'present'}"


def _employment(item: StoredEmployment) -> str:
    document = item.document
    where = ", ".join(part for part in (document.department, document.role_title) if part)
    return (
        f'<div class="employment" data-put-code="{item.put_code}">'
        f"<strong>{escape(document.organization)}</strong>: {escape(where)} "
        f'<span class="meta">{escape(_dates(item))}</span><br>'
        f'<span class="meta">put-code {item.put_code} · source {escape(item.source_name)} '
        f"({escape(item.source_client_id)}) · {escape(document.disambiguated_id or '')}</span></div>"
    )


def render_record_page(
    record: Record,
    works: list[StoredWork],
    employments: list[StoredEmployment] | None = None,
    urls: list[StoredResearcherUrl] | None = None,
) -> str:
    groups = group_works(works)
    body = "".join('<div class="group">' + "".join(_work(w) for w in group) + "</div>" for group in groups)
    links = "".join(f'<li><a href="{escape(u.url)}">{escape(u.name or u.url)}</a></li>' for u in urls or [])
    jobs = "".join(_employment(item) for item in employments or [])
    body = (
        (f"<h2>Websites</h2><ul>{links}</ul>" if links else "")
        + (f"<h2>Employment</h2>{jobs}" if jobs else "")
        + "<h2>Works</h2>"
        + (body or "<p>No works yet.</p>")
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(record.name)} ({escape(record.orcid)})</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(record.name)} <small>{escape(record.orcid)}</small></h1>"
        f"<p>{len(works)} works in {len(groups)} groups.</p>{body}</body></html>"
    )
