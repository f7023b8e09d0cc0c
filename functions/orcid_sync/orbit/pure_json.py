"""Pure JSON (Web Service 5.x or the newer Pure API) → `Publication`.

The two APIs differ in shape, not meaning (see docs: localized text as `{"text": [{locale, value}]}` or
`{"en_GB": …}`, authors as `personAssociations` or `contributors`, …). Each field is read by trying both
shapes, so a record is read the same whichever API a deployment is granted, and a missing field is None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from orcid_sync.domain.identifiers import (
    is_uuid,
    is_valid_isbn,
    is_valid_issn,
    normalize_arxiv_id,
    normalize_doi,
    normalize_pmid,
)
from orcid_sync.orbit.plain_text import html_to_text
from orcid_sync.orbit.publication import Author, AuthorKind, OrcidPutCode, Publication, PureDate

_LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
_ARXIV_LINK_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\S+)", re.IGNORECASE)
_RESEARCH_OUTPUT_FIELDS = ("title", "type", "publicationStatuses", "personAssociations", "contributors")
_UNLOCALIZED = ""


class MalformedResearchOutput(ValueError):
    """The JSON is not a Pure research output at all (not an object, no uuid, another kind of content)."""


def publication_from_pure(data: object) -> Publication:
    """Read a Pure research output in either API shape; raise MalformedResearchOutput if it is not one."""
    record = _require_research_output(data)
    language = _language(_obj(record.get("language")).get("uri"))
    title, translated = _titles(record, language)
    status, date = _current_status(record)
    isbns, issns = _isbns_and_issns(record)
    links = _links(record)
    pmid, arxiv_id = _other_ids(record, links)
    workflow = _obj(record.get("workflow"))
    confidential = record.get("confidential")
    return Publication(
        uuid=str(record["uuid"]).lower(),
        title=title,
        subtitle=_text(_pick(_localized(record.get("subTitle")), language)),
        translated_titles=translated,
        type_uri=_str(_obj(record.get("type")).get("uri")),
        publication_status=status,
        publication_date=date,
        language=language,
        authors=tuple(_authors(record)),
        total_authors=_int(record.get("totalNumberOfAuthors", record.get("totalNumberOfContributors"))),
        dois=_unique(_doi(version.get("doi")) for version in _dicts(record.get("electronicVersions"))),
        links=links,
        journal_title=_journal_title(record),
        issns=issns,
        host_publication_title=_text(_pick(_localized(record.get("hostPublicationTitle")), language)),
        isbns=isbns,
        event=_text(_pick(_localized(_obj(record.get("event")).get("name")), language)),
        volume=_str(record.get("volume")),
        issue=_str(record.get("journalNumber")),
        pages=_str(record.get("pages")),
        article_number=_str(record.get("articleNumber")),
        abstract=_text(_pick(_localized(record.get("abstract")), language)),
        portal_url=_str(_obj(record.get("info")).get("portalUrl")) or _str(record.get("portalUrl")),
        pmid=pmid,
        arxiv_id=arxiv_id,
        visibility=_str(_obj(record.get("visibility")).get("key")),
        confidential=confidential if isinstance(confidential, bool) else None,
        workflow_step=_str(workflow.get("workflowStep")) or _str(workflow.get("step")),
        orcid_put_codes=_orcid_put_codes(record),
    )


def _require_research_output(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise MalformedResearchOutput(f"a research output is a JSON object, not {type(data).__name__}")
    uuid = data.get("uuid")
    if not isinstance(uuid, str) or not is_uuid(uuid.strip()):
        raise MalformedResearchOutput("not a research output: it has no uuid")
    system_name = data.get("systemName")
    if system_name is not None and system_name != "ResearchOutput":
        raise MalformedResearchOutput(f"not a research output: its systemName is {system_name!r}")
    type_uri = _str(_obj(data.get("type")).get("uri"))
    if type_uri is not None and "/researchoutputtypes/" not in type_uri:
        raise MalformedResearchOutput(f"not a research output: its type is {type_uri!r}")
    if not any(field in data for field in _RESEARCH_OUTPUT_FIELDS):
        raise MalformedResearchOutput("not a research output: no title, type, status or authors")
    if uuid != uuid.strip():
        data = {**data, "uuid": uuid.strip()}
    return data


# --- Small readers that never raise on an unexpected shape -------------------------------------------


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


def _last_segment(uri: object) -> str | None:
    text = _str(uri)
    if text is None:
        return None
    return text.rstrip("/").rsplit("/", 1)[-1] or None


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _text(value: str | None) -> str | None:
    """Formatted Pure text → plain text; None when nothing is left."""
    return (html_to_text(value) or None) if value else None


def _localized(value: object) -> dict[str, str]:
    """Any Pure text shape → {locale: text}; a text without a locale is keyed by ""."""
    if isinstance(value, str):
        return {_UNLOCALIZED: value}
    obj = _obj(value)
    if isinstance(obj.get("text"), list):  # WS 5.x: {"formatted": …, "text": [{"locale", "value"}]}
        texts: dict[str, str] = {}
        for entry in _dicts(obj["text"]):
            text = _str(entry.get("value"))
            if text:
                texts.setdefault(_str(entry.get("locale")) or _UNLOCALIZED, text)
        return texts
    if "value" in obj:  # a formatted string: {"formatted": true, "value": "…"}
        text = _str(obj.get("value"))
        return {_UNLOCALIZED: text} if text else {}
    # Pure API: {"en_GB": "…", "da_DK": "…"}
    return {key: text for key, raw in obj.items() if _LOCALE_RE.match(key) and (text := _str(raw))}


def _pick(texts: dict[str, str], language: str | None) -> str | None:
    """The text in the output's language, else English, else the unlocalized one, else any."""
    for wanted in (language, "en"):
        for locale, text in texts.items():
            if wanted and locale.split("_")[0] == wanted:
                return text
    return texts.get(_UNLOCALIZED) or next(iter(texts.values()), None)


