from __future__ import annotations

import pytest

from orcid_sync.web.i18n import TEXTS, choose_language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("da", "da"),
        ("da-DK,da;q=0.9,en;q=0.8", "da"),
        ("en-GB,en;q=0.9,da;q=0.8", "en"),
        ("en;q=0.5,da;q=0.7", "da"),
        ("de-DE,fr;q=0.9", "en"),
        ("da;q=bogus,en;q=0.1", "en"),
    ],
)
def test_the_page_language_follows_the_browsers_preference(header: str | None, expected: str) -> None:
    assert choose_language(header) == expected


def test_every_text_exists_in_both_languages() -> None:
    assert [
        key for key, texts in TEXTS.items() if set(texts) != {"en", "da"} or not all(texts.values())
    ] == []
