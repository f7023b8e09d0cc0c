"""Publication → ORCID Work: titles, identifiers, dates, contributors, limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orcid_sync.orbit.publication import Author, AuthorKind, Publication, PureDate
from orcid_sync.orbit.pure_json import publication_from_pure
from orcid_sync.orcid.work import ExternalId, PublicationDate, TranslatedTitle, WorkNotSendable
from orcid_sync.sync.work_builder import WorkBuild, work_from_publication

Loader = Callable[[str], dict[str, Any]]
RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"
ORCID_ID = "0000-0002-1825-0097"


def build(publication: Publication, **kwargs: Any) -> WorkBuild:
    options: dict[str, Any] = {"person_uuid": RESEARCHER, "orcid_id": ORCID_ID, **kwargs}
    return work_from_publication(publication, **options)


def from_fixture(pure_fixture: Loader, name: str, **kwargs: Any) -> WorkBuild:
    return build(publication_from_pure(pure_fixture(name)), **kwargs)


def simple(**fields: Any) -> Publication:
    base: dict[str, Any] = {"uuid": "0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30", "title": "A title"}
    return Publication(**{**base, **fields})


def authors(count: int, *, researcher_at: int | None = None) -> tuple[Author, ...]:
    return tuple(
        Author(
            position=index,
            kind=AuthorKind.INTERNAL if index == researcher_at else AuthorKind.EXTERNAL,
            person_uuid=RESEARCHER if index == researcher_at else None,
            name=f"Author {index}",
            role="author",
        )
        for index in range(count)
    )


# --- Titles ------------------------------------------------------------------------------------------


def test_an_english_output_with_a_danish_title_sends_both(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json").work
    assert work.title == "Wind turbine wakes over complex terrain"
    assert work.subtitle == "A field study at Østerild"
    assert work.translated_title == TranslatedTitle(
        title="Vindmøllers kølvand over komplekst terræn", language_code="da"
    )


def test_a_danish_output_keeps_its_danish_title_and_translates_to_english(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "api-article-da.json").work
    assert work.title == "Grundvandets kvalitet i Danmark"
    assert work.translated_title == TranslatedTitle(
        title="Groundwater quality in Denmark", language_code="en"
    )


def test_an_output_with_one_title_has_no_translated_title() -> None:
    assert build(simple(language="en")).work.translated_title is None


def test_a_title_translated_into_neither_danish_nor_english_is_not_sent() -> None:
    publication = simple(language="en", translated_titles={"de_DE": "Ein Titel"})
    assert build(publication).work.translated_title is None


def test_an_output_in_a_third_language_sends_english_as_the_translation() -> None:
    publication = simple(language="de", translated_titles={"en_GB": "English", "da_DK": "Dansk"})
    assert build(publication).work.translated_title == TranslatedTitle(title="English", language_code="en")


def test_without_an_original_title_the_english_one_is_the_title() -> None:
    publication = simple(title=None, translated_titles={"da_DK": "Dansk", "en_GB": "English"})
    work = build(publication).work
    assert (work.title, work.translated_title) == (
        "English",
        TranslatedTitle(title="Dansk", language_code="da"),
    )


@pytest.mark.parametrize("title", [None, "", "   ", "\x00\x01"])
def test_an_output_without_a_title_is_refused_with_a_reason(title: str | None) -> None:
    with pytest.raises(WorkNotSendable, match="no title"):
        build(simple(title=title))


def test_a_long_title_is_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    # Given a 1500-character title of words
    title = " ".join(["turbulence"] * 137)
    # When built
    work_title = build(simple(title=title)).work.title
    # Then it fits ORCID's 1000 characters, ends in "…", and the cut falls between words
    assert len(work_title) <= 1000
    assert work_title.endswith("…")
    assert title.startswith(work_title[:-1] + " ")


def test_a_long_abstract_becomes_a_short_description_of_at_most_5000_characters() -> None:
    abstract = "First paragraph.\n\n" + "word " * 2000
    description = build(simple(abstract=abstract)).work.short_description
    assert description is not None
    assert len(description) <= 5000
    assert description.startswith("First paragraph.\n\nword")
    assert description.endswith("…")


# --- Where it appeared, type, date, language, URL -----------------------------------------------------


def test_a_journal_article_carries_its_journal_type_date_language_and_page(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json").work
    assert (work.type, work.journal_title, work.language_code) == (
        "journal-article",
        "Wind Energy Science",
        "en",
    )
    assert work.publication_date == PublicationDate(year=2021, month=6, day=1)
    assert work.url == "https://orbit.dtu.dk/en/publications/7d1c0d7e-3b6a-4d38-9c55-0f2e8b1a4c01"
    assert work.short_description == "We measured wakes with lidars & masts.\n\nSecond paragraph."


def test_a_chapter_uses_the_host_publication_title_as_journal_title(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-chapter.json").work
    assert (work.type, work.journal_title) == ("book-chapter", "Handbook of Wind Energy Engineering")


def test_a_conference_contribution_uses_the_event_as_journal_title() -> None:
    publication = simple(
        type_uri="/dk/atira/pure/researchoutput/researchoutputtypes/contributiontoconference/poster",
        event="Wind Energy Science Conference 2023",
    )
    work = build(publication).work
    assert (work.type, work.journal_title) == ("conference-poster", "Wind Energy Science Conference 2023")


def test_a_deployment_type_table_is_used_for_the_work_type() -> None:
    publication = simple(type_uri="/dk/atira/pure/researchoutput/researchoutputtypes/nontextual/lecturenotes")
    work = build(publication, type_table={"nontextual/lecturenotes": "learning-object"}).work
    assert work.type == "learning-object"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (PureDate(year=2020), PublicationDate(year=2020)),
        (PureDate(year=2020, month=2), PublicationDate(year=2020, month=2)),
        (PureDate(year=2020, month=2, day=29), PublicationDate(year=2020, month=2, day=29)),
        (PureDate(year=2019, month=2, day=29), PublicationDate(year=2019, month=2)),
        (PureDate(year=2020, day=5), PublicationDate(year=2020)),
        (PureDate(year=2020, month=13, day=5), PublicationDate(year=2020)),
    ],
)
def test_the_date_keeps_year_month_and_day_only_as_far_as_they_are_real(
    date: PureDate, expected: PublicationDate
) -> None:
    assert build(simple(publication_date=date)).work.publication_date == expected


@pytest.mark.parametrize("year", [1899, 2101, 0])
def test_a_year_outside_orcids_range_leaves_the_date_out_and_reports_it(year: int) -> None:
    result = build(simple(publication_date=PureDate(year=year, month=1, day=1)))
    assert result.work.publication_date is None
    assert [dropped.field for dropped in result.dropped] == ["publication-date"]


def test_a_language_that_is_not_an_iso_code_is_left_out_and_reported() -> None:
    result = build(simple(language="xx"))
    assert result.work.language_code is None
    assert [(d.field, d.value) for d in result.dropped] == [("language", "xx")]


def test_a_portal_url_longer_than_350_characters_is_left_out_and_reported() -> None:
    long_url = "https://orbit.dtu.dk/en/publications/" + "x" * 350
    result = build(simple(portal_url=long_url))
    assert result.work.url is None
    assert result.work.external_ids[0].url is None
    assert [d.field for d in result.dropped] == ["url"]


# --- External identifiers -----------------------------------------------------------------------------


def test_an_article_sends_uuid_doi_issn_and_pubmed_with_their_relationships(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json").work
    assert [(e.type, e.value, e.relationship) for e in work.external_ids] == [
        ("source-work-id", "7d1c0d7e-3b6a-4d38-9c55-0f2e8b1a4c01", "self"),
        ("doi", "10.5194/wes-6-101-2021", "self"),
        ("issn", "2366-7443", "part-of"),
        ("pmid", "34001122", "self"),
    ]


def test_the_doi_links_to_its_resolver(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json").work
    assert work.external_ids[1].url == "https://doi.org/10.5194/wes-6-101-2021"


def test_every_work_carries_the_orbit_uuid_as_its_own_source_work_id() -> None:
    work = build(simple()).work
    assert work.external_ids == (
        ExternalId(type="source-work-id", value="0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30", relationship="self"),
    )


def test_a_chapter_sends_its_books_isbn_as_part_of(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-chapter.json").work
    isbns = [(e.value, e.relationship) for e in work.external_ids if e.type == "isbn"]
    assert isbns == [("9781402894626", "part-of")]


def test_a_chapter_with_an_issn_among_its_isbns_sends_it_as_an_issn(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-chapter.json").work
    assert [(e.value, e.relationship) for e in work.external_ids if e.type == "issn"] == [
        ("0317-8471", "part-of")
    ]


def test_an_isbn_with_a_wrong_check_digit_is_dropped_and_reported(pure_fixture: Loader) -> None:
    result = from_fixture(pure_fixture, "ws524-chapter.json")
    assert [(d.field, d.value) for d in result.dropped] == [("isbn", "978-0-306-40615-8")]
    assert "9780306406158" not in [e.value for e in result.work.external_ids]


def test_a_book_sends_its_own_isbns_as_self(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "api-book.json").work
    isbns = [(e.value, e.relationship) for e in work.external_ids if e.type == "isbn"]
    assert isbns == [("0306406152", "self"), ("9780306406157", "self")]


def test_a_book_reports_each_value_it_could_not_send(pure_fixture: Loader) -> None:
    result = from_fixture(pure_fixture, "api-book.json")
    assert [(d.field, d.value) for d in result.dropped] == [
        ("publication-date", "2019-02-30"),
        ("isbn", "ISBN 12345"),
    ]


def test_a_preprint_sends_its_arxiv_id(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "api-preprint-arxiv.json").work
    assert ("arxiv", "2301.01234v2", "self") in [(e.type, e.value, e.relationship) for e in work.external_ids]


@pytest.mark.parametrize(
    ("field", "value"),
    [("dois", ("not-a-doi",)), ("issns", ("1234-5678",)), ("pmid", "PMC123"), ("arxiv_id", "x")],
)
def test_each_malformed_identifier_is_dropped_and_reported(field: str, value: Any) -> None:
    result = build(simple(**{field: value}))
    assert [e.type for e in result.work.external_ids] == ["source-work-id"]
    assert len(result.dropped) == 1


def test_the_same_doi_written_twice_is_sent_once() -> None:
    work = build(simple(dois=("10.1000/ABC", "https://doi.org/10.1000/abc"))).work
    assert [e.value for e in work.external_ids if e.type == "doi"] == ["10.1000/abc"]


# --- Contributors -------------------------------------------------------------------------------------


def test_contributors_follow_orbits_order_and_skip_the_nameless(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json").work
    assert [(c.credit_name, c.sequence, c.role) for c in work.contributors] == [
        ("A. Sørensen", "first", "author"),
        ("John Smith", "additional", "author"),
        ("Bo Nielsen", "additional", "author"),
        ("WAKE Consortium", "additional", "author"),
    ]


def test_only_the_consenting_researcher_carries_an_orcid_id(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json").work
    assert [c.orcid for c in work.contributors] == [ORCID_ID, None, None, None]


def test_without_an_orcid_id_no_contributor_carries_one(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "ws524-article-en-da.json", orcid_id=None).work
    assert all(c.orcid is None for c in work.contributors)


def test_an_orcid_id_given_as_url_is_sent_as_the_bare_id(pure_fixture: Loader) -> None:
    work = from_fixture(pure_fixture, "api-book.json", orcid_id="https://orcid.org/0000-0002-1825-0097").work
    assert work.contributors[0].orcid == ORCID_ID


def test_an_invalid_orcid_id_is_refused_before_building(pure_fixture: Loader) -> None:
    with pytest.raises(ValueError, match="check character"):
        from_fixture(pure_fixture, "api-book.json", orcid_id="0000-0002-1825-0098")


def test_a_nameless_researcher_is_kept_by_their_orcid_id() -> None:
    nameless = (Author(position=0, kind=AuthorKind.INTERNAL, person_uuid=RESEARCHER, name=None),)
    contributors = build(simple(authors=nameless)).work.contributors
    assert [(c.orcid, c.credit_name) for c in contributors] == [(ORCID_ID, None)]


def test_an_editor_is_sent_as_editor_and_an_unknown_role_is_left_out() -> None:
    people = (
        Author(position=0, name="Ed Itor", role="editor"),
        Author(position=1, name="Sue Pervisor", role="supervisor"),
    )
    assert [c.role for c in build(simple(authors=people)).work.contributors] == ["editor", None]


def test_contributors_pure_hides_are_not_sent() -> None:
    people = (Author(position=0, name="Shown"), Author(position=1, name="Hidden", hidden=True))
    assert [c.credit_name for c in build(simple(authors=people)).work.contributors] == ["Shown"]


def test_a_credit_name_longer_than_150_characters_is_shortened() -> None:
    people = (Author(position=0, name="Collaboration " * 20),)
    name = build(simple(authors=people)).work.contributors[0].credit_name
    assert name is not None
    assert len(name) <= 150


def test_hundreds_of_authors_are_capped_at_fifty_in_orbits_order() -> None:
    work = build(simple(authors=authors(400, researcher_at=10), total_authors=439)).work
    assert len(work.contributors) == 50
    assert [c.credit_name for c in work.contributors] == [f"Author {i}" for i in range(50)]
    assert work.contributors[10].orcid == ORCID_ID


def test_a_researcher_beyond_the_cap_is_still_on_the_list() -> None:
    # Given 400 authors with the researcher at position 250
    work = build(simple(authors=authors(400, researcher_at=250))).work
    # Then the list stays at the cap and ends with the researcher, carrying their iD
    assert len(work.contributors) == 50
    assert (work.contributors[-1].credit_name, work.contributors[-1].orcid) == ("Author 250", ORCID_ID)
    assert work.contributors[-1].sequence == "additional"


def test_the_contributor_cap_is_configurable() -> None:
    work = build(simple(authors=authors(10, researcher_at=7)), max_contributors=3).work
    assert [c.credit_name for c in work.contributors] == ["Author 0", "Author 1", "Author 7"]


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        build(simple(), max_contributors=0)
