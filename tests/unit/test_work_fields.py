"""Publication → Work at the edges: where it appeared per kind of output, date bounds, text limits."""

from __future__ import annotations

from typing import Any

import pytest

from orcid_sync.orbit.publication import Author, Publication, PureDate
from orcid_sync.orcid.work import PublicationDate, Work
from orcid_sync.sync.work_builder import WorkBuild, work_from_publication

UUID = "0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30"
TYPES = "/dk/atira/pure/researchoutput/researchoutputtypes/"
JOURNAL, BOOK, EVENT = "Wind Energy Science", "Handbook of Wind Energy", "WESC 2023"


def build(**fields: Any) -> WorkBuild:
    publication = Publication(**{"uuid": UUID, "title": "A title", **fields})
    return work_from_publication(publication, person_uuid=None, orcid_id=None)


def work(**fields: Any) -> Work:
    return build(**fields).work


# --- Where it appeared: the container title per kind of output --------------------------------------

# Each kind of output names where it appeared in its own order of preference: a chapter its book, a
# conference contribution its conference, everything else its journal.
PREFERENCES = [
    ("contributiontobookanthology/chapter", ("host_publication_title", "journal_title", "event")),
    ("contributiontoconference/paper", ("event", "journal_title", "host_publication_title")),
    ("contributiontojournal/article", ("journal_title", "host_publication_title", "event")),
    ("bookanthology/book", ("journal_title", "host_publication_title", "event")),
    ("thesis/doc", ("journal_title", "host_publication_title", "event")),
    (None, ("journal_title", "host_publication_title", "event")),
]
TEXT = {"journal_title": JOURNAL, "host_publication_title": BOOK, "event": EVENT}


@pytest.mark.parametrize(("pure_type", "order"), PREFERENCES)
def test_each_kind_of_output_names_where_it_appeared_in_its_own_order(
    pure_type: str | None, order: tuple[str, str, str]
) -> None:
    type_uri = TYPES + pure_type if pure_type else None
    first, second, third = order
    everything = {field: TEXT[field] for field in order}
    assert work(type_uri=type_uri, **everything).journal_title == TEXT[first]
    assert work(type_uri=type_uri, **{second: TEXT[second], third: TEXT[third]}).journal_title == TEXT[second]
    assert work(type_uri=type_uri, **{first: "  ", third: TEXT[third]}).journal_title == TEXT[third]
    assert work(type_uri=type_uri).journal_title is None


def test_the_container_title_is_sent_as_one_clean_line() -> None:
    assert work(journal_title="  Wind\n  Energy\tScience \x00").journal_title == "Wind Energy Science"


# --- Dates at their bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date",
    [
        PureDate(year=1900, month=1, day=1),
        PureDate(year=2100, month=12, day=31),
        PureDate(year=2021, month=1, day=31),
        PureDate(year=2021, month=12, day=1),
        PureDate(year=2021, month=4, day=30),
    ],
)
def test_a_real_date_at_any_bound_is_sent_whole(date: PureDate) -> None:
    result = build(publication_date=date)
    assert result.work.publication_date == PublicationDate(year=date.year, month=date.month, day=date.day)
    assert result.dropped == ()


@pytest.mark.parametrize("month", [1, 12])
def test_january_and_december_keep_their_month(month: int) -> None:
    assert work(publication_date=PureDate(year=2021, month=month)).publication_date == PublicationDate(
        year=2021, month=month
    )


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_month_that_is_not_one_leaves_the_year_and_is_reported(month: int) -> None:
    result = build(publication_date=PureDate(year=2021, month=month, day=1))
    assert result.work.publication_date == PublicationDate(year=2021)
    assert [(d.field, d.value) for d in result.dropped] == [("publication-date", f"2021-{month}")]


@pytest.mark.parametrize(("month", "day"), [(1, 0), (1, 32), (4, 31), (12, 32), (6, -1)])
def test_a_day_outside_its_month_leaves_year_and_month_and_is_reported(month: int, day: int) -> None:
    result = build(publication_date=PureDate(year=2021, month=month, day=day))
    assert result.work.publication_date == PublicationDate(year=2021, month=month)
    assert [(d.field, d.value) for d in result.dropped] == [("publication-date", f"2021-{month:02d}-{day}")]


@pytest.mark.parametrize("year", [1899, 2101, 0])
def test_a_year_orcid_does_not_take_leaves_the_date_out_and_is_reported(year: int) -> None:
    result = build(publication_date=PureDate(year=year, month=1, day=1))
    assert result.work.publication_date is None
    assert [(d.field, d.value) for d in result.dropped] == [("publication-date", str(year))]


