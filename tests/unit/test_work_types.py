"""Pure type URI → ORCID work type: by group/subtype, then group, then `other`; extendable."""

from __future__ import annotations

import pytest

from orcid_sync.orcid.vocabulary import WORK_TYPES
from orcid_sync.sync.work_types import DEFAULT_TYPE_TABLE, orcid_work_type, type_table

PREFIX = "/dk/atira/pure/researchoutput/researchoutputtypes/"

# One or more rows per Pure type group in the project's table.
MAPPING = [
    ("contributiontojournal/article", "journal-article"),
    ("contributiontojournal/letter", "journal-article"),
    ("contributiontojournal/systematicreview", "journal-article"),
    ("contributiontojournal/conferencearticle", "conference-paper"),
    ("contributiontojournal/book", "book-review"),
    ("contributiontojournal/abstract", "conference-abstract"),
    ("contributiontobookanthology/chapter", "book-chapter"),
    ("contributiontobookanthology/foreword", "book-chapter"),
    ("contributiontobookanthology/conference", "conference-paper"),
    ("contributiontobookanthology/entry", "encyclopedia-entry"),
    ("bookanthology/book", "book"),
    ("bookanthology/anthology", "edited-book"),
    ("bookanthology/report", "report"),
    ("bookanthology/commissioned", "report"),
    ("bookanthology/conference", "conference-proceedings"),
    ("contributiontoconference/paper", "conference-paper"),
    ("contributiontoconference/poster", "conference-poster"),
    ("contributiontoconference/abstract", "conference-abstract"),
    ("contributiontoconference/other", "conference-presentation"),
    ("workingpaper/workingpaper", "working-paper"),
    ("workingpaper/discussionpaper", "working-paper"),
    ("workingpaper/preprint", "preprint"),
    ("thesis/doc", "dissertation-thesis"),
    ("thesis/master", "dissertation-thesis"),
    ("patent/patent", "patent"),
    ("nontextual/software", "software"),
    ("nontextual/database", "data-set"),
    ("nontextual/web", "website"),
    ("nontextual/artefact", "other"),
    ("contributiontoperiodical/article", "magazine-article"),
    ("contributiontoperiodical/newspaper", "newspaper-article"),
    ("contributiontospecialistpublication/article", "magazine-article"),
    ("memorandum/memorandum", "report"),
    ("othercontribution/other", "other"),
]


@pytest.mark.parametrize(("pure_type", "work_type"), MAPPING)
def test_each_pure_type_maps_to_its_orcid_work_type(pure_type: str, work_type: str) -> None:
    assert orcid_work_type(PREFIX + pure_type) == work_type


def test_every_value_in_the_default_table_is_an_orcid_work_type() -> None:
    assert set(DEFAULT_TYPE_TABLE.values()) <= WORK_TYPES


def test_an_unknown_subtype_falls_back_on_its_group() -> None:
    assert orcid_work_type(PREFIX + "contributiontojournal/madeupsubtype") == "journal-article"


@pytest.mark.parametrize("type_uri", [PREFIX + "madeupgroup/x", "/dk/atira/pure/other/thing", "", None])
def test_an_unknown_or_missing_type_falls_back_on_other(type_uri: str | None) -> None:
    assert orcid_work_type(type_uri) == "other"


def test_a_deployment_can_add_a_mapping_for_its_own_subtype() -> None:
    extra = {"nontextual/lecturenotes": "learning-object"}
    assert orcid_work_type(PREFIX + "nontextual/lecturenotes", extra) == "learning-object"


def test_a_deployment_can_override_a_default_mapping() -> None:
    assert orcid_work_type(PREFIX + "memorandum/x", {"memorandum": "working-paper"}) == "working-paper"


def test_a_deployment_mapping_to_an_unknown_orcid_type_is_refused_when_loaded() -> None:
    with pytest.raises(ValueError, match="not an ORCID work type"):
        type_table({"nontextual/x": "podcast"})


@pytest.mark.parametrize(
    ("type_uri", "work_type"),
    [
        (PREFIX + "contributiontojournal", "journal-article"),
        (PREFIX + "ContributionToJournal/Letter/", "journal-article"),
        (PREFIX + "bookanthology/edited_book", "edited-book"),
        (PREFIX + "contributiontoconference", "conference-output"),
    ],
)
def test_a_group_without_a_subtype_or_in_another_case_maps_like_its_table_entry(
    type_uri: str, work_type: str
) -> None:
    assert orcid_work_type(type_uri) == work_type


def test_a_deployment_entry_is_read_without_its_slashes_or_case() -> None:
    extra = {"/NonTextual/LectureNotes/": "learning-object"}
    assert orcid_work_type(PREFIX + "nontextual/lecturenotes", extra) == "learning-object"
    assert orcid_work_type(PREFIX + "nontextual/software", extra) == "software"


def test_an_empty_deployment_table_leaves_the_default_mapping() -> None:
    assert orcid_work_type(PREFIX + "patent/patent", {}) == "patent"
    assert type_table() == dict(DEFAULT_TYPE_TABLE)
