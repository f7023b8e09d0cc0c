"""A research output as this project understands it, whichever Pure API it was read from.

Everything but the uuid is optional because real Pure records omit fields freely. Values are already
cleaned of Pure's quirks (DOIs bare and lowercase, abstracts as plain text, ISBNs and ISSNs where they
belong) but not judged: an identifier with a wrong check digit is kept as written so the work builder can
report it when it drops it.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

_TYPE_URI_MARKER = "/researchoutputtypes/"


def split_type_uri(type_uri: str | None) -> tuple[str | None, str | None]:
    """Return (group, subtype) of a Pure research-output type URI; (None, None) if it is not one.

    `/dk/atira/pure/researchoutput/researchoutputtypes/contributiontojournal/article` gives
    (`contributiontojournal`, `article`).
    """
    if not type_uri or _TYPE_URI_MARKER not in type_uri:
        return None, None
    parts = [part for part in type_uri.split(_TYPE_URI_MARKER, 1)[1].split("/") if part]
    if not parts:
        return None, None
    return parts[0].lower(), (parts[1].lower() if len(parts) > 1 else None)


class OrcidPutCode(BaseModel):
    """A work Pure's own ORCID export created: `/<iD>/work/<put-code>` as Pure records it."""

    model_config = ConfigDict(frozen=True)

    orcid: str
    put_code: int


class AuthorKind(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    COLLABORATION = "collaboration"


class PureDate(BaseModel):
    """Pure's compound date: a year, maybe a month, maybe a day (not checked against the calendar)."""

    model_config = ConfigDict(frozen=True)

    year: int
    month: int | None = None
    day: int | None = None


class Author(BaseModel):
    """One person or collaboration on the output, at its position in Orbit's list."""

    model_config = ConfigDict(frozen=True)

    position: int = Field(ge=0)
    kind: AuthorKind = AuthorKind.EXTERNAL
    person_uuid: str | None = None
    """The Orbit person uuid, for internal authors only."""
    name: str | None = None
    """The name as written on the output; None when Pure gives none."""
    role: str | None = None
    """The last segment of Pure's role URI: author, editor, translator, …"""
    hidden: bool = False
    """Pure hides individual contributors behind an author collaboration; we respect that."""


class Publication(BaseModel):
    """A research output from Orbit (Pure), independent of which API shape it came in."""

    model_config = ConfigDict(frozen=True)

    uuid: str
    title: str | None = None
    """The title as Pure holds it, in the output's own language."""
    subtitle: str | None = None
    translated_titles: dict[str, str] = Field(default_factory=dict)
    """Translations of the title by Pure locale (en_GB, da_DK, …)."""
    type_uri: str | None = None
    publication_status: str | None = None
    """The current status, last segment of its URI: published, epub, inpress, submitted, …"""
    publication_date: PureDate | None = None
    language: str | None = None
    """ISO 639-1 code of the output's language (`en`, `da`), or None when Pure says undefined."""
    authors: tuple[Author, ...] = ()
    total_authors: int | None = None
    """Pure's count of all authors; the list itself can be shorter."""
    dois: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    journal_title: str | None = None
    issns: tuple[str, ...] = ()
    """The journal's (or series') ISSNs."""
    host_publication_title: str | None = None
    isbns: tuple[str, ...] = ()
    """ISBNs of the book this output is, or (for chapters) is part of."""
    event: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None
    abstract: str | None = None
    """Plain text (Pure's HTML already removed)."""
    portal_url: str | None = None
    pmid: str | None = None
    arxiv_id: str | None = None
    visibility: str | None = None
    """Pure's visibility key: FREE, CAMPUS, BACKEND, CONFIDENTIAL."""
    confidential: bool | None = None
    workflow_step: str | None = None
    orcid_put_codes: tuple[OrcidPutCode, ...] = ()
    """The works Pure's own ORCID export made for this output, one per author's record."""

    def put_code_on(self, orcid: str) -> int | None:
        """The put-code Pure's export recorded for this output on `orcid`'s record, if any."""
        return next((entry.put_code for entry in self.orcid_put_codes if entry.orcid == orcid), None)

    @property
    def type_group(self) -> str | None:
        """The type's group, e.g. `contributiontojournal`."""
        return split_type_uri(self.type_uri)[0]

    @property
    def type_subtype(self) -> str | None:
        """The type's subtype, e.g. `article`."""
        return split_type_uri(self.type_uri)[1]

    def authors_with_person(self, person_uuid: str) -> tuple[Author, ...]:
        """The author entries of one internal person (there can be two: author and editor)."""
        wanted = person_uuid.lower()
        return tuple(
            author
            for author in self.authors
            if author.person_uuid is not None and author.person_uuid.lower() == wanted
        )

    @property
    def first_internal_author(self) -> str | None:
        """The person uuid of the first internal author in Orbit's order, if any."""
        return next((author.person_uuid for author in self.authors if author.person_uuid), None)
