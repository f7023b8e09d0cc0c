"""Pure's formatted strings (HTML fragments) → plain text for ORCID, which shows text verbatim."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Only text that looks like markup is parsed, so a plain "a<b" in an unformatted string survives.
_MARKUP_RE = re.compile(r"<[A-Za-z/!][^>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "blockquote"}
)
_SKIPPED_TAGS = frozenset({"script", "style"})
_SPACES_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_BREAKS_RE = re.compile(r"\s*\n\s*\n\s*")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Strip tags and decode entities; paragraphs become blank-line separated, other whitespace one space."""
    if _MARKUP_RE.search(value):
        collector = _TextCollector()
        collector.feed(value)
        collector.close()
        text = "".join(collector.parts)
    else:
        text = value
    paragraphs = (
        _SPACES_RE.sub(" ", " ".join(chunk.split("\n"))).strip() for chunk in _BREAKS_RE.split(text)
    )
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
