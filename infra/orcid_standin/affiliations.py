"""Employments and researcher URLs in the ORCID stand-in: reading, ORCID's checks, storing, answering.

What ORCID's server does with an employment beyond the XSD (ORCID-Source, ActivityValidator and
AffiliationsManagerImpl): a start date is required, so is a disambiguated organization (API requests),
dates must be real (9049 here, as for works), a put-code on POST is refused (9024), and an employment
sharing a `self` external id with one of the same source on the record is a duplicate (409/9021,
naming its put-code). Researcher URLs are the person section's: a second one with the same URL from
the same source is 409/9030. Visibility is the researcher's default; a PUT may not change it (9035).
"""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from infra.orcid_standin import answers
from infra.orcid_standin.work_input import NS, ExternalId, _check_date
from infra.orcid_standin.works_store import normalized

EMPLOYMENT_NS = "http://www.orcid.org/ns/employment"
RESEARCHER_URL_NS = "http://www.orcid.org/ns/researcher-url"
ALL_NS = {**NS, "employment": EMPLOYMENT_NS, "researcher-url": RESEARCHER_URL_NS}
for _prefix, _uri in ALL_NS.items():
    ET.register_namespace(_prefix, _uri)

Date = tuple[str, str | None, str | None]


@dataclass(frozen=True)
class EmploymentDocument:
    organization: str
    city: str | None
    region: str | None
    country: str | None
    disambiguated_id: str | None
    disambiguation_source: str | None
    department: str | None = None
    role_title: str | None = None
    start: Date | None = None
    end: Date | None = None
    url: str | None = None
    external_ids: tuple[ExternalId, ...] = ()
    put_code: str | None = None
    visibility: str | None = None


@dataclass(frozen=True)
class StoredEmployment:
    put_code: int
    orcid: str
    source_client_id: str
    source_name: str
    visibility: str
    document: EmploymentDocument
    created: datetime
    modified: datetime

    @property
    def path(self) -> str:
        return f"/{self.orcid}/employment/{self.put_code}"


@dataclass(frozen=True)
class StoredResearcherUrl:
    put_code: int
    orcid: str
    source_client_id: str
    source_name: str
    visibility: str
    name: str | None
    url: str
    created: datetime
    modified: datetime


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _find(element: ET.Element, path: str) -> str | None:
    return _text(element.find(path, ALL_NS))


def _date(element: ET.Element, name: str) -> Date | None:
    found = element.find(f"common:{name}", ALL_NS)
    if found is None:
        return None
    return (_find(found, "common:year") or "", _find(found, "common:month"), _find(found, "common:day"))


def read_employment(element: ET.Element) -> EmploymentDocument:
    """The fields of one `employment:employment` element (schema-valid when the XSDs are available)."""
    organization = element.find("common:organization", ALL_NS)
    org = organization if organization is not None else ET.Element("none")
    return EmploymentDocument(
        organization=_find(org, "common:name") or "",
        city=_find(org, "common:address/common:city"),
        region=_find(org, "common:address/common:region"),
        country=_find(org, "common:address/common:country"),
        disambiguated_id=_find(
            org, "common:disambiguated-organization/common:disambiguated-organization-identifier"
        ),
        disambiguation_source=_find(org, "common:disambiguated-organization/common:disambiguation-source"),
        department=_find(element, "common:department-name"),
        role_title=_find(element, "common:role-title"),
        start=_date(element, "start-date"),
        end=_date(element, "end-date"),
        url=_find(element, "common:url"),
        external_ids=tuple(
            ExternalId(
                type=_find(item, "common:external-id-type") or "",
                value=_find(item, "common:external-id-value") or "",
                url=_find(item, "common:external-id-url"),
                relationship=_find(item, "common:external-id-relationship"),
            )
            for item in element.iterfind("common:external-ids/common:external-id", ALL_NS)
        ),
        put_code=element.get("put-code"),
        visibility=element.get("visibility"),
    )


def check_employment(document: EmploymentDocument) -> None:
    """Raise the ApiError ORCID answers for a schema-valid but unacceptable employment."""
    if document.start is None:
        # ORCID's own wording, shared by every affiliation type.
        raise answers.invalid_body("Education start date is required")
    if not document.disambiguated_id or not document.disambiguation_source:
        raise answers.invalid_body("the organization needs a disambiguated organization identifier")
    _check_date(document.start)
    if document.end is not None:
        _check_date(document.end)


def _self_keys(document: EmploymentDocument) -> set[tuple[str, str]]:
    return {normalized(item) for item in document.external_ids if item.relationship == "self"}


