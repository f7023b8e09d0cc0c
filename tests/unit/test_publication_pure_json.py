"""Pure JSON (WS 5.x and the newer Pure API) → Publication, with the traps of real data handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orcid_sync.orbit.publication import AuthorKind, PureDate
from orcid_sync.orbit.pure_json import MalformedResearchOutput, publication_from_pure

Loader = Callable[[str], dict[str, Any]]
RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"


def test_a_ws_article_reads_its_bibliographic_fields(pure_fixture: Loader) -> None:
    # Given a WS 5.x journal article; When read
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    # Then the fields land in our model
    assert publication.uuid == "7d1c0d7e-3b6a-4d38-9c55-0f2e8b1a4c01"
    assert publication.type_group == "contributiontojournal"
    assert publication.type_subtype == "article"
    assert publication.language == "en"
    assert (publication.journal_title, publication.issns) == ("Wind Energy Science", ("2366-7443",))
    assert (publication.volume, publication.issue, publication.pages) == ("6", "3", "101-117")
    assert (
        publication.portal_url == "https://orbit.dtu.dk/en/publications/7d1c0d7e-3b6a-4d38-9c55-0f2e8b1a4c01"
    )


def test_a_ws_article_reads_the_current_status_and_its_date(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.publication_status == "published"
    assert publication.publication_date == PureDate(year=2021, month=6, day=1)


def test_a_ws_article_reads_visibility_workflow_and_confidentiality(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert (publication.visibility, publication.workflow_step, publication.confidential) == (
        "FREE",
        "approved",
        False,
    )


def test_titles_are_read_by_locale_and_html_is_removed(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.title == "Wind turbine wakes over complex terrain"
    assert publication.subtitle == "A field study at Østerild"
    assert publication.translated_titles == {"da_DK": "Vindmøllers kølvand over komplekst terræn"}


def test_an_html_abstract_becomes_plain_text_paragraphs(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.abstract == "We measured wakes with lidars & masts.\n\nSecond paragraph."


def test_a_doi_given_as_url_is_stored_bare_and_lowercase(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.dois == ("10.5194/wes-6-101-2021",)


def test_a_doi_given_with_doi_prefix_is_stored_bare_and_lowercase(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("api-article-da.json"))
    assert publication.dois == ("10.5555/dansk.2022.12",)


def test_pubmed_id_is_taken_and_pures_own_orcid_put_codes_are_ignored(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.pmid == "34001122"
    assert publication.arxiv_id is None


def test_links_come_from_electronic_versions_and_additional_links(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.links == (
        "https://orbit.dtu.dk/files/1234/wes-6-101.pdf",
        "https://www.wind-energ-sci.net/6/101/2021/",
    )


def test_authors_keep_orbits_order_kind_and_role(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    summary = [(a.position, a.kind, a.person_uuid, a.name, a.role) for a in publication.authors]
    assert summary == [
        (0, AuthorKind.INTERNAL, RESEARCHER, "A. Sørensen", "author"),
        (1, AuthorKind.EXTERNAL, None, "John Smith", "author"),
        (2, AuthorKind.EXTERNAL, None, None, "author"),
        (3, AuthorKind.INTERNAL, "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a", "Bo Nielsen", "author"),
        (4, AuthorKind.COLLABORATION, None, "WAKE Consortium", "author"),
    ]


def test_an_author_list_shorter_than_the_total_is_read_as_given(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert (len(publication.authors), publication.total_authors) == (5, 6)


def test_the_first_internal_author_is_found(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    assert publication.first_internal_author == RESEARCHER


def test_a_pure_api_article_reads_the_same_fields_from_the_other_shape(pure_fixture: Loader) -> None:
    # Given the newer Pure API shape; When read
    publication = publication_from_pure(pure_fixture("api-article-da.json"))
    # Then the same model comes out
    assert publication.title == "Grundvandets kvalitet i Danmark"
    assert publication.translated_titles == {"en_GB": "Groundwater quality in Denmark"}
    assert publication.language == "da"
    assert publication.journal_title == "Vand & Jord"
    assert publication.issns == ("0317-8471",)
    assert (publication.visibility, publication.workflow_step) == ("FREE", "approved")
    assert (
        publication.portal_url == "https://orbit.dtu.dk/da/publications/c3a1e2d4-5f60-4718-8293-a4b5c6d7e8f9"
    )
    assert publication.pmid == "36000001"
    assert publication.total_authors == 2


def test_a_pure_api_abstract_is_taken_in_the_outputs_language(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("api-article-da.json"))
    assert publication.abstract == "Vi har undersøgt grundvand."


def test_pure_api_contributors_are_read_with_their_kind(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("api-article-da.json"))
    assert [(a.kind, a.person_uuid, a.name) for a in publication.authors] == [
        (AuthorKind.EXTERNAL, None, "Karen Holm"),
        (AuthorKind.INTERNAL, RESEARCHER, "Anna Sørensen"),
    ]


def test_a_chapter_reads_its_host_publication_and_isbns(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-chapter.json"))
    assert publication.host_publication_title == "Handbook of Wind Energy Engineering"
    assert publication.isbns == ("978-1-4028-9462-6", "978-0-306-40615-8")


def test_an_issn_written_among_isbns_is_moved_to_the_issns(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-chapter.json"))
    assert publication.issns == ("0317-8471",)


def test_an_isbn_written_as_the_journal_issn_is_moved_to_the_isbns(pure_fixture: Loader) -> None:
    # Given a journal association whose "ISSN" is an ISBN
    data = pure_fixture("ws524-article-en-da.json")
    data["journalAssociation"]["issn"] = {"value": "978-0-306-40615-7"}
    # When read; Then it is an ISBN, and the ISSN list is empty
    publication = publication_from_pure(data)
    assert (publication.isbns, publication.issns) == (("978-0-306-40615-7",), ())


def test_a_book_reads_print_and_electronic_isbns_from_the_pure_api(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("api-book.json"))
    assert publication.isbns == ("0-306-40615-2", "978-0-306-40615-7", "ISBN 12345")
    assert publication.subtitle == "Second edition"


def test_an_arxiv_id_is_found_in_an_arxiv_link(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("api-preprint-arxiv.json"))
    assert publication.arxiv_id == "2301.01234v2"


def test_an_undefined_language_is_read_as_none(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("api-preprint-arxiv.json"))
    assert publication.language is None


def test_a_record_with_almost_nothing_reads_without_error(pure_fixture: Loader) -> None:
    publication = publication_from_pure(pure_fixture("ws524-minimal.json"))
    assert publication.title == "A record with almost nothing in it"
    assert (publication.authors, publication.publication_date, publication.visibility) == ((), None, None)


def test_an_author_association_with_no_name_at_all_keeps_its_position(pure_fixture: Loader) -> None:
    # Given an association that is nothing but an empty object
    data = pure_fixture("ws524-article-en-da.json")
    data["personAssociations"].insert(0, {})
    # When read; Then it is a nameless author at position 0 and the others move down
    publication = publication_from_pure(data)
    assert (publication.authors[0].name, publication.authors[1].position) == (None, 1)


def test_a_placeholder_date_is_read_as_no_date(pure_fixture: Loader) -> None:
    # Given a status whose year is not a number (as in a Pure template)
    data = pure_fixture("api-book.json")
    data["publicationStatuses"][0]["publicationDate"] = {"year": "AWARD_DATE_YEAR", "month": "M"}
    # Then the publication has no date, and reading does not fail
    assert publication_from_pure(data).publication_date is None


def test_without_a_current_flag_the_latest_status_is_current(pure_fixture: Loader) -> None:
    data = pure_fixture("ws524-article-en-da.json")
    for status in data["publicationStatuses"]:
        del status["current"]
    assert publication_from_pure(data).publication_status == "published"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        ({"title": {"value": "x"}}, "no uuid"),
        ({"uuid": "not-a-uuid", "title": {"value": "x"}}, "no uuid"),
        ({"uuid": "0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30", "name": {"firstName": "A"}}, "no title"),
        ({"uuid": "0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30", "systemName": "Person", "title": "x"}, "Person"),
        (
            {"uuid": "0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30", "type": {"uri": "/dk/atira/pure/person/x"}},
            "its type",
        ),
    ],
)
def test_json_that_is_not_a_research_output_is_refused_with_a_reason(data: object, message: str) -> None:
    with pytest.raises(MalformedResearchOutput, match=message):
        publication_from_pure(data)
