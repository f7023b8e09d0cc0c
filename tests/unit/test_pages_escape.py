"""Everything on a page that comes from outside is text, never markup.

The pages are built with `html.escape` (docs/decisions.md: Jinja2 was weighed and not adopted). This is
the guard autoescape would give: the status page with every state is rendered with hostile strings
wherever Orbit, ORCID or a stored message can put words — output titles, Orbit URLs, problem details,
ORCID's refusal messages, run-problem arguments — and the page must hold only our own elements and
attributes, with each hostile string shown as the plain text it is.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from orcid_sync.consent.service import StatusView, symbol_for
from orcid_sync.domain.links import LinkState
from orcid_sync.sync.summary import RunProblem
from orcid_sync.web.i18n import Lang
from orcid_sync.web.outputs import Group, outputs_view
from orcid_sync.web.pages import StatusExtras, page, status_page
from tests.unit.test_researcher_texts import _everything, _visible

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">"\'&amp;'


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, tuple[str, ...]]] = []  # tag and attribute names, in order
        self.attributes: list[list[tuple[str, str | None]]] = []
        self.handlers: list[str] = []
        self.schemes: list[str] = []

    @property
    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(name for name, _ in attrs)))
        self.attributes.append(attrs)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        links = [v or "" for n, v in attrs if n in ("href", "src", "action")]
        self.schemes += [v for v in links if v.strip().lower().startswith("javascript")]


def _markup(html: str) -> _Markup:
    reader = _Markup()
    reader.feed(html)
    return reader


def _status_page(words: str, lang: Lang) -> str:
    """The status page with every state, `words` wherever outside words can reach it."""
    consent, links, states = _everything(RunProblem.ORCID_REFUSED.value, {"message": words})
    states = {
        pid: state.model_copy(update={"title": words, "detail": words, "url": words})
        for pid, state in states.items()
    }
    links = {
        pid: link.model_copy(update={"message": words}) if link.state is LinkState.REJECTED else link
        for pid, link in links.items()
    }
    extras = StatusExtras(
        outputs=outputs_view(consent, links, states),
        profile_url=words,
        excluded_outputs=consent.choices.excluded_outputs,
        pages={group: 1 for group in Group},
    )
    return status_page(StatusView(symbol_for(consent), consent), lang, words, "/c", "/r", extras=extras)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_hostile_words_from_orbit_orcid_and_stored_messages_stay_text_on_the_status_page(lang: Lang) -> None:
    html = _status_page(HOSTILE, lang)

    markup = _markup(html)
    assert markup.elements == _markup(_status_page("Plain words", lang)).elements  # not one element more
    assert "script" not in markup.tags and "img" not in markup.tags
    assert markup.handlers == [] and markup.schemes == []
    assert _visible(html).count("<script>alert(1)</script>") > 10  # shown, as text, for every output


@pytest.mark.parametrize("url", ["javascript:alert(3)", " JavaScript:alert(3)", "data:text/html,<b>x</b>"])
def test_a_link_from_orbit_that_is_not_a_web_address_is_shown_as_text_not_made_a_link(url: str) -> None:
    markup = _markup(_status_page(url, "en"))

    hrefs = [dict(attrs).get("href") for attrs in markup.attributes]
    assert markup.schemes == [] and not [
        h for h in hrefs if h and h.strip().lower().startswith(("java", "data"))
    ]


def test_a_plain_page_escapes_its_heading_paragraphs_and_links() -> None:
    html = page("en", HOSTILE, [HOSTILE], [])

    markup = _markup(html)
    assert "script" not in markup.tags and "img" not in markup.tags and markup.handlers == []
    assert "<script>alert(1)</script>" in _visible(html)
