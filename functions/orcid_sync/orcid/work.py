"""The ORCID work (v3.0) as we send it, and the check that it is one ORCID will accept.

The model mirrors the parts of `work:work` this project writes. It carries no visibility, no source and
no contributor e-mail by design: ORCID sets the first two itself (and refuses a changed visibility), and
we never publish e-mail addresses. `validate_work` holds the rules ORCID is known to enforce beyond the
XSD, so a work is either sendable or refused here with a reason rather than rejected by ORCID with a 400.
"""

from __future__ import annotations

import calendar
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from orcid_sync.domain.orcid_ids import InvalidOrcidId, normalize_orcid_id
from orcid_sync.orcid.vocabulary import (
    CITATION_TYPES,
    EXTERNAL_ID_TYPES,
    FUNDED_BY_ID_TYPES,
    is_contributor_role,
    is_language_code,
    is_work_type,
)

TITLE_MAX = 1000
SHORT_DESCRIPTION_MAX = 5000
CREDIT_NAME_MAX = 150
URL_MAX = 350  # longer URLs pass the XSD but fail in ORCID's database with a 500
YEAR_MIN, YEAR_MAX = 1900, 2100

Relationship = Literal["self", "part-of", "version-of", "funded-by"]
ContributorSequence = Literal["first", "additional"]

# Characters XML 1.0 cannot carry at all; one of them would make the whole document unparseable: all but
# \t \n \r, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF. Written as the few ranges it excludes, not
# as the negation of the many it allows, which Python's regex compiler took 7-10 ms to build at import.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HTTP_URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


class WorkNotSendable(ValueError):
    """ORCID would reject this work; `reason` says why in words a person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExternalId(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    value: str
    url: str | None = None
    relationship: Relationship


class PublicationDate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    month: int | None = None
    day: int | None = None


class TranslatedTitle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    language_code: str


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    value: str


class Contributor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    orcid: str | None = None
    """The bare iD (`0000-0002-1825-0097`) — only ever the consenting researcher's own, authenticated one."""
    credit_name: str | None = None
    sequence: ContributorSequence | None = None
    role: str | None = None


class Work(BaseModel):
    """One ORCID work, fields in the order the XSD wants them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    subtitle: str | None = None
    translated_title: TranslatedTitle | None = None
    journal_title: str | None = None
    short_description: str | None = None
    citation: Citation | None = None
    type: str
    publication_date: PublicationDate | None = None
    external_ids: tuple[ExternalId, ...] = ()
    url: str | None = None
    contributors: tuple[Contributor, ...] = ()
    language_code: str | None = None


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL without whitespace (anyURI alone would accept almost anything)."""
    return bool(_HTTP_URL_RE.match(value)) and not XML_ILLEGAL_RE.search(value)


def validate_work(work: Work) -> None:
    """Raise WorkNotSendable for anything ORCID would reject (9001, 9020, 9022, 9023, 9037, …)."""
    _check_text("title", work.title, TITLE_MAX, required=True)
    _check_text("subtitle", work.subtitle, TITLE_MAX)
    if work.translated_title is not None:
        _check_text("translated title", work.translated_title.title, TITLE_MAX, required=True)
        if not is_language_code(work.translated_title.language_code):
            raise WorkNotSendable(
                f"translated title language {work.translated_title.language_code!r}"
                " is not a language code ORCID accepts"
            )
    _check_text("journal title", work.journal_title, TITLE_MAX, required=work.journal_title is not None)
    _check_text("short description", work.short_description, SHORT_DESCRIPTION_MAX)
    if work.citation is not None:
        if work.citation.type not in CITATION_TYPES:
            raise WorkNotSendable(f"citation type {work.citation.type!r} is not one ORCID knows")
        _check_text("citation", work.citation.value, None, required=True)
    if not is_work_type(work.type):
        raise WorkNotSendable(f"work type {work.type!r} is not one ORCID knows")
    if work.publication_date is not None:
        _check_date(work.publication_date)
    _check_external_ids(work)
    if work.url is not None and (len(work.url) > URL_MAX or not is_http_url(work.url)):
        raise WorkNotSendable(f"url must be an http(s) URL of at most {URL_MAX} characters")
    for index, contributor in enumerate(work.contributors, start=1):
        _check_contributor(index, contributor)
    if work.language_code is not None and not is_language_code(work.language_code):
        raise WorkNotSendable(f"language {work.language_code!r} is not a language code ORCID accepts")


def _check_text(field: str, value: str | None, limit: int | None, *, required: bool = False) -> None:
    if value is None or not value.strip():
        if required:
            raise WorkNotSendable(f"the work has no {field}")
        if value is None:
            return
    if limit is not None and len(value) > limit:
        raise WorkNotSendable(f"{field} is longer than {limit} characters")
    if XML_ILLEGAL_RE.search(value):
        raise WorkNotSendable(f"{field} contains characters XML cannot carry")


def _check_date(date: PublicationDate) -> None:
    if not YEAR_MIN <= date.year <= YEAR_MAX:
        raise WorkNotSendable(f"publication year {date.year} is outside {YEAR_MIN}–{YEAR_MAX}")
    if date.month is None:
        if date.day is not None:
            raise WorkNotSendable("publication date has a day but no month")
        return
    if not 1 <= date.month <= 12:
        raise WorkNotSendable(f"publication month {date.month} is not a month")
    if date.day is not None and not 1 <= date.day <= calendar.monthrange(date.year, date.month)[1]:
        raise WorkNotSendable(f"publication date {date.year}-{date.month:02d}-{date.day:02d} does not exist")


def _check_external_ids(work: Work) -> None:
    if not any(external_id.relationship == "self" for external_id in work.external_ids):
        raise WorkNotSendable("the work has no external identifier with relationship self")
    for external_id in work.external_ids:
        if external_id.type not in EXTERNAL_ID_TYPES:
            raise WorkNotSendable(f"external identifier type {external_id.type!r} is not one we send")
        _check_text(f"{external_id.type} value", external_id.value, None, required=True)
        if external_id.url is not None and (
            len(external_id.url) > URL_MAX or not is_http_url(external_id.url)
        ):
            raise WorkNotSendable(f"{external_id.type} url must be an http(s) URL of at most {URL_MAX}")
        if external_id.relationship == "funded-by" and external_id.type not in FUNDED_BY_ID_TYPES:
            raise WorkNotSendable(f"relationship funded-by is not allowed on a {external_id.type}")


def _check_contributor(index: int, contributor: Contributor) -> None:
    if contributor.orcid is not None:
        try:
            canonical = normalize_orcid_id(contributor.orcid)
        except InvalidOrcidId:
            canonical = None
        if canonical != contributor.orcid:
            raise WorkNotSendable(f"contributor {index} has an invalid ORCID iD")
    if contributor.credit_name is not None:
        _check_text(
            f"contributor {index} credit name", contributor.credit_name, CREDIT_NAME_MAX, required=True
        )
    if contributor.role is not None and not is_contributor_role(contributor.role):
        raise WorkNotSendable(f"contributor {index} role {contributor.role!r} is not one ORCID knows")