class AffiliationsStore:
    """Employments and researcher URLs per record. Callers hold the stand-in's lock."""

    def __init__(self, first_put_code: int = 70001) -> None:
        self._employments: dict[str, dict[int, StoredEmployment]] = {}
        self._urls: dict[str, dict[int, StoredResearcherUrl]] = {}
        self._put_codes = itertools.count(first_put_code)

    # employments
    def employments_of(self, orcid: str) -> list[StoredEmployment]:
        return sorted(self._employments.get(orcid, {}).values(), key=lambda item: item.put_code)

    def employment(self, orcid: str, put_code: int) -> StoredEmployment | None:
        return self._employments.get(orcid, {}).get(put_code)

    def add_employment(
        self, orcid: str, source: str, name: str, visibility: str, document: EmploymentDocument, now: datetime
    ) -> StoredEmployment:
        item = StoredEmployment(
            next(self._put_codes),
            orcid,
            source,
            name,
            visibility,
            replace(document, put_code=None, visibility=None),
            now,
            now,
        )
        self._employments.setdefault(orcid, {})[item.put_code] = item
        return item

    def replace_employment(
        self, item: StoredEmployment, document: EmploymentDocument, now: datetime
    ) -> StoredEmployment:
        updated = replace(item, document=replace(document, put_code=None, visibility=None), modified=now)
        self._employments[item.orcid][item.put_code] = updated
        return updated

    def remove_employment(self, orcid: str, put_code: int) -> bool:
        return self._employments.get(orcid, {}).pop(put_code, None) is not None

    def duplicate_employment(
        self, orcid: str, source: str, document: EmploymentDocument, exclude: int | None = None
    ) -> int | None:
        keys = _self_keys(document)
        for item in self.employments_of(orcid):
            if (
                item.source_client_id == source
                and item.put_code != exclude
                and keys & _self_keys(item.document)
            ):
                return item.put_code
        return None

    # researcher URLs
    def urls_of(self, orcid: str) -> list[StoredResearcherUrl]:
        return sorted(self._urls.get(orcid, {}).values(), key=lambda item: item.put_code)

    def url(self, orcid: str, put_code: int) -> StoredResearcherUrl | None:
        return self._urls.get(orcid, {}).get(put_code)

    def add_url(
        self, orcid: str, source: str, name: str, visibility: str, title: str | None, url: str, now: datetime
    ) -> StoredResearcherUrl:
        item = StoredResearcherUrl(
            next(self._put_codes), orcid, source, name, visibility, title, url, now, now
        )
        self._urls.setdefault(orcid, {})[item.put_code] = item
        return item

    def replace_url(
        self, item: StoredResearcherUrl, title: str | None, url: str, now: datetime
    ) -> StoredResearcherUrl:
        updated = replace(item, name=title, url=url, modified=now)
        self._urls[item.orcid][item.put_code] = updated
        return updated

    def remove_url(self, orcid: str, put_code: int) -> bool:
        return self._urls.get(orcid, {}).pop(put_code, None) is not None

    def duplicate_url(self, orcid: str, source: str, url: str, exclude: int | None = None) -> bool:
        return any(
            item.source_client_id == source and item.put_code != exclude and item.url == url
            for item in self.urls_of(orcid)
        )


def duplicated_url() -> answers.ApiError:
    return answers.ApiError(
        409,
        9030,
        "409 Conflict: You have already added this element (a researcher URL with the same URL)",
        "The element is duplicated.",
    )


# --- answers --------------------------------------------------------------------------------------
def _tag(qualified: str) -> str:
    prefix, name = qualified.split(":")
    return f"{{{ALL_NS[prefix]}}}{name}"


