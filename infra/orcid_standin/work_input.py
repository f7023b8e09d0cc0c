"""Reading a posted work document and checking it as ORCID does beyond the XSD.

The XSD does not enumerate work types, languages, citation types, relationships or contributor roles;
ORCID checks them in code (400/9037), as it checks titles (9022), self external ids (9023), calendar
dates (9049) and, by accident of its database, URL length (500 past 350 characters).
"""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from infra.orcid_standin import answers

NS = {
    "bulk": "http://www.orcid.org/ns/bulk",
    "common": "http://www.orcid.org/ns/common",
    "error": "http://www.orcid.org/ns/error",
    "work": "http://www.orcid.org/ns/work",
    "activities": "http://www.orcid.org/ns/activities",
}


def _words(text: str) -> list[str]:
    return text.split()


WORK_TYPES = _words(
    """annotation artistic-performance blog-post book-chapter book-review book cartographic-material
    clinical-study conference-abstract conference-output conference-paper conference-poster
    conference-presentation conference-proceedings data-management-plan data-set design dictionary-entry
    disclosure dissertation-thesis edited-book encyclopedia-entry image invention journal-article
    journal-issue learning-object lecture-speech license magazine-article manual moving-image
    musical-composition newsletter-article newspaper-article online-resource other patent physical-object
    preprint public-speech registered-copyright report research-technique research-tool review software
    sound spin-off-company standards-and-policy supervised-student-publication technical-standard test
    trademark transcription translation website working-paper"""
)
RELATIONSHIPS = ["self", "part-of", "version-of", "funded-by"]
CITATION_TYPES = _words(
    """formatted-unspecified bibtex formatted-apa formatted-harvard formatted-ieee formatted-mla
    formatted-vancouver formatted-chicago ris"""
)
CREDIT_ROLES = _words(
    """conceptualization data-curation formal-analysis funding-acquisition investigation methodology
    project-administration resources software supervision validation visualization writing-original-draft
    writing-review-editing"""
)
CONTRIBUTOR_ROLES = _words(
    """author assignee editor chair-or-translator co-investigator co-inventor graduate-student other-inventor
    principal-investigator postdoctoral-researcher support-staff"""
) + [f"https://credit.niso.org/contributor-roles/{slug}/" for slug in CREDIT_ROLES]
# ISO 639-1 plus the legacy and regional codes ORCID's LanguageCode enumeration keeps.
LANGUAGE_CODES = _words(
    """ab aa af ak sq am ar an hy as av ae ay az bm ba eu be bn bh bi bs br bg my ca ch ce zh_CN zh_TW cu
    cv kw co cr hr cs da dv nl dz en eo et ee fo fj fi fr fy ff gl lg ka de el kl gn gu ht ha iw hz hi ho hu
    is io ig in ia ie iu ik ga it ja jv kn kr ks kk km ki rw ky kv kg ko ku kj lo la lv li ln lt lu lb mk
    mg ms ml mt gv mi mr mh mo mn na nv ng ne nd se no nb nn ny oc oj or om os pi pa fa pl pt ps qu rm ro rn
    ru sm sg sa sc gd sr sn ii sd si sk sl so nr st es su sw ss sv tl ty tg ta tt te th bo ti to ts tn tr tk
    tw ug uk ur uz ve vi vo wa cy wo xh ji yo za zu"""
)
URL_LIMIT = 350


@dataclass(frozen=True)
class ExternalId:
    type: str
    value: str
    url: str | None = None
    relationship: str | None = None


@dataclass(frozen=True)
class Contributor:
    orcid: str | None = None
    credit_name: str | None = None
    sequence: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class WorkDocument:
    """The fields of a work that the stand-in keeps (contributor e-mails are dropped, as ORCID hides them)."""

    title: str
    type: str
    subtitle: str | None = None
    translated_title: tuple[str, str] | None = None  # (language code, text)
    journal_title: str | None = None
    short_description: str | None = None
    citation: tuple[str, str] | None = None  # (type, value)
    publication_date: tuple[str, str | None, str | None] | None = None  # (year, month, day)
    external_ids: tuple[ExternalId, ...] = ()
    url: str | None = None
    contributors: tuple[Contributor, ...] = ()
    language_code: str | None = None
    country: str | None = None
    put_code: str | None = None  # as sent (attribute), checked by the caller
    visibility: str | None = None  # as sent (attribute)


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _find(element: ET.Element, path: str) -> str | None:
    return _text(element.find(path, NS))


