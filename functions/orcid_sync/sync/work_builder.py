"""Publication (ours, from Orbit) → ORCID Work, for one consenting researcher.

Every identifier is checked before it is used: a DOI, ISBN, ISSN, PubMed or arXiv id that is not well
formed is left out and reported in `WorkBuild.dropped`, never sent. The Orbit uuid always goes out as a
`source-work-id` with relationship `self`, which is what makes a second POST of the same work a 409
rather than a duplicate.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from orcid_sync.domain.identifiers import (
    normalize_arxiv_id,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmid,
)
from orcid_sync.domain.orcid_ids import normalize_orcid_id
from orcid_sync.orbit.publication import Author, Publication, PureDate
from orcid_sync.orcid.vocabulary import ORCID_LANGUAGE_ALIASES, is_language_code
from orcid_sync.orcid.work import (
    CREDIT_NAME_MAX,
    SHORT_DESCRIPTION_MAX,
    TITLE_MAX,
    URL_MAX,
    XML_ILLEGAL_RE,
    YEAR_MAX,
    YEAR_MIN,
    Contributor,
    ExternalId,
    PublicationDate,
    Relationship,
    TranslatedTitle,
    Work,
    WorkNotSendable,
    is_http_url,
    validate_work,
)
from orcid_sync.sync.work_types import orcid_work_type

DEFAULT_MAX_CONTRIBUTORS = 50  # ORCID's UI shows 50; ORCID ships a 51-contributor write sample
ELLIPSIS = "…"

# Pure groups whose outputs *are* the book an ISBN names. For all others (chapters, conference papers)
# the ISBN is the host's, so `part-of`, which ORCID never uses to group works.
_ISBN_SELF_GROUPS = frozenset({"bookanthology", "thesis"})
_PURE_ROLE_TO_ORCID = {
    "author": "author",
    "creator": "author",
    "editor": "editor",
    "translator": "chair-or-translator",
    "chair": "chair-or-translator",
    "inventor": "co-inventor",
    "coinventor": "co-inventor",
    "applicant": "assignee",
    "assignee": "assignee",
}
_SPACES_RE = re.compile(r"\s+")
_LINE_SPACES_RE = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK_RE = re.compile(r"\s*\n\s*\n\s*")


@dataclass(frozen=True)
class DroppedValue:
    """A value from Orbit that was left out of the work, and why (for logs and the status page)."""

    field: str
    value: str
    reason: str


@dataclass(frozen=True)
class WorkBuild:
    work: Work
    dropped: tuple[DroppedValue, ...] = ()


def work_from_publication(
    publication: Publication,
    *,
    person_uuid: str | None,
    orcid_id: str | None,
    max_contributors: int = DEFAULT_MAX_CONTRIBUTORS,
    type_table: Mapping[str, str] | None = None,
) -> WorkBuild:
    """Build the ORCID work for `publication` as it goes on `orcid_id`'s record.

    `person_uuid` is the researcher's Orbit uuid: their author entry gets the (authenticated) ORCID iD
    and is kept even beyond `max_contributors`. `type_table` adds to or overrides the Pure → ORCID type
    table. Raises WorkNotSendable when ORCID would refuse the result (no title, for one), and ValueError
    for an invalid `orcid_id`, `max_contributors` below 1 or a type table entry that is not a work type.
    """
    if max_contributors < 1:
        raise ValueError("max_contributors must be at least 1 (the researcher is always kept)")
    orcid = normalize_orcid_id(orcid_id) if orcid_id is not None else None
    dropped: list[DroppedValue] = []
    title, subtitle, translated_title = _titles(publication)
    portal_url = _portal_url(publication, dropped)
    work = Work(
        title=title,
        subtitle=subtitle,
        translated_title=translated_title,
        journal_title=_journal_title(publication),
        short_description=_shorten(_clean_paragraphs(publication.abstract), SHORT_DESCRIPTION_MAX),
        type=orcid_work_type(publication.type_uri, type_table),
        publication_date=_publication_date(publication.publication_date, dropped),
        external_ids=tuple(_external_ids(publication, portal_url, dropped)),
        url=portal_url,
        contributors=_contributors(publication, person_uuid, orcid, max_contributors),
        language_code=_language_code(publication.language, dropped),
    )
    validate_work(work)
    return WorkBuild(work=work, dropped=tuple(dropped))


# --- Text -------------------------------------------------------------------------------------------


def _clean_line(text: str | None) -> str | None:
    """One line of text XML can carry, whitespace collapsed; None when nothing is left."""
    if text is None:
        return None
    return _SPACES_RE.sub(" ", XML_ILLEGAL_RE.sub("", text)).strip() or None


def _clean_paragraphs(text: str | None) -> str | None:
    if text is None:
        return None
    text = XML_ILLEGAL_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (_LINE_SPACES_RE.sub(" ", part).strip() for part in _PARAGRAPH_BREAK_RE.split(text))
    return "\n\n".join(part for part in paragraphs if part) or None


def _shorten(text: str | None, limit: int) -> str | None:
    """At most `limit` characters, cut at a word boundary and marked with an ellipsis when cut."""
    if text is None or len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if boundary > limit // 2:  # a word boundary near the end; else a very long "word": cut inside it
        cut = cut[:boundary]
    return (cut.rstrip(" \n,;:-–—") or cut) + ELLIPSIS


def _line(text: str | None, limit: int) -> str | None:
    return _shorten(_clean_line(text), limit)


# --- Fields -----------------------------------------------------------------------------------------


def _locale_language(locale: str) -> str:
    return locale.split("_")[0].lower()


def _titles(publication: Publication) -> tuple[str, str | None, TranslatedTitle | None]:
    """Primary title in the output's language (else English), and the Danish/English other one."""
    by_language: dict[str, str] = {}
    for locale, text in publication.translated_titles.items():
        clean = _line(text, TITLE_MAX)
        if clean:
            by_language.setdefault(_locale_language(locale), clean)
    original = _line(publication.title, TITLE_MAX)
    language = publication.language
    if original is not None:
        title, title_language, subtitle = original, language, _line(publication.subtitle, TITLE_MAX)
        if language:
            by_language[language] = original
    elif by_language:
        title_language = "en" if "en" in by_language else next(iter(by_language))
        title, subtitle = by_language[title_language], None
    else:
        raise WorkNotSendable("the output has no title")
    translated = None
    if {"da", "en"} <= by_language.keys():
        other = "da" if title_language == "en" else "en"
        if by_language[other] != title:
            translated = TranslatedTitle(title=by_language[other], language_code=other)
    return title, subtitle, translated


