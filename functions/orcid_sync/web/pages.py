"""HTML pages for researchers: small, escaped, self-contained (no external assets), and never cached."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from importlib import resources
from typing import TypeGuard
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from orcid_sync.consent.service import StatusView, SymbolKind
from orcid_sync.store.consents import Consent, SyncSummary
from orcid_sync.web.i18n import TEXTS, Lang, text
from orcid_sync.web.outputs import PAGE_SIZE, Group, OutputRow, OutputsView, page_of

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;background:#fff;color:#1a1a1a;
line-height:1.5}
main{max-width:48rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;color:#990000}
.symbol{display:inline-block;padding:.2rem .6rem;border-radius:1rem;font-weight:600;border:2px solid}
.working{color:#0b5d1e;border-color:#0b5d1e}.paused{color:#5a4a00;border-color:#5a4a00}
.needs_attention{color:#8a1300;border-color:#8a1300}.not_connected{color:#333;border-color:#333}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}
a,button{color:#00437a}button,.button{font:inherit;padding:.5rem 1rem;border:2px solid #00437a;
background:#fff;border-radius:.3rem;cursor:pointer;text-decoration:none;display:inline-block}
a:focus,button:focus{outline:3px solid #f0a500;outline-offset:2px}
.actions{display:flex;gap:1rem;flex-wrap:wrap;margin-top:1.5rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.orcid-id svg{vertical-align:-.15em;margin-right:.3rem}.meta{color:#4a4a4a;font-size:.9rem}
.why{display:block}.attention{border-left:4px solid #8a1300;padding-left:1rem}
ul.outputs{list-style:none;padding:0}ul.outputs li{border-bottom:1px solid #ccc;padding:.5rem 0}
ul.outputs form,ul.kinds form{display:inline;margin-left:.5rem}
ul.outputs button,ul.kinds button{padding:.2rem .6rem}
ul.kinds li{margin:.3rem 0}.paging{display:flex;gap:1rem}
""".strip()

_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()

# No scripts at all; the one inline style is allowed by its hash. Forms may only post back here.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Pages carry personal data: keep them out of caches. `same-origin` sends no referrer to other sites
    # and keeps the real `Origin` on our own form posts (under `no-referrer` browsers send `Origin: null`).
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class Link:
    label: str
    href: str


def page(lang: Lang, heading: str, paragraphs: list[str], links: list[Link] | None = None) -> str:
    """A whole page; every argument is plain text and is escaped here."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    actions = "".join(f'<a class="button" href="{escape(a.href)}">{escape(a.label)}</a>' for a in links or [])
    return _document(lang, heading, body + (f'<div class="actions">{actions}</div>' if actions else ""))


def _document(lang: Lang, heading: str, inner_html: str) -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)} · {escape(text('title', lang))}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(heading)}</h1>{inner_html}</main></body></html>"
    )


COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# ORCID's iD icon (green circle, white "iD"), drawn for us from ORCID's brand guidelines; decorative
# beside the iD's URL, which is the link's text.
ORCID_ICON = (resources.files("orcid_sync.web") / "static" / "orcid-id.svg").read_text("utf-8").strip()


def when(moment: datetime | None, lang: Lang) -> str:
    """A moment in Copenhagen time, in the page's language: 29 November 2026 at 14:05."""
    if moment is None:
        return "—"
    local = moment.astimezone(COPENHAGEN)
    return text(
        "status.time",
        lang,
        day=local.day,
        month=text(f"month.{local.month}", lang),
        year=local.year,
        time=f"{local.hour:02d}{':' if lang == 'en' else '.'}{local.minute:02d}",
    )


def run_problem_words(summary: SyncSummary, lang: Lang) -> list[str]:
    """The run problem in the researcher's language, by its code; ORCID's or Orbit's own words after."""
    code = summary.run_problem
    if not code:
        return []
    args = summary.run_problem_args
    if code == "record_merged":
        if args.get("orcid"):
            words = [text("run.record_merged", lang, orcid=args["orcid"])]
        else:
            words = [text("run.record_merged.unknown", lang)]
    elif code == "record_unavailable":
        reason = args.get("reason", "unavailable")
        key = f"run.record_unavailable.{reason}"
        words = [text(key if key in TEXTS else "run.record_unavailable.unavailable", lang)]
    elif code == "mass_deletion_held":
        words = [text("run.mass_deletion_held", lang, count=args.get("count", "?"))]
    else:
        words = [text(f"run.{code}", lang)]
    message = args.get("message")
    if message and code in ("orcid_refused", "record_merged"):
        words.append(text("detail.orcid", lang, message=message))
    elif message:
        words.append(text("detail.orbit", lang, message=message))
    return words


