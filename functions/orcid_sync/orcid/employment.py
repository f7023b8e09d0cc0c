"""ORCID v3.0 employment and researcher-URL documents, and the content hash that tells whether one changed.

An employment (`employment:employment`, XSD `record_3.0/employment-3.0.xsd`) is written in the XSD's
order: department-name, role-title, start-date, end-date, organization (name, address, disambiguated
organization), url, external-ids. ORCID's API requires a start date and a disambiguated organization
(its ActivityValidator refuses either missing), so both are required here too. Each of our employments
carries one `self` external id naming the Orbit staff association it comes from: it is how we know our
employments on the record apart, and how ORCID recognises a repeat (409/9021) after an answer we lost.
Visibility is the researcher's: never sent.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import date

from pydantic import BaseModel, ConfigDict

COMMON_NS = "http://www.orcid.org/ns/common"
EMPLOYMENT_NS = "http://www.orcid.org/ns/employment"
RESEARCHER_URL_NS = "http://www.orcid.org/ns/researcher-url"

ET.register_namespace("common", COMMON_NS)
ET.register_namespace("employment", EMPLOYMENT_NS)
ET.register_namespace("researcher-url", RESEARCHER_URL_NS)

# The external id type of our employments' `self` identifier (one of ORCID's identifier types).
ASSOCIATION_ID_TYPE = "source-work-id"
ASSOCIATION_ID_PREFIX = "orbit-staff-association-"
LONG_TEXT = 4000  # common:long-text
URL_NAME_MAX = 350  # common:string-350
URL_MAX = 2000  # common:url
_HASH_VERSION = "orcid-employment-v1"


class EmploymentNotSendable(ValueError):
    """ORCID would refuse this employment; `reason` says why in words a person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Organization(BaseModel):
    """The employer as ORCID names it: a name, an address and a disambiguated identifier (ROR)."""

    model_config = ConfigDict(frozen=True)

    name: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    ror: str  # https://ror.org/…
    region: str | None = None


class Employment(BaseModel):
    """One employment on an ORCID record, as we write it for one Orbit staff association."""

    model_config = ConfigDict(frozen=True)

    association_id: str
    organization: Organization
    start: date
    end: date | None = None
    department: str | None = None
    role_title: str | None = None
    url: str | None = None

    @property
    def external_id_value(self) -> str:
        return association_external_id(self.association_id)


def association_external_id(association_id: str) -> str:
    """The `self` source-work-id value our employment for this Orbit staff association carries."""
    return f"{ASSOCIATION_ID_PREFIX}{association_id}"


def association_of(external_id_value: str) -> str | None:
    """The Orbit staff association a source-work-id names, if it is one of ours."""
    value = external_id_value.strip()
    return value[len(ASSOCIATION_ID_PREFIX) :] if value.startswith(ASSOCIATION_ID_PREFIX) else None


def validate_employment(employment: Employment) -> None:
    """Raise EmploymentNotSendable for what ORCID (or its XSD) would refuse."""
    for what, text in (
        ("the department name", employment.department),
        ("the role title", employment.role_title),
        ("the organisation's name", employment.organization.name),
        ("the organisation's city", employment.organization.city),
    ):
        if text is not None and not text.strip():
            raise EmploymentNotSendable(f"{what} is empty")
        if text is not None and len(text) > LONG_TEXT:
            raise EmploymentNotSendable(f"{what} is longer than {LONG_TEXT} characters")
    if len(employment.organization.country) != 2 or not employment.organization.country.isalpha():
        raise EmploymentNotSendable(f"{employment.organization.country!r} is not a two-letter country code")
    if not employment.organization.ror.startswith("https://ror.org/"):
        raise EmploymentNotSendable(f"{employment.organization.ror!r} is not a ROR id (https://ror.org/…)")
    if not 1900 <= employment.start.year <= 2100:
        raise EmploymentNotSendable(f"the start date {employment.start} is outside the years ORCID takes")
    if employment.end is not None and employment.end < employment.start:
        raise EmploymentNotSendable(f"it ends ({employment.end}) before it starts ({employment.start})")
    if employment.url is not None and not employment.url.startswith(("http://", "https://")):
        raise EmploymentNotSendable(f"{employment.url!r} is not a web address")


