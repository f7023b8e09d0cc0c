"""HTML pages for researchers: small, escaped, self-contained (no external assets), and never cached."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from html import escape

from orcid_sync.consent.service import StatusView, SymbolKind
from orcid_sync.web.i18n import Lang, text

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;background:#fff;color:#1a1a1a;
line-height:1.5}
main{max-width:40rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;color:#990000}
.symbol{display:inline-block;padding:.2rem .6rem;border-radius:1rem;font-weight:600;border:2px solid}
.working{color:#0b5d1e;border-color:#0b5d1e}.paused{color:#5a4a00;border-color:#5a4a00}
.needs_attention{color:#8a1300;border-color:#8a1300}.not_connected{color:#333;border-color:#333}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}
a,button{color:#00437a}button,.button{font:inherit;padding:.5rem 1rem;border:2px solid #00437a;
background:#fff;border-radius:.3rem;cursor:pointer;text-decoration:none;display:inline-block}
a:focus,button:focus{outline:3px solid #f0a500;outline-offset:2px}
.actions{display:flex;gap:1rem;flex-wrap:wrap;margin-top:1.5rem}
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


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def status_page(
    view: StatusView,
    lang: Lang,
    csrf_token: str,
    connect_href: str,
    register_href: str,
    orcid_site: str = "https://orcid.org",
    sign_out_action: str = "/auth/sign-out",
) -> str:
    consent = view.consent
    symbol = view.symbol
    parts = [
        f'<p><span class="symbol {symbol.value}" role="status">{escape(text("symbol." + symbol.value, lang))}'
        "</span></p>"
    ]
    if consent is None or symbol is SymbolKind.NOT_CONNECTED:
        parts.append(f"<p>{escape(text('status.none', lang))}</p>")
    else:
        rows = []
        if consent.orcid:
            url = f"{orcid_site.rstrip('/')}/{consent.orcid}"
            rows.append((text("status.orcid", lang), f'<a href="{escape(url)}">{escape(url)}</a>'))
        rows.append((text("status.state", lang), escape(text("consent." + consent.status.value, lang))))
        rows.append((text("status.since", lang), escape(_when(consent.changed_at))))
        if consent.sync is not None:
            counts = text("status.counts", lang, **consent.sync.model_dump(include=_COUNT_FIELDS))
            rows.append(
                (text("status.last_sync", lang), escape(f"{_when(consent.sync.last_run_at)} — {counts}"))
            )
            if consent.sync.problem:
                rows.append((text("status.problem", lang), escape(consent.sync.problem)))
        if consent.former_staff_since is not None:
            rows.append(
                (
                    text("symbol.paused", lang),
                    escape(text("status.former_staff", lang, since=consent.former_staff_since)),
                )
            )
        parts.append("<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
    actions = []
    if consent is None or symbol in (SymbolKind.NOT_CONNECTED, SymbolKind.PAUSED):
        actions.append(
            f'<a class="button" href="{escape(connect_href)}">{escape(text("action.connect", lang))}</a>'
        )
        actions.append(
            f'<a class="button" href="{escape(register_href)}">{escape(text("action.register", lang))}</a>'
        )
    if consent is not None and consent.access_token is not None:
        for action, label in (
            ("/orcid/resync", "action.resync"),
            ("/orcid/resync?restore=1", "action.restore"),
            ("/orcid/disconnect", "action.disconnect"),
        ):
            actions.append(_post_button(action, csrf_token, text(label, lang)))
    actions.append(_post_button(sign_out_action, csrf_token, text("action.sign_out", lang)))
    parts.append(f'<div class="actions">{"".join(actions)}</div>')
    return _document(lang, text("status.heading", lang), "".join(parts))


def _post_button(action: str, csrf_token: str, label: str) -> str:
    return (
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf_token)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


_COUNT_FIELDS = {"on_orcid", "created", "updated", "deleted", "failed"}