def _journal_title(publication: Publication) -> str | None:
    """Where the work appeared: journal, book (for chapters) or conference, as ORCID's docs ask."""
    group = publication.type_group
    if group == "contributiontobookanthology":
        candidates = (publication.host_publication_title, publication.journal_title, publication.event)
    elif group == "contributiontoconference":
        candidates = (publication.event, publication.journal_title, publication.host_publication_title)
    else:
        candidates = (publication.journal_title, publication.host_publication_title, publication.event)
    return next((clean for text in candidates if (clean := _line(text, TITLE_MAX))), None)


def _publication_date(date: PureDate | None, dropped: list[DroppedValue]) -> PublicationDate | None:
    """Year 1900–2100, then month and day only as far as they make a real date."""
    if date is None:
        return None
    if not YEAR_MIN <= date.year <= YEAR_MAX:
        dropped.append(
            DroppedValue("publication-date", str(date.year), f"year outside {YEAR_MIN}–{YEAR_MAX}")
        )
        return None
    if date.month is None:
        return PublicationDate(year=date.year)
    if not 1 <= date.month <= 12:
        dropped.append(DroppedValue("publication-date", f"{date.year}-{date.month}", "not a month"))
        return PublicationDate(year=date.year)
    if date.day is None:
        return PublicationDate(year=date.year, month=date.month)
    if not 1 <= date.day <= calendar.monthrange(date.year, date.month)[1]:
        written = f"{date.year}-{date.month:02d}-{date.day}"
        dropped.append(DroppedValue("publication-date", written, "not a day of that month"))
        return PublicationDate(year=date.year, month=date.month)
    return PublicationDate(year=date.year, month=date.month, day=date.day)


def _portal_url(publication: Publication, dropped: list[DroppedValue]) -> str | None:
    url = publication.portal_url
    if url is None:
        return None
    if len(url) > URL_MAX or not is_http_url(url):
        dropped.append(DroppedValue("url", url, f"not an http(s) URL of at most {URL_MAX} characters"))
        return None
    return url