@dataclass(frozen=True)
class StatusExtras:
    """What the status page shows besides the consent: every output, paging, the way to Orbit."""

    outputs: OutputsView | None = None
    pages: dict[Group, int] = field(default_factory=dict)  # the page shown of each group (default 1)
    profile_url: str | None = None
    choices_action: str = "/orcid/choices"
    excluded_outputs: frozenset[str] = frozenset()
    status_path: str = "/orcid/status"


def status_page(
    view: StatusView,
    lang: Lang,
    csrf_token: str,
    connect_href: str,
    register_href: str,
    orcid_site: str = "https://orcid.org",
    sign_out_action: str = "/auth/sign-out",
    extras: StatusExtras | None = None,
) -> str:
    extras = extras or StatusExtras()
    consent = view.consent
    symbol = view.symbol
    parts = [
        f'<p><span class="symbol {symbol.value}" role="status">{escape(text("symbol." + symbol.value, lang))}'
        "</span></p>"
    ]
    record_url = f"{orcid_site.rstrip('/')}/{consent.orcid}" if consent and consent.orcid else ""
    if consent is None or symbol is SymbolKind.NOT_CONNECTED:
        parts.append(f"<p>{escape(text('status.none', lang))}</p>")
    else:
        rows = _consent_rows(consent, lang, record_url, extras)
        parts.append("<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
        parts.append(_attention(consent, lang, extras.outputs))
    parts.append(_actions(view, lang, csrf_token, connect_href, register_href, sign_out_action, extras))
    if consent is not None and consent.orcid and symbol is not SymbolKind.NOT_CONNECTED:
        parts.append(_outputs_section(consent, lang, csrf_token, record_url, extras))
        parts.append(_choices_section(consent, lang, csrf_token, extras))
    return _document(lang, text("status.heading", lang), "".join(parts))


def _consent_rows(
    consent: Consent, lang: Lang, record_url: str, extras: StatusExtras
) -> list[tuple[str, str]]:
    """The consent's facts as (label, HTML) rows: iD, Orbit profile, state, last run, former staff."""
    rows = []
    if record_url:
        rows.append(
            (
                text("status.orcid", lang),
                f'<a class="orcid-id" href="{escape(record_url)}">{ORCID_ICON}'
                f"<span>{escape(record_url)}</span></a>",
            )
        )
    if _web_link(extras.profile_url):
        rows.append(
            (
                text("status.orbit", lang),
                f'<a href="{escape(extras.profile_url)}">{escape(text("status.orbit_profile", lang))}</a>',
            )
        )
    rows.append((text("status.state", lang), escape(text("consent." + consent.status.value, lang))))
    rows.append((text("status.since", lang), escape(when(consent.changed_at, lang))))
    if consent.sync is not None:
        did = text("status.did", lang, **consent.sync.model_dump(include=_DID_FIELDS))
        rows.append(
            (text("status.last_sync", lang), escape(f"{when(consent.sync.last_run_at, lang)} — {did}"))
        )
    if consent.former_staff_since is not None:
        since = text("status.former_staff", lang, since=consent.former_staff_since)
        rows.append((text("symbol.paused", lang), escape(since)))
    return rows


def _attention(consent: Consent, lang: Lang, outputs: OutputsView | None) -> str:
    notes: list[str] = []
    if consent.choices.paused:
        notes.append(text("status.paused", lang))
    summary = consent.sync
    if summary is not None:
        notes.extend(run_problem_words(summary, lang))
        if outputs is not None:
            troubled = sum(outputs.count(g) for g in (Group.REFUSED, Group.CANNOT_SEND, Group.DUPLICATE))
        else:
            troubled = len(summary.problems)
        if troubled:
            notes.append(text("status.outputs_need_attention", lang, count=troubled))
        if summary.private:
            notes.append(text("status.private", lang, count=summary.private))
        if summary.left_alone:
            notes.append(text("status.left_alone", lang, count=summary.left_alone))
    if not notes:
        return ""
    heading = f"<h2>{escape(text('status.problem', lang))}</h2>"
    paragraphs = "".join(f"<p>{escape(n)}</p>" for n in notes)
    return f'<section class="attention">{heading}{paragraphs}</section>'


def _actions(
    view: StatusView,
    lang: Lang,
    csrf_token: str,
    connect_href: str,
    register_href: str,
    sign_out_action: str,
    extras: StatusExtras,
) -> str:
    consent, symbol = view.consent, view.symbol
    actions = []
    if (
        consent is None
        or symbol is SymbolKind.NOT_CONNECTED
        or (symbol is SymbolKind.PAUSED and not consent.choices.paused)
    ):
        actions.append(
            f'<a class="button" href="{escape(connect_href)}">{escape(text("action.connect", lang))}</a>'
        )
        actions.append(
            f'<a class="button" href="{escape(register_href)}">{escape(text("action.register", lang))}</a>'
        )
    if consent is not None and consent.access_token is not None:
        if consent.choices.paused:
            actions.append(_choice_button(extras, csrf_token, "resume", None, text("action.resume", lang)))
        else:
            actions.append(_post_button("/orcid/resync", csrf_token, text("action.resync", lang)))
            actions.append(_post_button("/orcid/resync?restore=1", csrf_token, text("action.restore", lang)))
            actions.append(_choice_button(extras, csrf_token, "pause", None, text("action.pause", lang)))
        actions.append(_post_button("/orcid/disconnect", csrf_token, text("action.disconnect", lang)))
    actions.append(_post_button(sign_out_action, csrf_token, text("action.sign_out", lang)))
    return f'<div class="actions">{"".join(actions)}</div>'


def _outputs_section(
    consent: Consent, lang: Lang, csrf_token: str, record_url: str, extras: StatusExtras
) -> str:
    outputs = extras.outputs
    heading = f'<h2 id="outputs">{escape(text("outputs.heading", lang))}</h2>'
    if outputs is None:
        return f"<section>{heading}</section>"
    if not outputs.total:
        key = "status.waiting_first" if consent.sync is None else "outputs.none"
        return f"<section>{heading}<p>{escape(text(key, lang))}</p></section>"
    overview = "".join(
        f'<li><a href="#group-{group.value}">'
        f"{escape(text('outputs.summary', lang, name=text('group.' + group.value, lang), count=len(rows)))}"
        "</a></li>"
        for group, rows in outputs.groups.items()
    )
    body = [heading, f'<ul class="overview">{overview}</ul>']
    for group, rows in outputs.groups.items():
        name = text("group." + group.value, lang)
        shown, pages = page_of(rows, extras.pages.get(group, 1))
        page = min(max(extras.pages.get(group, 1), 1), pages)
        first = (page - 1) * PAGE_SIZE + 1
        position = text("outputs.position", lang, first=first, last=first + len(shown) - 1, total=len(rows))
        items = "".join(_output_item(row, lang, csrf_token, record_url, extras) for row in shown)
        nav = _paging(group, name, page, pages, lang, extras) if pages > 1 else ""
        body.append(
            f'<section class="group" aria-labelledby="group-{group.value}">'
            f'<h3 id="group-{group.value}">{escape(name)} <span class="meta">({escape(position)})</span></h3>'
            f'<ul class="outputs">{items}</ul>{nav}</section>'
        )
    return "<section>" + "".join(body) + "</section>"


def _paging(group: Group, name: str, page: int, pages: int, lang: Lang, extras: StatusExtras) -> str:
    def href(number: int) -> str:
        others = {g: p for g, p in extras.pages.items() if g is not group and p > 1}
        query = {f"page_{g.value}": str(p) for g, p in others.items()}
        query[f"page_{group.value}"] = str(number)
        return f"{extras.status_path}?{urlencode(query)}#group-{group.value}"

    links = []
    if page > 1:
        previous = escape(text("outputs.previous", lang, group=name))
        links.append(f'<a href="{escape(href(page - 1))}">{previous}</a>')
    if page < pages:
        following = escape(text("outputs.next", lang, group=name))
        links.append(f'<a href="{escape(href(page + 1))}">{following}</a>')
    label = escape(text("outputs.position", lang, first=page, last=pages, total=pages))
    return f'<nav class="paging" aria-label="{escape(name)} {label}">{" ".join(links)}</nav>'


def _web_link(url: str | None) -> TypeGuard[str]:
    """Whether a link from outside (Orbit's page of an output, of a person) may be a link: http(s) only."""
    return url is not None and urlsplit(url).scheme in ("https", "http")


def _output_item(row: OutputRow, lang: Lang, csrf_token: str, record_url: str, extras: StatusExtras) -> str:
    title = row.title or text("outputs.untitled", lang, uuid=row.publication_id)
    name = f'<a href="{escape(row.url)}">{escape(title)}</a>' if _web_link(row.url) else escape(title)
    parts = (str(row.year) if row.year else "", _kind_name(row.kind, lang) if row.kind else "")
    meta = " · ".join(part for part in parts if part)
    words = [_why(row, lang)]
    if row.detail:
        key = "detail.orcid" if row.group is Group.REFUSED else "detail.orbit"
        detail = row.detail
        if row.why == "ambiguous":
            detail = text("problem.put_codes", lang, message=row.detail)
        words.append(text(key, lang, message=detail))
    explained = "".join(f'<span class="why">{escape(w)}</span>' for w in words if w)
    extra = ""
    if row.group is Group.ON_ORCID and record_url:
        extra = (
            f' <a href="{escape(record_url)}">{escape(text("output.see_on_orcid", lang))}'
            f'<span class="vh">: {escape(title)}</span></a>'
        )
    if row.left_out and row.publication_id in extras.excluded_outputs:
        label = text("action.take_back", lang)
        button = _choice_button(extras, csrf_token, "include", row.publication_id, label, title)
    elif not row.left_out and row.group is not Group.STAYS:
        label = text("action.leave_out", lang)
        button = _choice_button(extras, csrf_token, "exclude", row.publication_id, label, title)
    else:
        button = ""  # left out with its kind (taken back by kind), or staying in Orbit anyway
    meta_html = f' <span class="meta">{escape(meta)}</span>' if meta else ""
    return f'<li data-output="{escape(row.publication_id)}">{name}{meta_html}{explained}{extra}{button}</li>'


def _why(row: OutputRow, lang: Lang) -> str:
    group = row.group
    if group is Group.ON_ORCID:
        return text("output.leaving" if row.why == "leaving" else "output.on_orcid", lang)
    if group is Group.LEFT_OUT:
        if row.why == "left_out_kind" and row.kind:
            return text("output.left_out_kind", lang, kind=_kind_name(row.kind, lang))
        return text("output.left_out", lang)
    if group is Group.STAYS:
        return text(f"stays.{row.why}", lang)
    if group is Group.CANNOT_SEND:
        return text(f"problem.{row.why}", lang)
    if group is Group.DUPLICATE:
        return text("output.duplicate", lang, other=row.duplicate_of or "")
    return text(f"output.{group.value}", lang)


def _kind_name(kind: str, lang: Lang) -> str:
    key = f"kind.{kind}"
    return text(key, lang) if key in TEXTS else kind


def _choices_section(consent: Consent, lang: Lang, csrf_token: str, extras: StatusExtras) -> str:
    kinds = dict(extras.outputs.kinds) if extras.outputs else {}
    for kind in consent.choices.excluded_kinds:
        kinds.setdefault(kind, 0)
    items = []
    for kind, count in sorted(kinds.items(), key=lambda item: _kind_name(item[0], lang)):
        name = _kind_name(kind, lang)
        label = text("choices.kind_count", lang, kind=name, count=count)
        if kind in consent.choices.excluded_kinds:
            state = f' <span class="meta">({escape(text("choices.kind_left_out", lang))})</span>'
            label_back = text("action.take_back", lang)
            button = _choice_button(extras, csrf_token, "include_kind", kind, label_back, name)
        else:
            state = ""
            label_out = text("action.leave_out", lang)
            button = _choice_button(extras, csrf_token, "exclude_kind", kind, label_out, name)
        items.append(f"<li>{escape(label)}{state}{button}</li>")
    kinds_heading = f"<h3>{escape(text('choices.kinds', lang))}</h3>"
    kinds_html = f'{kinds_heading}<ul class="kinds">{"".join(items)}</ul>' if items else ""
    return (
        f'<section><h2 id="choices">{escape(text("choices.heading", lang))}</h2>'
        f"<p>{escape(text('choices.body', lang))}</p>{kinds_html}</section>"
    )


def _choice_button(
    extras: StatusExtras,
    csrf_token: str,
    choice: str,
    target: str | None,
    label: str,
    about: str | None = None,
) -> str:
    hidden = f'<input type="hidden" name="choice" value="{escape(choice)}">'
    if target is not None:
        hidden += f'<input type="hidden" name="target" value="{escape(target)}">'
    # The button names what it is about for screen readers (and tests): "Leave out: <title>".
    about_html = f'<span class="vh">: {escape(about)}</span>' if about else ""
    return (
        f'<form method="post" action="{escape(extras.choices_action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf_token)}">{hidden}'
        f'<button type="submit">{escape(label)}{about_html}</button></form>'
    )


def _post_button(action: str, csrf_token: str, label: str) -> str:
    return (
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf_token)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


_DID_FIELDS = {"created", "updated", "deleted", "failed"}
