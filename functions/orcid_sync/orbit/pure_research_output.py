"""A Pure research output as pydantic models: the fields we use, in both API shapes.

WS 5.x and the newer Pure API differ in shape, not meaning (../shared/docs/pure-api.md): where a field
has a name per API, both are declared and the reader takes whichever Pure sent. Every field may be
missing or of another type (read as missing); what is refused is explicit, in `PureResearchOutput`'s
checks: not an object, no uuid, another kind of content.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Discriminator, Field, StrictStr, StringConstraints, Tag, model_validator

from orcid_sync.domain.identifiers import UUID_PATTERN
from orcid_sync.orbit.pure_types import (
    NO_TEXT,
    Items,
    Lenient,
    Localized,
    PureFlag,
    PureInt,
    PureModel,
    PureStr,
    Ref,
)

_TYPE_MARKER = "/researchoutputtypes/"
_CONTENT_FIELDS = frozenset({"title", "type", "publication_statuses", "person_associations", "contributors"})


class _Written(PureModel):
    """A value Pure writes bare (`"0317-8471"`, WS 5.x) or in an object (`{"value": …}`, `{"issn": …}`)."""

    value: PureStr = None

    @model_validator(mode="before")
    @classmethod
    def _bare_as_value(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": data}


class JournalTitle(_Written):
    title: PureStr = None  # Pure API: {"title": …}

    @property
    def text(self) -> str | None:
        return self.value or self.title


class Issn(_Written):
    issn: PureStr = None  # Pure API: {"issn": …}

    @property
    def text(self) -> str | None:
        return self.value or self.issn


class Isbn(_Written):
    isbn: PureStr = None  # Pure API: {"isbn": …}

    @property
    def text(self) -> str | None:
        return self.value or self.isbn


class CompoundDate(PureModel):
    """`{"year": 2021, "month": 6, "day": 1}`; month and day optional, placeholders read as missing."""

    year: PureInt = None
    month: PureInt = None
    day: PureInt = None


class PublicationStatus(PureModel):
    current: PureFlag = None
    publication_status: Lenient[Ref] = Field(None, alias="publicationStatus")
    publication_date: Lenient[CompoundDate] = Field(None, alias="publicationDate")


class FirstLastName(PureModel):
    first_name: PureStr = Field(None, alias="firstName")
    last_name: PureStr = Field(None, alias="lastName")

    @property
    def full(self) -> str | None:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or None


def _name_shape(value: Any) -> str:
    if isinstance(value, dict) and ("firstName" in value or "lastName" in value):
        return "first-last"
    return "text"


AuthorName = Annotated[
    Annotated[FirstLastName, Tag("first-last")] | Annotated[Localized, Tag("text")],
    Discriminator(_name_shape),
]


class _Named(PureModel):
    name: Localized = NO_TEXT


class AuthorAssociation(PureModel):
    """WS `personAssociations[]` (`person` / `externalPerson` / `authorCollaboration`) or Pure API
    `contributors[]` (`typeDiscriminator` Internal / External / AuthorCollaboration…Association)."""

    type_discriminator: PureStr = Field(None, alias="typeDiscriminator")
    person: Lenient[Ref] = None
    author_collaboration: Lenient[_Named] = Field(None, alias="authorCollaboration")
    name: AuthorName = NO_TEXT
    person_role: Lenient[Ref] = Field(None, alias="personRole")  # WS 5.x
    role: Lenient[Ref] = None  # Pure API
    hidden: PureFlag = None

    def has(self, field: str) -> bool:
        """Whether Pure sent the field at all (even as null): for the fields whose presence says something."""
        return field in self.model_fields_set


class ElectronicVersion(PureModel):
    doi: PureStr = None
    link: PureStr = None


class Link(PureModel):
    url: PureStr = None


class JournalAssociation(PureModel):
    title: Lenient[JournalTitle] = None
    journal: Lenient[_Named] = None  # {"name": …}: the journal's own record, when there is no title
    issn: Lenient[Issn] = None


class ExternalId(PureModel):
    """WS `info.additionalExternalIds[]` or Pure API `identifiers[]`: `{idSource, value}` (or `id`)."""

    # Raw, unlike the other texts: only PrimaryId and Id entries (or none said) are Pure's own ids.
    type_discriminator: Lenient[StrictStr] = Field("PrimaryId", alias="typeDiscriminator")
    id_source: PureStr = Field(None, alias="idSource")
    type: Lenient[Ref] = None
    value: PureStr = None
    id: PureStr = None

    @property
    def text(self) -> str | None:
        return self.value or self.id


class Info(PureModel):
    portal_url: PureStr = Field(None, alias="portalUrl")
    additional_external_ids: Items[ExternalId] = Field((), alias="additionalExternalIds")


class Workflow(PureModel):
    workflow_step: PureStr = Field(None, alias="workflowStep")  # WS 5.x
    step: PureStr = None  # Pure API


class Visibility(PureModel):
    key: PureStr = None


class PureResearchOutput(PureModel):
    """The fields of a research output that become a `Publication`."""

    uuid: Annotated[str, StringConstraints(strip_whitespace=True, pattern=UUID_PATTERN)]
    system_name: Any = Field(None, alias="systemName")  # as sent: anything but "ResearchOutput" is refused
    title: Localized = NO_TEXT
    sub_title: Localized = Field(NO_TEXT, alias="subTitle")
    translated_title: Localized = Field(NO_TEXT, alias="translatedTitle")
    type: Lenient[Ref] = None
    language: Lenient[Ref] = None
    publication_statuses: Items[PublicationStatus] = Field((), alias="publicationStatuses")
    # Authors keep their positions: an entry that is not an object is an author with nothing known.
    # WS 5.x's list, unless it is missing or not a list: then the Pure API's.
    person_associations: Lenient[tuple[Lenient[AuthorAssociation], ...]] = Field(
        None, alias="personAssociations"
    )
    contributors: Lenient[tuple[Lenient[AuthorAssociation], ...]] = None
    total_number_of_authors: PureInt = Field(None, alias="totalNumberOfAuthors")
    total_number_of_contributors: PureInt = Field(None, alias="totalNumberOfContributors")
    electronic_versions: Items[ElectronicVersion] = Field((), alias="electronicVersions")
    additional_links: Items[Link] = Field((), alias="additionalLinks")
    links: Items[Link] = ()
    journal_association: Lenient[JournalAssociation] = Field(None, alias="journalAssociation")
    host_publication_title: Localized = Field(NO_TEXT, alias="hostPublicationTitle")
    isbns: Items[Isbn] = ()  # WS 5.x
    electronic_isbns: Items[Isbn] = Field((), alias="electronicIsbns")  # WS 5.x
    print_isbns: Items[Isbn] = Field((), alias="printISBNs")  # Pure API
    electronic_isbns_api: Items[Isbn] = Field((), alias="electronicISBNs")  # Pure API
    event: Lenient[_Named] = None
    volume: PureStr = None
    journal_number: PureStr = Field(None, alias="journalNumber")
    pages: PureStr = None
    article_number: PureStr = Field(None, alias="articleNumber")
    abstract: Localized = NO_TEXT
    info: Lenient[Info] = None
    portal_url: PureStr = Field(None, alias="portalUrl")
    identifiers: Items[ExternalId] = ()
    visibility: Lenient[Visibility] = None
    confidential: PureFlag = None
    workflow: Lenient[Workflow] = None

    @model_validator(mode="after")
    def _is_a_research_output(self) -> Self:
        if self.system_name is not None and self.system_name != "ResearchOutput":
            raise ValueError(f"not a research output: its systemName is {self.system_name!r}")
        if self.type_uri is not None and _TYPE_MARKER not in self.type_uri:
            raise ValueError(f"not a research output: its type is {self.type_uri!r}")
        if not self.model_fields_set & _CONTENT_FIELDS:
            raise ValueError("not a research output: no title, type, status or authors")
        return self

    @property
    def type_uri(self) -> str | None:
        return self.type.uri if self.type else None
