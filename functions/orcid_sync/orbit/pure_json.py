"""Pure JSON (Web Service 5.x or the newer Pure API) → `Publication`.

The JSON is read into `PureResearchOutput` (pydantic models of both shapes, pure_research_output.py),
then mapped here to our `Publication`: the output's language picks its texts, DOIs are normalized, HTML is
removed, swapped ISBNs and ISSNs are put back. A record reads the same whichever API a deployment is
granted, and a missing field is None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import ValidationError

from orcid_sync.domain.identifiers import (
    is_valid_isbn,
    is_valid_issn,
    normalize_arxiv_id,
    normalize_doi,
    normalize_pmid,
)
from orcid_sync.orbit.plain_text import html_to_text
from orcid_sync.orbit.publication import Author, AuthorKind, OrcidPutCode, Publication, PureDate
from orcid_sync.orbit.pure_research_output import (
    AuthorAssociation,
    CompoundDate,
    ExternalId,
    FirstLastName,
    PublicationStatus,
    PureResearchOutput,
)
from orcid_sync.orbit.pure_types import NO_TEXT, last_segment

_ARXIV_LINK_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\S+)", re.IGNORECASE)
_NO_ASSOCIATION = AuthorAssociation.model_construct()  # constructed: models build on first use


class MalformedResearchOutput(ValueError):
    """The JSON is not a Pure research output at all (not an object, no uuid, another kind of content)."""


def publication_from_pure(data: object) -> Publication:
    """Read a Pure research output in either API shape; raise MalformedResearchOutput if it is not one."""
    record = read_research_output(data)
    language = _language(record.language.uri if record.language else None)
    title, translated = _titles(record, language)
    status, date = _current_status(record.publication_statuses)
    isbns, issns = _isbns_and_issns(record)
    links = _links(record)
    pmid, arxiv_id = _other_ids(record, links)
    workflow = record.workflow
    return Publication(
        uuid=record.uuid.lower(),
        title=title,
        subtitle=_text(record.sub_title.pick(language)),
        translated_titles=translated,
        type_uri=record.type_uri,
        publication_status=status,
        publication_date=date,
        language=language,
        authors=tuple(_authors(record)),
        total_authors=_total_authors(record),
        dois=_unique(_doi(version.doi) for version in record.electronic_versions),
        links=links,
        journal_title=_journal_title(record),
        issns=issns,
        host_publication_title=_text(record.host_publication_title.pick(language)),
        isbns=isbns,
        event=_text(record.event.name.pick(language)) if record.event else None,
        volume=record.volume,
        issue=record.journal_number,
        pages=record.pages,
        article_number=record.article_number,
        abstract=_text(record.abstract.pick(language)),
        portal_url=(record.info.portal_url if record.info else None) or record.portal_url,
        pmid=pmid,
        arxiv_id=arxiv_id,
        visibility=record.visibility.key if record.visibility else None,
        confidential=record.confidential,
        workflow_step=(workflow.workflow_step or workflow.step) if workflow else None,
        orcid_put_codes=_orcid_put_codes(record),
    )


def read_research_output(data: object) -> PureResearchOutput:
    """Pure JSON → our model of its research output; MalformedResearchOutput says why it is not one."""
    if not isinstance(data, dict):
        raise MalformedResearchOutput(f"a research output is a JSON object, not {type(data).__name__}")
    try:
        return PureResearchOutput.read(data)
    except ValidationError as exc:
        raise MalformedResearchOutput(_reason(exc)) from None


def _reason(exc: ValidationError) -> str:
    error = exc.errors()[0]
    if error["loc"] == ("uuid",):
        return "not a research output: it has no uuid"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return f"the research output does not fit our model: {error['msg']}"


# --- Fields ----------------------------------------------------------------------------------------


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _text(value: str | None) -> str | None:
    """Formatted Pure text → plain text; None when nothing is left."""
    return (html_to_text(value) or None) if value else None


def _language(uri: str | None) -> str | None:
    """`/dk/atira/pure/core/languages/en_GB` → `en`; `und` (undefined) and oddities → None."""
    segment = last_segment(uri)
    if not segment:
        return None
    parts = segment.split("_")
    code = parts[0].lower()
    if code == "zh" and len(parts) > 1 and parts[1].upper() in {"CN", "TW"}:
        return f"zh_{parts[1].upper()}"
    return code if len(code) == 2 and code.isalpha() else None


def _titles(record: PureResearchOutput, language: str | None) -> tuple[str | None, dict[str, str]]:
    translated = {
        locale: clean for locale, text in record.translated_title if locale and (clean := _text(text))
    }
    title = _text(record.title.pick(language))
    # Older WS versions give the title itself per locale; the other locales are translations.
    for locale, text in record.title:
        clean = _text(text)
        if locale and clean and clean != title:
            translated.setdefault(locale, clean)
    return title, translated


def _current_status(statuses: tuple[PublicationStatus, ...]) -> tuple[str | None, PureDate | None]:
    current = next((status for status in statuses if status.current is True), None)
    if current is None and statuses:
        # Pure marks exactly one status current; without the flag the latest dated one is the current.
        current = max(statuses, key=lambda status: _date_key(_date(status.publication_date)))
    if current is None:
        return None, None
    uri = current.publication_status.uri if current.publication_status else None
    return last_segment(uri), _date(current.publication_date)


def _date(value: CompoundDate | None) -> PureDate | None:
    if value is None or value.year is None:
        return None
    return PureDate(year=value.year, month=value.month, day=value.day)


def _date_key(date: PureDate | None) -> tuple[int, int, int]:
    return (date.year, date.month or 0, date.day or 0) if date else (0, 0, 0)


def _total_authors(record: PureResearchOutput) -> int | None:
    if "total_number_of_authors" in record.model_fields_set:  # WS 5.x, even when unreadable
        return record.total_number_of_authors
    return record.total_number_of_contributors


def _authors(record: PureResearchOutput) -> Iterable[Author]:
    entries = record.person_associations
    if entries is None:
        entries = record.contributors or ()
    for position, entry in enumerate(entries):
        association = entry or _NO_ASSOCIATION
        kind = _author_kind(association)
        name = _person_name(association)
        if name is None and kind is AuthorKind.COLLABORATION and association.author_collaboration:
            name = association.author_collaboration.name.pick(None)
        role = association.person_role if association.has("person_role") else association.role
        person = association.person
        yield Author(
            position=position,
            kind=kind,
            person_uuid=person.uuid if person and kind is AuthorKind.INTERNAL else None,
            name=name,
            role=last_segment(role.uri) if role else None,
            hidden=association.hidden is True,
        )


def _author_kind(association: AuthorAssociation) -> AuthorKind:
    discriminator = association.type_discriminator or ""
    if association.has("person") or discriminator.startswith("Internal"):
        return AuthorKind.INTERNAL
    if association.has("author_collaboration") or discriminator.startswith("AuthorCollaboration"):
        return AuthorKind.COLLABORATION
    return AuthorKind.EXTERNAL


def _person_name(association: AuthorAssociation) -> str | None:
    """The name as written on the output: "First Last"; None when Pure gives no name."""
    name = association.name
    return name.full if isinstance(name, FirstLastName) else name.pick(None)


def _doi(value: str | None) -> str | None:
    # An unrecognisable DOI is kept as written: the work builder reports it when it drops it.
    return (normalize_doi(value) or value) if value else None


def _links(record: PureResearchOutput) -> tuple[str, ...]:
    return _unique(
        [version.link for version in record.electronic_versions]
        + [link.url for link in record.additional_links]
        + [link.url for link in record.links]
    )


def _journal_title(record: PureResearchOutput) -> str | None:
    association = record.journal_association
    if association is None:
        return None
    text = association.title.text if association.title else None
    if text is None:
        text = (association.journal.name if association.journal else NO_TEXT).pick(None)
    return _text(text)


def _isbns_and_issns(record: PureResearchOutput) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ISBNs and ISSNs, each moved to where it belongs when Pure has them swapped (by check digits)."""
    written_isbns = [
        isbn.text or ""
        for isbn in (
            *record.isbns,
            *record.electronic_isbns,
            *record.print_isbns,
            *record.electronic_isbns_api,
        )
    ]
    association = record.journal_association
    issn = association.issn if association else None
    written_issns = [(issn.text if issn else None) or ""]
    isbns = [value for value in written_isbns if is_valid_isbn(value) or not is_valid_issn(value)]
    issns = [value for value in written_issns if is_valid_issn(value) or not is_valid_isbn(value)]
    isbns += [value for value in written_issns if value not in issns]
    issns += [value for value in written_isbns if value not in isbns]
    return _unique(isbns), _unique(issns)


