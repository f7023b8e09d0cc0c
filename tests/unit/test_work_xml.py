"""ORCID v3.0 XML: schema order, namespaces, put-code, bulk documents, and the content hash."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
import xmlschema

from orcid_sync.orbit.pure_json import publication_from_pure
from orcid_sync.orcid.work import (
    Contributor,
    ExternalId,
    PublicationDate,
    TranslatedTitle,
    Work,
    WorkNotSendable,
)
from orcid_sync.orcid.work_xml import COMMON_NS, WORK_NS, bulk_document, content_hash, work_to_xml
from orcid_sync.sync.work_builder import work_from_publication

Loader = Callable[[str], dict[str, Any]]
W = f"{{{WORK_NS}}}"
C = f"{{{COMMON_NS}}}"
RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"
ORCID_ID = "0000-0002-1825-0097"

FIXED_WORK = Work(
    title="Vindmøllers kølvand",
    subtitle="Et feltstudie",
    translated_title=TranslatedTitle(title="Wind turbine wakes", language_code="en"),
    journal_title="Wind Energy Science",
    short_description="Målinger med lidar…",
    type="journal-article",
    publication_date=PublicationDate(year=2021, month=6, day=1),
    external_ids=(
        ExternalId(type="source-work-id", value="7d1c0d7e-3b6a-4d38-9c55-0f2e8b1a4c01", relationship="self"),
        ExternalId(
            type="doi",
            value="10.5194/wes-6-101-2021",
            url="https://doi.org/10.5194/wes-6-101-2021",
            relationship="self",
        ),
    ),
    url="https://orbit.dtu.dk/en/publications/7d1c0d7e-3b6a-4d38-9c55-0f2e8b1a4c01",
    contributors=(Contributor(orcid=ORCID_ID, credit_name="Anna Sørensen", sequence="first", role="author"),),
    language_code="da",
)
# sha256 of FIXED_WORK's canonical form. If this changes, every stored content hash changes and every
# work is re-sent once: change it only on purpose.
FIXED_WORK_HASH = "0198c8321c1b71cea378ced1dc46238f19c323bf6794e6788baeafac2c6b91bf"


def children(xml: bytes) -> list[str]:
    return [child.tag for child in ET.fromstring(xml)]


def article_work(pure_fixture: Loader) -> Work:
    publication = publication_from_pure(pure_fixture("ws524-article-en-da.json"))
    return work_from_publication(publication, person_uuid=RESEARCHER, orcid_id=ORCID_ID).work


def test_work_elements_come_in_the_schemas_order() -> None:
    assert children(work_to_xml(FIXED_WORK)) == [
        W + "title",
        W + "journal-title",
        W + "short-description",
        W + "type",
        C + "publication-date",
        C + "external-ids",
        C + "url",
        W + "contributors",
        C + "language-code",
    ]


def test_titles_come_in_the_schemas_order_with_the_translation_language() -> None:
    title = ET.fromstring(work_to_xml(FIXED_WORK)).find(W + "title")
    assert title is not None
    assert [child.tag for child in title] == [C + "title", C + "subtitle", C + "translated-title"]
    assert title[2].get("language-code") == "en"


def test_the_date_is_written_with_two_digit_month_and_day() -> None:
    date = ET.fromstring(work_to_xml(FIXED_WORK)).find(C + "publication-date")
    assert date is not None
    assert [child.text for child in date] == ["2021", "06", "01"]


def test_the_researcher_is_written_with_uri_path_and_host() -> None:
    orcid = ET.fromstring(work_to_xml(FIXED_WORK)).find(
        f"{W}contributors/{W}contributor/{C}contributor-orcid"
    )
    assert orcid is not None
    assert [(child.tag, child.text) for child in orcid] == [
        (C + "uri", "https://orcid.org/0000-0002-1825-0097"),
        (C + "path", ORCID_ID),
        (C + "host", "orcid.org"),
    ]


def test_no_visibility_source_or_email_is_ever_written(pure_fixture: Loader) -> None:
    xml = work_to_xml(article_work(pure_fixture), put_code=7)
    for forbidden in (b"visibility", b"source>", b"contributor-email", b"@"):
        assert forbidden not in xml


def test_a_put_code_is_an_attribute_of_the_root() -> None:
    assert ET.fromstring(work_to_xml(FIXED_WORK, put_code=123456)).get("put-code") == "123456"


def test_without_a_put_code_the_root_has_no_attributes() -> None:
    assert ET.fromstring(work_to_xml(FIXED_WORK)).attrib == {}


@pytest.mark.parametrize("put_code", [0, -1, True])
def test_a_put_code_that_is_not_a_positive_integer_is_refused(put_code: int) -> None:
    with pytest.raises(ValueError, match="put-code"):
        work_to_xml(FIXED_WORK, put_code=put_code)


def test_a_work_orcid_would_reject_is_never_serialized() -> None:
    with pytest.raises(WorkNotSendable):
        work_to_xml(FIXED_WORK.model_copy(update={"type": "made-up"}))


@pytest.mark.shared
def test_a_built_work_validates_against_orcids_schema(
    pure_fixture: Loader, work_schema: xmlschema.XMLSchema
) -> None:
    work_schema.validate(work_to_xml(article_work(pure_fixture)))


@pytest.mark.shared
def test_a_work_with_a_put_code_validates_against_orcids_schema(work_schema: xmlschema.XMLSchema) -> None:
    work_schema.validate(work_to_xml(FIXED_WORK, put_code=42))


@pytest.mark.shared
def test_a_bulk_document_validates_and_keeps_the_works_order(
    pure_fixture: Loader, bulk_schema: xmlschema.XMLSchema
) -> None:
    # Given two works; When written as one bulk document
    xml = bulk_document([FIXED_WORK, article_work(pure_fixture)]).xml
    # Then ORCID's bulk schema accepts it and the works are in the given order
    bulk_schema.validate(xml)
    root = ET.fromstring(xml)
    assert root.tag == "{http://www.orcid.org/ns/bulk}bulk"
    assert [work.findtext(f"{W}title/{C}title") for work in root] == [
        "Vindmøllers kølvand",
        "Wind turbine wakes over complex terrain",
    ]


@pytest.mark.parametrize("count", [0, 101])
def test_a_bulk_document_holds_one_to_a_hundred_works(count: int) -> None:
    with pytest.raises(ValueError, match="bulk"):
        bulk_document([FIXED_WORK] * count)


def test_the_content_hash_of_a_fixed_work_is_a_known_value() -> None:
    # Catches any change in canonical form across Python or library versions.
    assert content_hash(FIXED_WORK) == FIXED_WORK_HASH


def test_equal_works_have_equal_content_hashes(pure_fixture: Loader) -> None:
    assert content_hash(article_work(pure_fixture)) == content_hash(article_work(pure_fixture))


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Vindmøllers kølvand!"},
        {"publication_date": PublicationDate(year=2021, month=6)},
        {"contributors": ()},
        {"language_code": None},
        {"external_ids": FIXED_WORK.external_ids[:1]},
    ],
)
def test_the_content_hash_changes_when_the_content_changes(change: dict[str, Any]) -> None:
    assert content_hash(FIXED_WORK.model_copy(update=change)) != content_hash(FIXED_WORK)