def employment_to_xml(employment: Employment, put_code: int | None = None) -> bytes:
    """The employment as an ORCID v3.0 `employment:employment` document; `put_code` on the root for PUT.

    Raises EmploymentNotSendable for an employment ORCID would refuse.
    """
    validate_employment(employment)
    root = ET.Element(_e("employment"))
    if put_code is not None:
        if isinstance(put_code, bool) or not isinstance(put_code, int) or put_code < 1:
            raise ValueError(f"put-code must be a positive integer, not {put_code!r}")
        root.set("put-code", str(put_code))
    if employment.department:
        _add(root, _c("department-name"), employment.department.strip())
    if employment.role_title:
        _add(root, _c("role-title"), employment.role_title.strip())
    _add_date(root, "start-date", employment.start)
    if employment.end is not None:
        _add_date(root, "end-date", employment.end)
    organization = _add(root, _c("organization"))
    _add(organization, _c("name"), employment.organization.name)
    address = _add(organization, _c("address"))
    _add(address, _c("city"), employment.organization.city)
    if employment.organization.region:
        _add(address, _c("region"), employment.organization.region)
    _add(address, _c("country"), employment.organization.country.upper())
    disambiguated = _add(organization, _c("disambiguated-organization"))
    _add(disambiguated, _c("disambiguated-organization-identifier"), employment.organization.ror)
    _add(disambiguated, _c("disambiguation-source"), "ROR")
    if employment.url:
        _add(root, _c("url"), employment.url)
    external_ids = _add(root, _c("external-ids"))
    external_id = _add(external_ids, _c("external-id"))
    _add(external_id, _c("external-id-type"), ASSOCIATION_ID_TYPE)
    _add(external_id, _c("external-id-value"), employment.external_id_value)
    _add(external_id, _c("external-id-relationship"), "self")
    return _serialize(root)


def employment_hash(employment: Employment) -> str:
    """sha256 hex of the employment's canonical form: unchanged employments hash equal across runs."""
    canonical = json.dumps(
        [_HASH_VERSION, employment.model_dump(mode="json", exclude_none=True)],
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


class ResearcherUrl(BaseModel):
    """A link on the person section of the record (needs the `/person/update` scope)."""

    model_config = ConfigDict(frozen=True)

    name: str
    url: str


def researcher_url_to_xml(link: ResearcherUrl, put_code: int | None = None) -> bytes:
    """The link as an ORCID v3.0 `researcher-url:researcher-url` document."""
    if not link.url.startswith(("http://", "https://")) or len(link.url) > URL_MAX:
        raise EmploymentNotSendable(f"{link.url!r} is not a web address ORCID takes")
    if not link.name.strip() or len(link.name) > URL_NAME_MAX:
        raise EmploymentNotSendable(f"the link's name must be 1 to {URL_NAME_MAX} characters")
    root = ET.Element(f"{{{RESEARCHER_URL_NS}}}researcher-url")
    if put_code is not None:
        root.set("put-code", str(put_code))
    _add(root, f"{{{RESEARCHER_URL_NS}}}url-name", link.name)
    _add(root, f"{{{RESEARCHER_URL_NS}}}url", link.url)
    return _serialize(root)


def researcher_url_hash(link: ResearcherUrl) -> str:
    canonical = json.dumps(["orcid-researcher-url-v1", link.model_dump(mode="json")], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _e(name: str) -> str:
    return f"{{{EMPLOYMENT_NS}}}{name}"


def _c(name: str) -> str:
    return f"{{{COMMON_NS}}}{name}"


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _add_date(parent: ET.Element, name: str, value: date) -> None:
    element = _add(parent, _c(name))
    _add(element, _c("year"), f"{value.year:04d}")
    _add(element, _c("month"), f"{value.month:02d}")
    _add(element, _c("day"), f"{value.day:02d}")


def _serialize(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return document
