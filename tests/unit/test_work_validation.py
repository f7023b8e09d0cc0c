"""validate_work: a work ORCID would reject is refused here, with a reason, before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from orcid_sync.orcid.work import (
    Citation,
    Contributor,
    ExternalId,
    PublicationDate,
    TranslatedTitle,
    Work,
    WorkNotSendable,
    validate_work,
)

SELF_ID = ExternalId(type="source-work-id", value="0718293a-4b5c-4d6e-8f7a-8b9c0d1e2f30", relationship="self")


def work(**fields: Any) -> Work:
    base: dict[str, Any] = {"title": "A title", "type": "journal-article", "external_ids": (SELF_ID,)}
    return Work(**{**base, **fields})


def test_a_complete_work_is_sendable() -> None:
    complete = work(
        subtitle="Sub",
        translated_title=TranslatedTitle(title="En titel", language_code="da"),
        journal_title="Journal",
        short_description="Text",
        citation=Citation(type="bibtex", value="@article{x}"),
        publication_date=PublicationDate(year=2020, month=2, day=29),
        url="https://orbit.dtu.dk/en/publications/x",
        contributors=(
            Contributor(orcid="0000-0002-1825-0097", credit_name="A", sequence="first", role="author"),
        ),
        language_code="en",
    )
    validate_work(complete)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": "  "}, "no title"),
        ({"title": "x" * 1001}, "title is longer than 1000"),
        ({"title": "bad\x0bchar"}, "XML cannot carry"),
        ({"subtitle": "x" * 1001}, "subtitle is longer"),
        ({"translated_title": TranslatedTitle(title="x", language_code="dk")}, "language code ORCID"),
        ({"translated_title": TranslatedTitle(title=" ", language_code="da")}, "no translated title"),
        ({"journal_title": ""}, "no journal title"),
        ({"short_description": "x" * 5001}, "longer than 5000"),
        ({"citation": Citation(type="harvard", value="x")}, "citation type"),
        ({"type": "article"}, "work type 'article'"),
        ({"publication_date": PublicationDate(year=1899)}, "outside 1900"),
        ({"publication_date": PublicationDate(year=2020, day=3)}, "day but no month"),
        ({"publication_date": PublicationDate(year=2020, month=0)}, "not a month"),
        ({"publication_date": PublicationDate(year=2021, month=2, day=29)}, "does not exist"),
        ({"external_ids": ()}, "relationship self"),
        ({"external_ids": (ExternalId(type="doi", value="10.1/x", relationship="part-of"),)}, "self"),
        ({"external_ids": (SELF_ID, ExternalId(type="scopus", value="1", relationship="self"))}, "'scopus'"),
        ({"external_ids": (ExternalId(type="doi", value=" ", relationship="self"),)}, "no doi value"),
        (
            {"external_ids": (SELF_ID, ExternalId(type="isbn", value="1", relationship="funded-by"))},
            "funded-by",
        ),
        ({"url": "https://x.dk/" + "a" * 340}, "at most 350"),
        ({"url": "ftp://x.dk/a"}, "http"),
        ({"url": "https://x.dk/\x01"}, "http"),
        (
            {"external_ids": (ExternalId(type="doi", value="10.1/x", url="doi.org/x", relationship="self"),)},
            "doi url",
        ),
        ({"contributors": (Contributor(orcid="0000-0002-1825-0098"),)}, "invalid ORCID iD"),
        ({"contributors": (Contributor(orcid="https://orcid.org/0000-0002-1825-0097"),)}, "invalid ORCID iD"),
        ({"contributors": (Contributor(credit_name="x" * 151),)}, "longer than 150"),
        ({"contributors": (Contributor(credit_name=""),)}, "no contributor 1 credit name"),
        ({"contributors": (Contributor(credit_name="A", role="writer"),)}, "role 'writer'"),
        ({"language_code": "english"}, "language code ORCID"),
    ],
)
def test_each_thing_orcid_would_reject_is_refused_with_a_reason(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(WorkNotSendable, match=reason) as refused:
        validate_work(work(**fields))
    assert refused.value.reason


def test_a_credit_role_uri_is_an_accepted_contributor_role() -> None:
    role = "http://credit.niso.org/contributor-roles/data-curation/"
    validate_work(work(contributors=(Contributor(credit_name="A", role=role),)))
