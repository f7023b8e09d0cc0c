"""Property: any publication becomes a work ORCID's XSD and enumerations accept, or is refused with reason."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orcid_sync.orbit.publication import Author, AuthorKind, Publication, PureDate
from orcid_sync.orcid.vocabulary import (
    CONTRIBUTOR_SEQUENCES,
    EXTERNAL_ID_TYPES,
    RELATIONSHIPS,
    WORK_TYPES,
    is_contributor_role,
    is_language_code,
)
from orcid_sync.orcid.work import WorkNotSendable
from orcid_sync.orcid.work_xml import COMMON_NS, WORK_NS, work_to_xml
from orcid_sync.sync.work_builder import WorkBuild, work_from_publication
from orcid_sync.sync.work_types import DEFAULT_TYPE_TABLE

W = f"{{{WORK_NS}}}"
C = f"{{{COMMON_NS}}}"
RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"
ORCID_ID = "0000-0002-1825-0097"
TYPE_PREFIX = "/dk/atira/pure/researchoutput/researchoutputtypes/"

# Text as Pure might hold it: anything, including control characters, and sometimes very long.
short_text = st.text(max_size=30)
long_text = st.builds(
    lambda word, times: (word + " ") * times, st.text(min_size=1, max_size=15), st.integers(0, 400)
)
any_text = st.one_of(st.none(), short_text, long_text)
valid_isbns = st.sampled_from(["978-0-306-40615-7", "0-306-40615-2", "9781402894626", "0-8044-2957-X"])
valid_issns = st.sampled_from(["0317-8471", "1050-124X", "2366-7443"])
url_paths = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~/%?=&", max_size=400)
valid_dois = st.sampled_from(["10.5194/wes-6-101-2021", "https://doi.org/10.1103/PhysRevLett.117.232002"])


@st.composite
def author_lists(draw: st.DrawFn) -> tuple[Author, ...]:
    count = draw(st.integers(0, 70))
    return tuple(
        Author(
            position=index,
            kind=draw(st.sampled_from(AuthorKind)),
            person_uuid=draw(st.sampled_from([None, RESEARCHER, "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"])),
            name=draw(st.one_of(st.none(), st.sampled_from(["A. Author", "Ø. Ærø"]), any_text)),
            role=draw(
                st.one_of(
                    st.none(), st.sampled_from(["author", "editor", "supervisor", "translator"]), short_text
                )
            ),
            hidden=draw(st.booleans()),
        )
        for index in range(count)
    )


publications = st.builds(
    Publication,
    uuid=st.uuids().map(str),
    title=any_text,
    subtitle=any_text,
    translated_titles=st.dictionaries(
        st.sampled_from(["en_GB", "da_DK", "de_DE", "xx", "EN"]), any_text.filter(bool), max_size=3
    ),
    type_uri=st.one_of(
        st.none(),
        st.sampled_from([TYPE_PREFIX + key for key in DEFAULT_TYPE_TABLE]),
        short_text.map(TYPE_PREFIX.__add__),
    ),
    publication_date=st.one_of(
        st.none(),
        st.builds(
            PureDate,
            year=st.one_of(st.integers(1895, 2105), st.integers(-5, 3000)),
            month=st.one_of(st.none(), st.integers(-1, 14)),
            day=st.one_of(st.none(), st.integers(-1, 40)),
        ),
    ),
    language=st.one_of(st.none(), st.sampled_from(["en", "da", "zh_CN", "xx", "EN"]), short_text),
    authors=author_lists(),
    dois=st.lists(st.one_of(valid_dois, short_text), max_size=3).map(tuple),
    journal_title=any_text,
    issns=st.lists(st.one_of(valid_issns, short_text), max_size=2).map(tuple),
    host_publication_title=any_text,
    isbns=st.lists(st.one_of(valid_isbns, short_text), max_size=3).map(tuple),
    event=any_text,
    abstract=st.one_of(any_text, st.text(min_size=4990, max_size=5100)),
    portal_url=st.one_of(
        st.none(), url_paths.map("https://orbit.dtu.dk/en/publications/".__add__), short_text, long_text
    ),
    pmid=st.one_of(st.none(), st.just("27982610"), short_text),
    arxiv_id=st.one_of(st.none(), st.just("arXiv:2301.01234"), short_text),
)


def build_or_refusal(publication: Publication, **options: Any) -> WorkBuild | WorkNotSendable:
    try:
        return work_from_publication(publication, **options)
    except WorkNotSendable as refused:
        return refused


def assert_enumerations_are_valid(xml: bytes, cap: int) -> None:
    root = ET.fromstring(xml)
    assert root.findtext(W + "type") in WORK_TYPES
    for external_id in root.iter(C + "external-id"):
        assert external_id.findtext(C + "external-id-type") in EXTERNAL_ID_TYPES
        assert external_id.findtext(C + "external-id-relationship") in RELATIONSHIPS
    language = root.findtext(C + "language-code")
    assert language is None or is_language_code(language)
    for translated in root.iter(C + "translated-title"):
        assert is_language_code(translated.get("language-code", ""))
    contributors = list(root.iter(W + "contributor"))
    assert len(contributors) <= cap
    for contributor in contributors:
        assert contributor.find(W + "contributor-email") is None
        sequence = contributor.findtext(f"{W}contributor-attributes/{W}contributor-sequence")
        role = contributor.findtext(f"{W}contributor-attributes/{W}contributor-role")
        assert sequence is None or sequence in CONTRIBUTOR_SEQUENCES
        assert role is None or is_contributor_role(role)


@pytest.mark.shared
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    publication=publications,
    person_uuid=st.sampled_from([None, RESEARCHER]),
    orcid_id=st.sampled_from([None, ORCID_ID]),
    cap=st.integers(1, 60),
)
def test_every_publication_becomes_a_valid_work_or_is_refused_with_a_reason(
    work_schema: xmlschema.XMLSchema,
    publication: Publication,
    person_uuid: str | None,
    orcid_id: str | None,
    cap: int,
) -> None:
    # Given any publication; When built
    outcome = build_or_refusal(publication, person_uuid=person_uuid, orcid_id=orcid_id, max_contributors=cap)
    if isinstance(outcome, WorkNotSendable):
        # Then either it is refused before sending, with a reason
        assert outcome.reason
        return
    # Or ORCID's XSD accepts it and every enumeration the XSD does not check is one ORCID knows
    xml = work_to_xml(outcome.work)
    work_schema.validate(xml)
    assert_enumerations_are_valid(xml, cap)
    assert outcome.work.external_ids[0].type == "source-work-id"