def read_work(element: ET.Element) -> WorkDocument:
    """The fields of one `work:work` element (already schema-valid when the XSDs are available)."""
    translated = element.find("work:title/common:translated-title", NS)
    citation = element.find("work:citation", NS)
    date = element.find("common:publication-date", NS)
    ids = tuple(
        ExternalId(
            type=_find(item, "common:external-id-type") or "",
            value=_find(item, "common:external-id-value") or "",
            url=_find(item, "common:external-id-url"),
            relationship=_find(item, "common:external-id-relationship"),
        )
        for item in element.iterfind("common:external-ids/common:external-id", NS)
    )
    contributors = tuple(
        Contributor(
            orcid=_find(item, "common:contributor-orcid/common:path"),
            credit_name=_find(item, "work:credit-name"),
            sequence=_find(item, "work:contributor-attributes/work:contributor-sequence"),
            role=_find(item, "work:contributor-attributes/work:contributor-role"),
        )
        for item in element.iterfind("work:contributors/work:contributor", NS)
    )
    return WorkDocument(
        title=_find(element, "work:title/common:title") or "",
        type=_find(element, "work:type") or "",
        subtitle=_find(element, "work:title/common:subtitle"),
        translated_title=(
            (translated.get("language-code", ""), _text(translated) or "") if translated is not None else None
        ),
        journal_title=_find(element, "work:journal-title"),
        short_description=_find(element, "work:short-description"),
        citation=(
            (
                _find(citation, "work:citation-type") or "formatted-unspecified",
                _find(citation, "work:citation-value") or "",
            )
            if citation is not None
            else None
        ),
        publication_date=(
            (
                _find(date, "common:year") or "",
                _find(date, "common:month"),
                _find(date, "common:day"),
            )
            if date is not None
            else None
        ),
        external_ids=ids,
        url=_find(element, "common:url"),
        contributors=contributors,
        language_code=_find(element, "common:language-code"),
        country=_find(element, "common:country"),
        put_code=element.get("put-code"),
        visibility=element.get("visibility"),
    )


def _enum(what: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value not in allowed:
        raise answers.bad_enum(what, value, allowed)


def _credit_slug(role: str) -> str | None:
    """The CRediT role named by a URI (http or https, with or without the final slash), else None."""
    for prefix in ("https://credit.niso.org/contributor-roles/", "http://credit.niso.org/contributor-roles/"):
        if role.startswith(prefix):
            return role[len(prefix) :].rstrip("/")
    return None


def _check_date(date: tuple[str, str | None, str | None]) -> None:
    year_text, month_text, day_text = date
    try:
        year = int(year_text)
        month = int(month_text) if month_text else None
        day = int(day_text) if day_text else None
    except ValueError:
        raise answers.bad_date(f"{'-'.join(part or '' for part in date)} is not a date") from None
    if not 1900 <= year <= 2100:
        raise answers.bad_date(f"year {year} is outside 1900-2100")
    if day is not None and month is None:
        raise answers.bad_date("a day is given without a month")
    if month is not None and not 1 <= month <= 12:
        raise answers.bad_date(f"month {month} does not exist")
    if month is not None and day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise answers.bad_date(f"{year}-{month:02d}-{day:02d} does not exist")


def check_work(work: WorkDocument) -> None:
    """Raise the ApiError ORCID would answer for a schema-valid but unacceptable work."""
    if not work.title.strip():
        raise answers.missing_title()
    _enum("work type", work.type, WORK_TYPES)
    _enum("language code", work.language_code, LANGUAGE_CODES)
    if work.translated_title is not None:
        _enum("language code", work.translated_title[0], LANGUAGE_CODES)
    if work.citation is not None:
        _enum("citation type", work.citation[0], CITATION_TYPES)
    for external_id in work.external_ids:
        _enum("relationship", external_id.relationship, RELATIONSHIPS)
    for contributor in work.contributors:
        if contributor.role is not None and _credit_slug(contributor.role) not in CREDIT_ROLES:
            _enum("contributor role", contributor.role, CONTRIBUTOR_ROLES)
    if not any(item.relationship == "self" and item.value for item in work.external_ids):
        raise answers.missing_external_id()
    if work.publication_date is not None:
        _check_date(work.publication_date)
    if work.url is not None and len(work.url) > URL_LIMIT:
        raise answers.server_error("value too long for type character varying(350)")