def _external_ids(
    publication: Publication, portal_url: str | None, dropped: list[DroppedValue]
) -> Iterator[ExternalId]:
    """The work's identifiers, each (type, value) once, in a stable order; bad values go to `dropped`."""
    seen: set[tuple[str, str]] = set()
    for external_id in _candidate_ids(publication, portal_url, dropped):
        key = (external_id.type, external_id.value)
        if key not in seen:
            seen.add(key)
            yield external_id


def _candidate_ids(
    publication: Publication, portal_url: str | None, dropped: list[DroppedValue]
) -> Iterator[ExternalId]:
    uuid = _clean_line(publication.uuid)
    if uuid:
        yield ExternalId(type="source-work-id", value=uuid, url=portal_url, relationship="self")
    for written in publication.dois:
        doi = normalize_doi(written)
        if doi is None or XML_ILLEGAL_RE.search(doi):
            dropped.append(DroppedValue("doi", written, "not a DOI"))
            continue
        url = "https://doi.org/" + quote(doi, safe="/:;()._-")
        yield ExternalId(type="doi", value=doi, url=url if len(url) <= URL_MAX else None, relationship="self")
    isbn_relationship: Relationship = "self" if publication.type_group in _ISBN_SELF_GROUPS else "part-of"
    for written in publication.isbns:
        isbn = normalize_isbn(written)
        if isbn is None:
            dropped.append(DroppedValue("isbn", written, "not an ISBN (shape or check digit)"))
            continue
        yield ExternalId(type="isbn", value=isbn, relationship=isbn_relationship)
    for written in publication.issns:
        issn = normalize_issn(written)
        if issn is None:
            dropped.append(DroppedValue("issn", written, "not an ISSN (shape or check digit)"))
            continue
        url = f"https://portal.issn.org/resource/ISSN/{issn}"
        yield ExternalId(type="issn", value=issn, url=url, relationship="part-of")
    yield from _single_id("pmid", publication.pmid, normalize_pmid, "not a PubMed id", dropped)
    yield from _single_id("arxiv", publication.arxiv_id, normalize_arxiv_id, "not an arXiv id", dropped)


_SINGLE_ID_URLS = {"pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/", "arxiv": "https://arxiv.org/abs/{}"}


def _single_id(
    kind: str,
    written: str | None,
    normalize: Callable[[str], str | None],
    problem: str,
    dropped: list[DroppedValue],
) -> Iterator[ExternalId]:
    """A PubMed or arXiv id as a `self` identifier with its landing page, or the reason it was dropped."""
    if written is None:
        return
    value = normalize(written)
    if value is None:
        dropped.append(DroppedValue(kind, written, problem))
        return
    yield ExternalId(type=kind, value=value, url=_SINGLE_ID_URLS[kind].format(value), relationship="self")


def _language_code(language: str | None, dropped: list[DroppedValue]) -> str | None:
    if language is None:
        return None
    code = ORCID_LANGUAGE_ALIASES.get(language, language)
    if not is_language_code(code):
        dropped.append(DroppedValue("language", language, "not a language code ORCID accepts"))
        return None
    return code


def _role(author: Author) -> str | None:
    # Pure always names a role; an unknown one (supervisor, …) is left out rather than guessed.
    if author.role is None:
        return "author"
    return _PURE_ROLE_TO_ORCID.get(author.role.lower())


def _contributors(
    publication: Publication, person_uuid: str | None, orcid: str | None, cap: int
) -> tuple[Contributor, ...]:
    """Orbit's authors in order, nameless and hidden ones skipped, capped, the researcher always kept."""
    researcher = person_uuid.lower() if person_uuid else None
    entries: list[tuple[bool, Contributor]] = []
    for author in publication.authors:
        is_researcher = researcher is not None and (author.person_uuid or "").lower() == researcher
        name = _line(author.name, CREDIT_NAME_MAX)
        if not is_researcher and (name is None or author.hidden):
            continue
        if is_researcher and name is None and orcid is None:
            continue  # nothing to say about them: no name and no iD
        contributor = Contributor(
            orcid=orcid if is_researcher else None,
            credit_name=name,
            sequence="first" if author.position == 0 else "additional",
            role=_role(author),
        )
        entries.append((is_researcher, contributor))
    kept = entries[:cap]
    if not any(is_researcher for is_researcher, _ in kept):
        beyond = next((entry for entry in entries[cap:] if entry[0]), None)
        if beyond is not None:
            kept = [*entries[: cap - 1], beyond]
    return tuple(contributor for _, contributor in kept)
