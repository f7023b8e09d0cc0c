"""DOI, ISBN, ISSN, PubMed and arXiv ids: recognised, check digits verified, one normal form."""

from __future__ import annotations

import pytest

from orcid_sync.domain.identifiers import (
    external_id_key,
    is_uuid,
    is_valid_isbn,
    is_valid_issn,
    normalize_arxiv_id,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmid,
)


@pytest.mark.parametrize(
    "written",
    [
        "10.1103/PhysRevLett.117.232002",
        "https://doi.org/10.1103/PhysRevLett.117.232002",
        "http://dx.doi.org/10.1103/PhysRevLett.117.232002",
        "doi:10.1103/PhysRevLett.117.232002",
        "DOI: 10.1103/PhysRevLett.117.232002",
        "  https://doi.org/10.1103%2FPhysRevLett.117.232002 ",
    ],
)
def test_a_doi_in_any_written_form_becomes_lowercase_and_bare(written: str) -> None:
    # Given a DOI as Pure writes it; When normalized; Then it is the bare lowercase DOI
    assert normalize_doi(written) == "10.1103/physrevlett.117.232002"


@pytest.mark.parametrize(
    "written", ["", "10.1103", "11.1103/x", "https://example.com/10.1103/x", "not a doi", "10.12/x"]
)
def test_text_that_is_not_a_doi_is_not_normalized(written: str) -> None:
    assert normalize_doi(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("978-0-306-40615-7", "9780306406157"),
        ("ISBN 978-1-4028-9462-6", "9781402894626"),
        ("0-306-40615-2", "0306406152"),
        ("0-8044-2957-x", "080442957X"),
        ("0-306-40602-0", "0306406020"),
        ("978-0-306-40601-0", "9780306406010"),
        ("979-10-90636-07-1", "9791090636071"),
        ("ISBN-13: 979-10-90636-04-0", "9791090636040"),
        ("ISBN-10 0306406152", "0306406152"),
    ],
)
def test_an_isbn_with_a_right_check_digit_is_kept_without_separators(written: str, expected: str) -> None:
    assert normalize_isbn(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "978-0-306-40615-8",
        "0-306-40615-3",
        "977-0-306-40601-1",
        "12345",
        "0317-8471",
        "",
        "0-306-40602-X",
        "979-10-90636-07-0",
        "X-306-40602-0",
        "978-0-306-40601-X",
        "0306406152 0",
    ],
)
def test_an_isbn_with_a_wrong_check_digit_or_shape_is_rejected(written: str) -> None:
    assert normalize_isbn(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0317-8471", "0317-8471"),
        ("03178471", "0317-8471"),
        ("1050-124x", "1050-124X"),
        ("eISSN 0000-006X", "0000-006X"),
        ("ISSN: 0317-8080", "0317-8080"),
        ("2041‑1723", "2041-1723"),
    ],
)
def test_an_issn_with_a_right_check_digit_is_written_with_a_hyphen(written: str, expected: str) -> None:
    assert normalize_issn(written) == expected


@pytest.mark.parametrize(
    "written", ["0317-8472", "0317847", "978-0-306-40615-7", "abcd-efgh", "", "0317-808X", "X317-8080"]
)
def test_an_issn_with_a_wrong_check_digit_or_shape_is_rejected(written: str) -> None:
    assert normalize_issn(written) is None


def test_an_isbn_and_an_issn_are_told_apart_by_their_check_digits() -> None:
    # Given a valid ISBN and a valid ISSN; Then each is only what it is (this is how swaps are caught)
    assert (is_valid_isbn("978-0-306-40615-7"), is_valid_issn("978-0-306-40615-7")) == (True, False)
    assert (is_valid_isbn("0317-8471"), is_valid_issn("0317-8471")) == (False, True)


@pytest.mark.parametrize(
    ("written", "expected"), [("27982610", "27982610"), ("PMID: 27982610", "27982610"), ("0042", "42")]
)
def test_a_pubmed_id_is_its_digits(written: str, expected: str) -> None:
    assert normalize_pmid(written) == expected


@pytest.mark.parametrize("written", ["", "0", "abc", "12.5", "1234567890"])
def test_text_that_is_not_a_pubmed_id_is_rejected(written: str) -> None:
    assert normalize_pmid(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2301.01234", "2301.01234"),
        ("arXiv:2301.01234v2", "2301.01234v2"),
        ("https://arxiv.org/abs/0706.0001", "0706.0001"),
        ("https://arxiv.org/pdf/2301.01234v1.pdf", "2301.01234v1"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("arXiv:math.GT/0309136", "math.GT/0309136"),
    ],
)
def test_an_arxiv_id_in_new_or_old_form_is_recognised(written: str, expected: str) -> None:
    assert normalize_arxiv_id(written) == expected


@pytest.mark.parametrize("written", ["", "2313.01234", "1234", "arXiv:", "hep-th/99010"])
def test_text_that_is_not_an_arxiv_id_is_rejected(written: str) -> None:
    assert normalize_arxiv_id(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [("doi:10.1000/100%25", "10.1000/100%25"), ("10.1000/a%2Fb", "10.1000/a%2fb")],
)
def test_only_a_doi_written_as_a_url_is_percent_decoded(written: str, expected: str) -> None:
    assert normalize_doi(written) == expected


@pytest.mark.parametrize(
    ("id_type", "value", "expected"),
    [
        (" DOI ", "https://doi.org/10.1000/ABC", ("doi", "10.1000/abc")),
        ("isbn", "978-0-306-40615-7", ("isbn", "9780306406157")),
        ("issn", "03178471", ("issn", "0317-8471")),
        ("pmid", "PMID: 0042", ("pmid", "42")),
        ("arxiv", "arXiv:2301.01234v2", ("arxiv", "2301.01234")),
        ("arxiv", "hep-th/9901001", ("arxiv", "hep-th/9901001")),
        ("uri", "  HTTPS://Example.org/X ", ("uri", "https://example.org/x")),
        ("doi", "10.1000/v2", ("doi", "10.1000/v2")),
        ("ark", "ark:/12345/x9v2", ("ark", "ark:/12345/x9v2")),  # only arXiv ids lose their version
    ],
)
def test_two_identifiers_are_the_same_one_by_their_normal_form(
    id_type: str, value: str, expected: tuple[str, str]
) -> None:
    assert external_id_key(id_type, value) == expected


@pytest.mark.parametrize(("id_type", "value"), [("doi", "not a doi"), ("isbn", "12345"), ("uri", "   ")])
def test_an_identifier_that_is_not_one_of_its_kind_matches_nothing(id_type: str, value: str) -> None:
    assert external_id_key(id_type, value) is None


def test_an_orbit_uuid_is_recognised_and_anything_else_is_not() -> None:
    assert is_uuid("0718293A-4b5c-4d6e-8f7a-8b9c0d1e2f30")
    assert not is_uuid("0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f3")
