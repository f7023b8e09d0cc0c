"""Pure research-output type → ORCID work type.

Pure type URIs end in `<group>/<subtype>` and every Pure site configures its own subtypes, so the lookup
tries `group/subtype`, then `group`, then falls back to `other`. The table is one mapping a deployment
can extend (or override) by passing its own entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from orcid_sync.orbit.publication import split_type_uri
from orcid_sync.orcid.vocabulary import WORK_TYPES

FALLBACK_WORK_TYPE = "other"

DEFAULT_TYPE_TABLE: Mapping[str, str] = MappingProxyType(
    {
        # Contributions to journals
        "contributiontojournal": "journal-article",
        **{
            f"contributiontojournal/{subtype}": "journal-article"
            for subtype in (
                "article",
                "letter",
                "comment",
                "editorial",
                "erratum",
                "shortsurvey",
                "systematicreview",
                "review",
            )
        },
        "contributiontojournal/conferencearticle": "conference-paper",
        "contributiontojournal/book": "book-review",
        "contributiontojournal/abstract": "conference-abstract",
        # Contributions to books and anthologies
        "contributiontobookanthology": "book-chapter",
        "contributiontobookanthology/chapter": "book-chapter",
        "contributiontobookanthology/foreword": "book-chapter",
        "contributiontobookanthology/other": "book-chapter",
        "contributiontobookanthology/conference": "conference-paper",
        "contributiontobookanthology/entry": "encyclopedia-entry",
        # Books and anthologies
        "bookanthology": "book",
        "bookanthology/book": "book",
        "bookanthology/anthology": "edited-book",
        "bookanthology/edited_book": "edited-book",
        "bookanthology/report": "report",
        "bookanthology/commissioned": "report",
        "bookanthology/commissioned_report": "report",
        "bookanthology/conference": "conference-proceedings",
        "bookanthology/conferenceproceedings": "conference-proceedings",
        # Contributions to conferences
        "contributiontoconference": "conference-output",
        "contributiontoconference/paper": "conference-paper",
        "contributiontoconference/poster": "conference-poster",
        "contributiontoconference/abstract": "conference-abstract",
        "contributiontoconference/other": "conference-presentation",
        # Working papers
        "workingpaper": "working-paper",
        "workingpaper/workingpaper": "working-paper",
        "workingpaper/discussionpaper": "working-paper",
        "workingpaper/preprint": "preprint",
        # Theses
        "thesis": "dissertation-thesis",
        # Patents
        "patent": "patent",
        # Non-textual forms
        "nontextual": "other",
        "nontextual/software": "software",
        "nontextual/database": "data-set",
        "nontextual/web": "website",
        # Periodicals and specialist publications
        "contributiontoperiodical": "magazine-article",
        "contributiontoperiodical/newspaper": "newspaper-article",
        "contributiontospecialistpublication": "magazine-article",
        "contributiontospecialistpublication/newspaper": "newspaper-article",
        # Memoranda and other contributions
        "memorandum": "report",
        "othercontribution": "other",
    }
)


def type_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The default table with a deployment's entries on top; raise ValueError on an unknown ORCID type.

    Checked here rather than at send time so a mistyped deployment table fails when it is loaded.
    """
    table = dict(DEFAULT_TYPE_TABLE)
    for key, work_type in (extra or {}).items():
        if work_type not in WORK_TYPES:
            raise ValueError(
                f"type table entry {key!r} maps to {work_type!r}, which is not an ORCID work type"
            )
        table[key.strip("/").lower()] = work_type
    return table


def orcid_work_type(type_uri: str | None, extra: Mapping[str, str] | None = None) -> str:
    """The ORCID work type for a Pure type URI: by `group/subtype`, then `group`, then `other`."""
    table = type_table(extra) if extra else DEFAULT_TYPE_TABLE
    group, subtype = split_type_uri(type_uri)
    if group is None:
        return FALLBACK_WORK_TYPE
    if subtype is not None and f"{group}/{subtype}" in table:
        return table[f"{group}/{subtype}"]
    return table.get(group, FALLBACK_WORK_TYPE)