def _sub(parent: ET.Element, qualified: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(qualified), attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _source(parent: ET.Element, source_client_id: str, source_name: str, host: str) -> None:
    source = _sub(parent, "common:source")
    client = _sub(source, "common:source-client-id")
    _sub(client, "common:uri", f"https://{host}/client/{source_client_id}")
    _sub(client, "common:path", source_client_id)
    _sub(client, "common:host", host)
    _sub(source, "common:source-name", source_name)


def _xml_date(parent: ET.Element, name: str, value: Date | None) -> None:
    if value is None:
        return
    element = _sub(parent, f"common:{name}")
    _sub(element, "common:year", value[0])
    if value[1]:
        _sub(element, "common:month", value[1])
        if value[2]:
            _sub(element, "common:day", value[2])


def employment_element(item: StoredEmployment, host: str, tag: str = "employment:employment") -> ET.Element:
    """An employment as `employment:employment` (or `employment:employment-summary`)."""
    root = ET.Element(
        _tag(tag), {"put-code": str(item.put_code), "path": item.path, "visibility": item.visibility}
    )
    _sub(root, "common:created-date", _stamp(item.created))
    _sub(root, "common:last-modified-date", _stamp(item.modified))
    _source(root, item.source_client_id, item.source_name, host)
    document = item.document
    if document.department:
        _sub(root, "common:department-name", document.department)
    if document.role_title:
        _sub(root, "common:role-title", document.role_title)
    _xml_date(root, "start-date", document.start)
    _xml_date(root, "end-date", document.end)
    organization = _sub(root, "common:organization")
    _sub(organization, "common:name", document.organization)
    address = _sub(organization, "common:address")
    if document.city:
        _sub(address, "common:city", document.city)
    if document.region:
        _sub(address, "common:region", document.region)
    _sub(address, "common:country", document.country or "")
    if document.disambiguated_id:
        disambiguated = _sub(organization, "common:disambiguated-organization")
        _sub(disambiguated, "common:disambiguated-organization-identifier", document.disambiguated_id)
        _sub(disambiguated, "common:disambiguation-source", document.disambiguation_source or "")
    if document.url:
        _sub(root, "common:url", document.url)
    _external_ids(root, document.external_ids)
    return root


def _external_ids(parent: ET.Element, ids: tuple[ExternalId, ...] | list[ExternalId]) -> None:
    container = _sub(parent, "common:external-ids")
    for external_id in ids:
        element = _sub(container, "common:external-id")
        _sub(element, "common:external-id-type", external_id.type)
        _sub(element, "common:external-id-value", external_id.value)
        if external_id.url:
            _sub(element, "common:external-id-url", external_id.url)
        if external_id.relationship:
            _sub(element, "common:external-id-relationship", external_id.relationship)


def employments_element(orcid: str, employments: list[StoredEmployment], host: str) -> ET.Element:
    """`activities:employments`: one affiliation group per employment (ORCID groups by external ids;
    ours each carry their own, so each stands alone)."""
    root = ET.Element(_tag("activities:employments"), {"path": f"/{orcid}/employments"})
    if employments:
        _sub(root, "common:last-modified-date", _stamp(max(item.modified for item in employments)))
    for item in employments:
        group = _sub(root, "activities:affiliation-group")
        _sub(group, "common:last-modified-date", _stamp(item.modified))
        _external_ids(group, [i for i in item.document.external_ids if i.relationship == "self"])
        group.append(employment_element(item, host, "employment:employment-summary"))
    return root


def researcher_url_element(item: StoredResearcherUrl, host: str) -> ET.Element:
    root = ET.Element(
        _tag("researcher-url:researcher-url"),
        {
            "put-code": str(item.put_code),
            "path": f"/{item.orcid}/researcher-urls/{item.put_code}",
            "visibility": item.visibility,
            "display-index": "0",
        },
    )
    _sub(root, "common:created-date", _stamp(item.created))
    _sub(root, "common:last-modified-date", _stamp(item.modified))
    _source(root, item.source_client_id, item.source_name, host)
    if item.name:
        _sub(root, "researcher-url:url-name", item.name)
    _sub(root, "researcher-url:url", item.url)
    return root


def researcher_urls_xml(orcid: str, items: list[StoredResearcherUrl], host: str) -> bytes:
    root = ET.Element(_tag("researcher-url:researcher-urls"), {"path": f"/{orcid}/researcher-urls"})
    if items:
        _sub(root, "common:last-modified-date", _stamp(max(item.modified for item in items)))
    for item in items:
        root.append(researcher_url_element(item, host))
    return _document(root)


def _document(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def employment_xml(item: StoredEmployment, host: str) -> bytes:
    return _document(employment_element(item, host))


# --- JSON -----------------------------------------------------------------------------------------
def _value(text: str | None) -> dict[str, str] | None:
    return {"value": text} if text is not None else None


def _date_json(value: Date | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"year": _value(value[0]), "month": _value(value[1]), "day": _value(value[2])}


def employment_json_data(item: StoredEmployment, host: str) -> dict[str, Any]:
    document = item.document
    return {
        "created-date": {"value": int(item.created.timestamp() * 1000)},
        "last-modified-date": {"value": int(item.modified.timestamp() * 1000)},
        "source": {
            "source-client-id": {
                "uri": f"https://{host}/client/{item.source_client_id}",
                "path": item.source_client_id,
                "host": host,
            },
            "source-name": _value(item.source_name),
        },
        "put-code": item.put_code,
        "department-name": document.department,
        "role-title": document.role_title,
        "start-date": _date_json(document.start),
        "end-date": _date_json(document.end),
        "organization": {
            "name": document.organization,
            "address": {"city": document.city, "region": document.region, "country": document.country},
            "disambiguated-organization": {
                "disambiguated-organization-identifier": document.disambiguated_id,
                "disambiguation-source": document.disambiguation_source,
            },
        },
        "url": _value(document.url),
        "external-ids": {
            "external-id": [
                {
                    "external-id-type": i.type,
                    "external-id-value": i.value,
                    "external-id-url": _value(i.url),
                    "external-id-relationship": i.relationship,
                }
                for i in document.external_ids
            ]
        },
        "visibility": item.visibility,
        "path": item.path,
    }


def employments_json_data(orcid: str, employments: list[StoredEmployment], host: str) -> dict[str, Any]:
    return {
        "path": f"/{orcid}/employments",
        "affiliation-group": [
            {"summaries": [{"employment-summary": employment_json_data(item, host)}]} for item in employments
        ],
    }


def researcher_urls_json(orcid: str, items: list[StoredResearcherUrl], host: str) -> bytes:
    data = {
        "path": f"/{orcid}/researcher-urls",
        "researcher-url": [
            {
                "put-code": item.put_code,
                "url-name": item.name,
                "url": _value(item.url),
                "visibility": item.visibility,
                "source": {"source-client-id": {"path": item.source_client_id, "host": host}},
            }
            for item in items
        ],
    }
    return json.dumps(data, indent=2).encode()
