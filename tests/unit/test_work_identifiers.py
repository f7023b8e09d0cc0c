"""The identifiers a work carries: every well-formed one sent, each malformed one dropped on its own.

These pin the external ids of the work sent, value by value: a check digit of 0 or X, 979 ISBNs, an
identifier that follows a malformed one of its kind, the relationship by kind of output, and each link.
"""

from __future__ import annotations

from typing import Any

import pytest

from orcid_sync.orbit.publication import Publication
from orcid_sync.orcid.work import ExternalId, Work
from orcid_sync.sync.work_builder import WorkBuild, work_from_publication

UUID = "0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30"
PORTAL = f"https://orbit.dtu.dk/en/publications/{UUID}"
TYPES = "/dk/atira/pure/researchoutput/researchoutputtypes/"


def build(**fields: Any) -> WorkBuild:
    publication = Publication(**{"uuid": UUID, "title": "A title", **fields})
    return work_from_publication(publication, person_uuid=None, orcid_id=None)


def ids_of(work: Work, kind: str) -> list[str]:
    return [external_id.value for external_id in work.external_ids if external_id.type == kind]


def dropped_of(result: WorkBuild) -> list[tuple[str, str]]:
    return [(dropped.field, dropped.value) for dropped in result.dropped]


# --- Check digits as they are sent ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("0-306-40602-0", "0306406020"),  # ISBN-10, check digit 0
        ("0-8044-2957-X", "080442957X"),  # ISBN-10, check digit X
        ("0-471-95869-7", "0471958697"),  # ISBN-10, check digit 7 (weighted sum 4 modulo 11)
        ("978-0-306-40601-0", "9780306406010"),  # ISBN-13, check digit 0
        ("979-10-90636-07-1", "9791090636071"),  # ISBN-13 in the 979 range
        ("979-10-90636-04-0", "9791090636040"),  # 979 and check digit 0
    ],
)
def test_an_isbn_with_any_right_check_digit_is_sent(written: str, sent: str) -> None:
    result = build(isbns=(written,))
    assert ids_of(result.work, "isbn") == [sent]
    assert result.dropped == ()


@pytest.mark.parametrize(
    "written",
    [
        "0-306-40602-1",  # ISBN-10 whose check digit is 0
        "0-306-40602-X",
        "0-306-40615-1",  # a check digit below the right one (2)
        "0-306-4061X-2",  # a letter among the first nine
        "978-0-306-40615-7-0",  # fourteen digits that begin with a valid ISBN-13
        "978-0-306-40601-1",  # ISBN-13 whose check digit is 0
        "979-10-90636-07-2",
        "977-0-306-40601-1",  # right check digit, but no ISBN prefix
        "978-0-306-40601",  # twelve digits
        "0-306-40602",  # nine digits
    ],
)
def test_an_isbn_with_a_wrong_check_digit_or_shape_is_not_sent(written: str) -> None:
    result = build(isbns=(written,))
    assert ids_of(result.work, "isbn") == []
    assert dropped_of(result) == [("isbn", written)]


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("0317-8080", "0317-8080"),  # check digit 0
        ("0028-0836", "0028-0836"),  # check digit 6 (weighted sum 5 modulo 11)
        ("1476-4687", "1476-4687"),  # check digit 7 (weighted sum 4 modulo 11)
        ("1050-124x", "1050-124X"),  # check digit X, written in lowercase
        ("03178471", "0317-8471"),
    ],
)
def test_an_issn_with_any_right_check_digit_is_sent_with_its_hyphen(written: str, sent: str) -> None:
    result = build(issns=(written,))
    assert ids_of(result.work, "issn") == [sent]
    assert result.dropped == ()


@pytest.mark.parametrize("written", ["0317-8081", "0317-808X", "0317-80800", "0317-808", "0317-84X1"])
def test_an_issn_with_a_wrong_check_digit_or_shape_is_not_sent(written: str) -> None:
    result = build(issns=(written,))
    assert ids_of(result.work, "issn") == []
    assert dropped_of(result) == [("issn", written)]


# --- A malformed identifier costs only itself -------------------------------------------------------


def test_every_doi_after_a_malformed_one_is_still_sent() -> None:
    result = build(dois=("10.1000/first", "not-a-doi", "10.1000/second", "doi:nothing", "10.1000/third"))
    assert ids_of(result.work, "doi") == ["10.1000/first", "10.1000/second", "10.1000/third"]
    assert dropped_of(result) == [("doi", "not-a-doi"), ("doi", "doi:nothing")]