def _language(uri: object) -> str | None:
    """`/dk/atira/pure/core/languages/en_GB` → `en`; `und` (undefined) and oddities → None."""
    segment = _last_segment(uri)
    if not segment:
        return None
    parts = segment.split("_")
    code = parts[0].lower()
    if code == "zh" and len(parts) > 1 and parts[1].upper() in {"CN", "TW"}:
        return f"zh_{parts[1].upper()}"
    return code if len(code) == 2 and code.isalpha() else None


# --- Fields ----------------------------------------------------------------------------------------


def _titles(record: dict[str, Any], language: str | None) -> tuple[str | None, dict[str, str]]:
    main = _localized(record.get("title"))
    translated = {
        locale: clean
        for locale, text in _localized(record.get("translatedTitle")).items()
        if locale and (clean := _text(text))
    }
    title = _text(_pick(main, language))
    # Older WS versions give the title itself per locale; the other locales are translations.
    for locale, text in main.items():
        clean = _text(text)
        if locale and clean and clean != title:
            translated.setdefault(locale, clean)
    return title, translated


def _current_status(record: dict[str, Any]) -> tuple[str | None, PureDate | None]:
    statuses = _dicts(record.get("publicationStatuses"))
    current = next((status for status in statuses if status.get("current") is True), None)
    if current is None and statuses:
        # Pure marks exactly one status current; without the flag the latest dated one is the current.
        current = max(statuses, key=lambda status: _date_key(_date(status.get("publicationDate"))))
    if current is None:
        return None, None
    return _last_segment(_obj(current.get("publicationStatus")).get("uri")), _date(
        current.get("publicationDate")
    )


def _date(value: object) -> PureDate | None:
    obj = _obj(value)
    year = _int(obj.get("year"))
    if year is None:
        return None
    return PureDate(year=year, month=_int(obj.get("month")), day=_int(obj.get("day")))


def _date_key(date: PureDate | None) -> tuple[int, int, int]:
    return (date.year, date.month or 0, date.day or 0) if date else (0, 0, 0)


def _authors(record: dict[str, Any]) -> Iterable[Author]:
    entries = record.get("personAssociations")
    if not isinstance(entries, list):
        entries = record.get("contributors")
    for position, entry in enumerate(entries if isinstance(entries, list) else []):
        association = _obj(entry)
        discriminator = _str(association.get("typeDiscriminator")) or ""
        if "person" in association or discriminator.startswith("Internal"):
            kind = AuthorKind.INTERNAL
        elif "authorCollaboration" in association or discriminator.startswith("AuthorCollaboration"):
            kind = AuthorKind.COLLABORATION
        else:
            kind = AuthorKind.EXTERNAL
        name = _person_name(association.get("name"))
        if name is None and kind is AuthorKind.COLLABORATION:
            collaboration = _obj(association.get("authorCollaboration"))
            name = _pick(_localized(collaboration.get("name")), None)
        role = association.get("personRole", association.get("role"))
        yield Author(
            position=position,
            kind=kind,
            person_uuid=_str(_obj(association.get("person")).get("uuid"))
            if kind is AuthorKind.INTERNAL
            else None,
            name=name,
            role=_last_segment(_obj(role).get("uri")),
            hidden=association.get("hidden") is True,
        )


