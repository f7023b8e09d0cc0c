"""The characters a work's text loses before it goes to ORCID are exactly those XML 1.0 cannot carry."""

from __future__ import annotations

from orcid_sync.orcid.work import XML_ILLEGAL_RE


def _xml_char(code: int) -> bool:
    """XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def test_every_code_point_is_illegal_exactly_when_xml_has_no_char_for_it() -> None:
    every = "".join(map(chr, range(0x110000)))

    flagged = [match.start() for match in XML_ILLEGAL_RE.finditer(every)]

    assert flagged == [code for code in range(0x110000) if not _xml_char(code)]
