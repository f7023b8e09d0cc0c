"""Languages go to ORCID only as codes ORCID's LanguageCode list holds (else ORCID answers 400/9037)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orcid_sync.orbit.publication import Publication
from orcid_sync.orcid.vocabulary import LANGUAGE_CODES
from tests.unit.test_work_builder import build, simple


def _orcid_language_list(shared_dir: Path) -> set[str]:
    """The codes common-3.0.xsd's documentation lists for `language-code` (ORCID checks them in code)."""
    path = shared_dir / "orcid-model" / "common_3.0" / "common-3.0.xsd"
    if not path.is_file():
        pytest.skip(f"ORCID schema not found: {path.resolve()}")
    text = path.read_text(encoding="utf-8")
    start = text.index('<xs:simpleType name="language-code">')
    listed = text[start:].split("following options:", 1)[1].split("ORCID will validate", 1)[0]
    return {code.strip() for code in listed.split(",") if code.strip()}


def test_our_language_list_is_orcids(shared_dir: Path) -> None:
    assert set(LANGUAGE_CODES) == _orcid_language_list(shared_dir)


@pytest.mark.parametrize(
    ("in_orbit", "sent"),
    [("he", "iw"), ("id", "in"), ("yi", "ji"), ("da", "da"), ("zh_CN", "zh_CN"), ("zh_TW", "zh_TW")],
)
def test_a_language_is_sent_as_the_code_orcid_knows_it_by(in_orbit: str, sent: str) -> None:
    result = build(simple(language=in_orbit))

    assert result.work.language_code == sent
    assert result.dropped == ()


def test_chinese_without_a_region_is_left_out_and_reported_rather_than_guessed() -> None:
    publication: Publication = simple(language="zh")

    result = build(publication)

    assert result.work.language_code is None
    assert [(d.field, d.value) for d in result.dropped] == [("language", "zh")]