_PURE_ORCID_WORK_RE = re.compile(r"^/?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/work/(\d{1,18})$")


def _orcid_put_codes(record: PureResearchOutput) -> tuple[OrcidPutCode, ...]:
    """Pure's export's `/<iD>/work/<put-code>` entries: WS `info.additionalExternalIds`, or the Pure API's
    `identifiers` of type PrimaryId or Id; malformed values are left out."""
    entries = [
        *_additional_ids(record),
        *(entry for entry in record.identifiers if entry.type_discriminator in ("PrimaryId", "Id")),
    ]
    found: list[OrcidPutCode] = []
    for entry in entries:
        if (entry.id_source or "").upper() != "ORCID":
            continue
        match = _PURE_ORCID_WORK_RE.match(entry.text or "")
        if match is None:
            continue
        put_code = OrcidPutCode(orcid=match.group(1), put_code=int(match.group(2)))
        if put_code not in found:
            found.append(put_code)
    return tuple(found)


def _additional_ids(record: PureResearchOutput) -> tuple[ExternalId, ...]:
    return record.info.additional_external_ids if record.info else ()


def _other_ids(record: PureResearchOutput, links: tuple[str, ...]) -> tuple[str | None, str | None]:
    """PubMed and arXiv ids from WS `info.additionalExternalIds` or Pure API `identifiers`."""
    pmid: str | None = None
    arxiv_id: str | None = None
    for entry in (*_additional_ids(record), *record.identifiers):
        type_uri = entry.type.uri if entry.type else None
        source = (entry.id_source or last_segment(type_uri) or "").lower()
        value = entry.text
        if not value:
            continue
        # ORCID put-codes that Pure's own export recorded (idSource "ORCID") are read by _orcid_put_codes.
        if pmid is None and ("pubmed" in source or source == "pmid"):
            pmid = normalize_pmid(value) or value
        elif arxiv_id is None and "arxiv" in source:
            arxiv_id = normalize_arxiv_id(value) or value
    if arxiv_id is None:
        for link in links:
            match = _ARXIV_LINK_RE.search(link)
            if match and (found := normalize_arxiv_id(match.group(1))):
                arxiv_id = found
                break
    return pmid, arxiv_id
