"""Property: any JSON object reads as a Publication or is refused as malformed — never another error."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.pure_json import MalformedResearchOutput, publication_from_pure

FIELDS = [
    "title", "subTitle", "translatedTitle", "type", "language", "abstract", "publicationStatuses",
    "personAssociations", "contributors", "journalAssociation", "electronicVersions", "additionalLinks",
    "links", "isbns", "electronicIsbns", "printISBNs", "electronicISBNs", "hostPublicationTitle", "event",
    "info", "identifiers", "visibility", "workflow", "confidential", "volume", "journalNumber", "pages",
    "articleNumber", "portalUrl", "totalNumberOfAuthors", "systemName",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["value", "text", "locale", "en_GB", "uri", "uuid", "name", "year", "current", "key"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


def read_or_refusal(data: dict[str, Any]) -> Publication | MalformedResearchOutput:
    try:
        return publication_from_pure(data)
    except MalformedResearchOutput as refused:
        return refused


@settings(max_examples=100, deadline=None)
@given(
    uuid=st.one_of(st.uuids().map(str), st.text(max_size=10)),
    fields=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=12),
)
def test_any_json_object_reads_or_is_refused_as_malformed(uuid: str, fields: dict[str, Any]) -> None:
    # Given a JSON object with Pure's field names holding arbitrary values; When read
    outcome = read_or_refusal({"uuid": uuid, **fields})
    if isinstance(outcome, MalformedResearchOutput):
        # Then it is either refused with a message
        assert str(outcome)
        return
    # Or it reads, keeping the uuid
    assert outcome.uuid == uuid.strip().lower()