def _person_name(value: object) -> str | None:
    """The name as written on the output: "First Last"; None when Pure gives no name."""
    obj = _obj(value)
    if "firstName" in obj or "lastName" in obj:
        parts = (_str(obj.get("firstName")), _str(obj.get("lastName")))
        return " ".join(part for part in parts if part) or None
    return _pick(_localized(value), None)


def _doi(value: object) -> str | None:
    text = _str(value)
    # An unrecognisable DOI is kept as written: the work builder reports it when it drops it.
    return (normalize_doi(text) or text) if text else None


def _links(record: dict[str, Any]) -> tuple[str, ...]:
    return _unique(
        [_str(version.get("link")) for version in _dicts(record.get("electronicVersions"))]
        + [_str(link.get("url")) for link in _dicts(record.get("additionalLinks"))]
        + [_str(link.get("url")) for link in _dicts(record.get("links"))]
    )


def _journal_title(record: dict[str, Any]) -> str | None:
    association = _obj(record.get("journalAssociation"))
    title = association.get("title")
    text = _str(title) or _str(_obj(title).get("value")) or _str(_obj(title).get("title"))
    if text is None:
        text = _pick(_localized(_obj(association.get("journal")).get("name")), None)
    return _text(text)


def _isbns_and_issns(record: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ISBNs and ISSNs, each moved to where it belongs when Pure has them swapped (by check digits)."""
    written_isbns: list[str] = []
    for field in ("isbns", "electronicIsbns", "printISBNs", "electronicISBNs"):
        values = record.get(field)
        for value in values if isinstance(values, list) else []:
            obj = _obj(value)
            written_isbns.append(_str(value) or _str(obj.get("value")) or _str(obj.get("isbn")) or "")
    issn = _obj(record.get("journalAssociation")).get("issn")
    written_issns = [_str(issn) or _str(_obj(issn).get("value")) or _str(_obj(issn).get("issn")) or ""]
    isbns = [value for value in written_isbns if is_valid_isbn(value) or not is_valid_issn(value)]
    issns = [value for value in written_issns if is_valid_issn(value) or not is_valid_isbn(value)]
    isbns += [value for value in written_issns if value not in issns]
    issns += [value for value in written_isbns if value not in isbns]
    return _unique(isbns), _unique(issns)


_PURE_ORCID_WORK_RE = re.compile(r"^/?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/work/(\d{1,18})$")


def _orcid_put_codes(record: dict[str, Any]) -> tuple[OrcidPutCode, ...]:
    """Pure's export's `/<iD>/work/<put-code>` entries: WS `info.additionalExternalIds`, or the Pure API's
    `identifiers` of type PrimaryId or Id; malformed values are left out."""
    entries = _dicts(_obj(record.get("info")).get("additionalExternalIds")) + [
        entry
        for entry in _dicts(record.get("identifiers"))
        if entry.get("typeDiscriminator", "PrimaryId") in ("PrimaryId", "Id")
    ]
    found: list[OrcidPutCode] = []
    for entry in entries:
        if (_str(entry.get("idSource")) or "").upper() != "ORCID":
            continue
        match = _PURE_ORCID_WORK_RE.match((_str(entry.get("value")) or _str(entry.get("id")) or "").strip())
        if match is None:
            continue
        put_code = OrcidPutCode(orcid=match.group(1), put_code=int(match.group(2)))
        if put_code not in found:
            found.append(put_code)
    return tuple(found)


def _other_ids(record: dict[str, Any], links: tuple[str, ...]) -> tuple[str | None, str | None]:
    """PubMed and arXiv ids from WS `info.additionalExternalIds` or Pure API `identifiers`."""
    pmid: str | None = None
    arxiv_id: str | None = None
    entries = _dicts(_obj(record.get("info")).get("additionalExternalIds")) + _dicts(
        record.get("identifiers")
    )
    for entry in entries:
        source = (
            _str(entry.get("idSource")) or _last_segment(_obj(entry.get("type")).get("uri")) or ""
        ).lower()
        value = _str(entry.get("value")) or _str(entry.get("id"))
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