def test_every_isbn_after_a_malformed_one_is_still_sent() -> None:
    result = build(isbns=("ISBN 12345", "978-0-306-40615-7", "978-0-306-40615-8", "0-306-40615-2"))
    assert ids_of(result.work, "isbn") == ["9780306406157", "0306406152"]
    assert dropped_of(result) == [("isbn", "ISBN 12345"), ("isbn", "978-0-306-40615-8")]


def test_every_issn_after_a_malformed_one_is_still_sent() -> None:
    result = build(issns=("1234-5678", "0317-8471", "x", "2366-7443"))
    assert ids_of(result.work, "issn") == ["0317-8471", "2366-7443"]
    assert dropped_of(result) == [("issn", "1234-5678"), ("issn", "x")]


def test_a_doi_with_a_character_xml_cannot_carry_is_dropped_and_the_work_still_goes() -> None:
    result = build(dois=("10.1000/a\x01b", "10.1000/ok"))
    assert ids_of(result.work, "doi") == ["10.1000/ok"]
    assert dropped_of(result) == [("doi", "10.1000/a\x01b")]


# --- Relationships and links -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pure_type", "relationship"),
    [
        ("bookanthology/book", "self"),
        ("thesis/doc", "self"),
        ("contributiontobookanthology/chapter", "part-of"),
        ("contributiontoconference/paper", "part-of"),
        ("contributiontojournal/article", "part-of"),
        (None, "part-of"),
    ],
)
def test_an_isbn_is_the_works_own_only_for_books_and_theses(pure_type: str | None, relationship: str) -> None:
    built = build(type_uri=TYPES + pure_type if pure_type else None, isbns=("978-0-306-40615-7",)).work
    assert built.external_ids[1] == ExternalId(type="isbn", value="9780306406157", relationship=relationship)


def test_the_work_sends_every_kind_of_identifier_with_its_link_in_a_stable_order() -> None:
    built = build(
        portal_url=PORTAL,
        pmid="PMID: 027982610",
        arxiv_id="arXiv:2301.01234v2",
        issns=("0317-8080",),
        isbns=("0-306-40602-0",),
        dois=("https://doi.org/10.1000/X(1)#2",),
    ).work
    assert built.external_ids == (
        ExternalId(type="source-work-id", value=UUID, url=PORTAL, relationship="self"),
        ExternalId(
            type="doi", value="10.1000/x(1)#2", url="https://doi.org/10.1000/x(1)%232", relationship="self"
        ),
        ExternalId(type="isbn", value="0306406020", relationship="part-of"),
        ExternalId(
            type="issn",
            value="0317-8080",
            url="https://portal.issn.org/resource/ISSN/0317-8080",
            relationship="part-of",
        ),
        ExternalId(
            type="pmid",
            value="27982610",
            url="https://pubmed.ncbi.nlm.nih.gov/27982610/",
            relationship="self",
        ),
        ExternalId(
            type="arxiv", value="2301.01234v2", url="https://arxiv.org/abs/2301.01234v2", relationship="self"
        ),
    )


def test_a_doi_whose_link_would_pass_350_characters_is_sent_without_the_link() -> None:
    at_limit = "10.1000/" + "a" * (350 - len("https://doi.org/10.1000/"))
    too_long = at_limit + "b"
    built = build(dois=(at_limit, too_long)).work
    assert [(e.value, e.url) for e in built.external_ids if e.type == "doi"] == [
        (at_limit, "https://doi.org/" + at_limit),
        (too_long, None),
    ]


@pytest.mark.parametrize(("field", "value"), [("pmid", "PMC123"), ("arxiv_id", "2313.01234")])
def test_a_malformed_pubmed_or_arxiv_id_is_reported_and_the_rest_is_sent(field: str, value: str) -> None:
    result = build(**{field: value}, dois=("10.1000/kept",))
    assert [e.type for e in result.work.external_ids] == ["source-work-id", "doi"]
    assert dropped_of(result) == [({"pmid": "pmid", "arxiv_id": "arxiv"}[field], value)]


def test_the_same_isbn_and_issn_written_twice_are_sent_once() -> None:
    built = build(isbns=("978-0-306-40615-7", "9780306406157"), issns=("0317-8471", "03178471")).work
    assert (ids_of(built, "isbn"), ids_of(built, "issn")) == (["9780306406157"], ["0317-8471"])