@pytest.mark.parametrize("year", [1900, 2100])
def test_the_first_and_last_years_orcid_takes_are_sent(year: int) -> None:
    assert work(publication_date=PureDate(year=year)).publication_date == PublicationDate(year=year)


# --- Text at its limits -------------------------------------------------------------------------------


def test_a_title_of_exactly_1000_characters_is_sent_whole() -> None:
    title = ("wind " * 200)[:999] + "x"
    assert work(title=title).title == title


def test_a_title_one_character_too_long_is_cut_at_its_last_word() -> None:
    title = ("wind " * 200)[:1000] + "x"
    assert work(title=title).title == ("wind " * 199).rstrip() + "…"


def test_a_title_whose_last_space_is_in_its_first_half_is_cut_inside_the_long_word() -> None:
    # Given a 1500-character title whose only space sits at character 500 (half of ORCID's 1000)
    title = "a" * 500 + " " + "b" * 999
    # Then the cut falls inside the long word, not back at the space
    assert work(title=title).title == "a" * 500 + " " + "b" * 498 + "…"


def test_a_title_whose_last_space_is_past_its_middle_is_cut_at_that_space() -> None:
    title = "a" * 501 + " " + "b" * 998
    assert work(title=title).title == "a" * 501 + "…"


def test_a_title_cut_after_punctuation_ends_in_the_word_and_the_ellipsis() -> None:
    assert work(title="word, " * 300).title == ("word, " * 166).rstrip(" ,") + "…"


def test_a_title_of_nothing_but_punctuation_is_cut_without_losing_it() -> None:
    assert work(title="-" * 1500).title == "-" * 999 + "…"


def test_a_short_description_keeps_its_paragraphs_and_drops_empty_ones() -> None:
    abstract = "  First  line\r\n of one.\r\n\r\n\r\n  \n\nSecond\tparagraph. \x01"
    assert work(abstract=abstract).short_description == "First line\n of one.\n\nSecond paragraph."


@pytest.mark.parametrize("abstract", [None, "", " \n\n \r\n "])
def test_an_empty_abstract_sends_no_short_description(abstract: str | None) -> None:
    assert work(abstract=abstract).short_description is None


def test_a_subtitle_goes_with_the_original_title_as_one_line() -> None:
    assert (work(subtitle=" A  field\nstudy ").subtitle, work(subtitle="  ").subtitle) == (
        "A field study",
        None,
    )


def test_a_translation_that_repeats_the_title_is_not_sent() -> None:
    built = work(title="Vind", language="da", translated_titles={"en_GB": "Vind", "da_DK": "Vind"})
    assert (built.title, built.translated_title) == ("Vind", None)


def test_a_translation_equal_to_the_title_as_cleaned_is_not_sent() -> None:
    # Pure's texts are separate strings: equal after cleaning, not the same object
    built = work(title=" Vind ", language="da", translated_titles={"en_GB": "Vind"})
    assert (built.title, built.translated_title) == ("Vind", None)


def test_an_output_in_a_third_language_sends_english_whatever_the_languages_order() -> None:
    built = work(title="Vind", language="sv", translated_titles={"en_GB": "Wind", "da_DK": "Vind og vejr"})
    assert built.translated_title is not None
    assert (built.translated_title.title, built.translated_title.language_code) == ("Wind", "en")


def test_a_translation_that_sorts_before_the_title_is_sent_too() -> None:
    built = work(title="Wind", language="en", translated_titles={"da_DK": "Vind"})
    assert built.translated_title is not None
    assert (built.translated_title.title, built.translated_title.language_code) == ("Vind", "da")


def test_an_english_output_read_from_pure_sends_its_danish_translation() -> None:
    # The language arrives as a string of its own, never the very object "en" in this module
    built = work(title="Wind", language="".join(("e", "n")), translated_titles={"da_DK": "Vind"})
    assert built.translated_title is not None
    assert built.translated_title.language_code == "da"


def test_the_original_title_stands_in_for_its_own_language_among_the_translations() -> None:
    built = work(title="Vind og vejr", language="da", translated_titles={"en_GB": "Wind and weather"})
    assert built.translated_title is not None
    assert (built.translated_title.title, built.translated_title.language_code) == ("Wind and weather", "en")


def test_without_an_original_or_english_title_the_first_translation_is_the_title() -> None:
    built = work(title=None, subtitle="Dropped", translated_titles={"de_DE": "Wind", "da_DK": "Vind"})
    assert (built.title, built.subtitle, built.translated_title) == ("Wind", None, None)


# --- Portal URL and language --------------------------------------------------------------------------


def test_a_portal_url_of_exactly_350_characters_is_sent() -> None:
    url = "https://orbit.dtu.dk/en/publications/" + "x" * (350 - 37)
    built = build(portal_url=url)
    assert (built.work.url, built.work.external_ids[0].url, built.dropped) == (url, url, ())


def test_a_portal_url_of_351_characters_is_left_out_and_reported() -> None:
    url = "https://orbit.dtu.dk/en/publications/" + "x" * (351 - 37)
    built = build(portal_url=url)
    assert (built.work.url, built.work.external_ids[0].url) == (None, None)
    assert [(d.field, d.value) for d in built.dropped] == [("url", url)]


@pytest.mark.parametrize("url", ["orbit.dtu.dk/en/publications/x", "ftp://orbit.dtu.dk/x", ""])
def test_a_portal_url_that_is_not_http_is_left_out_and_reported(url: str) -> None:
    built = build(portal_url=url)
    assert (built.work.url, built.work.external_ids[0].url) == (None, None)
    assert [(d.field, d.value) for d in built.dropped] == [("url", url)]


def test_a_known_language_is_sent() -> None:
    assert work(language="da").language_code == "da"


# --- Contributors at the edges ------------------------------------------------------------------------

RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"
ORCID_ID = "0000-0002-1825-0097"


def contributors_of(people: tuple[Author, ...], **options: Any) -> list[tuple[str | None, ...]]:
    publication = Publication(uuid=UUID, title="A title", authors=people)
    settings: dict[str, Any] = {"person_uuid": RESEARCHER, "orcid_id": ORCID_ID, **options}
    built = work_from_publication(publication, **settings).work
    return [(c.credit_name, c.orcid, c.sequence, c.role) for c in built.contributors]


def test_an_author_without_a_role_is_sent_as_author_and_roles_are_read_in_any_case() -> None:
    people = (Author(position=0, name="No Role"), Author(position=1, name="Ed", role="Editor"))
    assert contributors_of(people) == [
        ("No Role", None, "first", "author"),
        ("Ed", None, "additional", "editor"),
    ]


def test_the_researcher_is_found_by_uuid_in_any_case_and_kept_even_when_pure_hides_them() -> None:
    people = (
        Author(position=0, name="Other", person_uuid="9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"),
        Author(position=1, name="Me", person_uuid=RESEARCHER.upper(), hidden=True),
    )
    assert contributors_of(people) == [
        ("Other", None, "first", "author"),
        ("Me", ORCID_ID, "additional", "author"),
    ]


def test_a_nameless_researcher_without_an_orcid_id_is_not_sent_and_the_others_are() -> None:
    people = (Author(position=0, person_uuid=RESEARCHER), Author(position=1, name="Other"))
    assert contributors_of(people, orcid_id=None) == [("Other", None, "additional", "author")]


def test_nameless_and_hidden_authors_are_skipped_and_everyone_after_them_is_sent() -> None:
    people = (
        Author(position=0, name="First"),
        Author(position=1, name=" "),
        Author(position=2, name="Hidden", hidden=True),
        Author(position=3, hidden=True),
        Author(position=4, name="Last"),
    )
    assert [name for name, *_ in contributors_of(people)] == ["First", "Last"]


def test_fifty_contributors_are_sent_by_default() -> None:
    people = tuple(Author(position=i, name=f"A{i}") for i in range(60))
    assert [name for name, *_ in contributors_of(people)] == [f"A{i}" for i in range(50)]


def test_a_researcher_beyond_the_cap_takes_the_last_place() -> None:
    people = tuple(
        Author(position=i, name=f"A{i}", person_uuid=RESEARCHER if i == 7 else None) for i in range(10)
    )
    assert [name for name, *_ in contributors_of(people, max_contributors=4)] == ["A0", "A1", "A2", "A7"]


@pytest.mark.parametrize("cap", [0, -1])
def test_a_cap_below_one_is_refused(cap: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        contributors_of((Author(position=0, name="A"),), max_contributors=cap)


def test_without_a_researcher_nobody_carries_the_orcid_id() -> None:
    people = (Author(position=0, name="Someone"), Author(position=1, name="Else", person_uuid=RESEARCHER))
    assert [orcid for _, orcid, _, _ in contributors_of(people, person_uuid=None)] == [None, None]


def test_a_cap_of_one_keeps_only_the_researcher() -> None:
    people = tuple(
        Author(position=i, name=f"A{i}", person_uuid=RESEARCHER if i == 3 else None) for i in range(5)
    )
    assert contributors_of(people, max_contributors=1) == [("A3", ORCID_ID, "additional", "author")]


def test_a_cap_that_already_holds_the_researcher_is_not_changed() -> None:
    people = tuple(
        Author(position=i, name=f"A{i}", person_uuid=RESEARCHER if i in (1, 4) else None) for i in range(5)
    )
    assert [name for name, *_ in contributors_of(people, max_contributors=2)] == ["A0", "A1"]
