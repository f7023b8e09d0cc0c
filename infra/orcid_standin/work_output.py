"""The member API's answers as documents: works, work summaries in groups, bulk lists and errors.

XML follows ORCID's v3.0 schemas (element order matters: the tests validate these against the XSDs);
JSON follows ORCID's v3.0 JSON (same names, `{"value": ...}` wrappers, lower-case enum values).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from infra.orcid_standin.answers import MORE_INFO, ApiError
from infra.orcid_standin.work_input import NS, ExternalId, WorkDocument
from infra.orcid_standin.works_store import StoredWork, group_external_ids

for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

XML = "application/vnd.orcid+xml; charset=UTF-8"
JSON = "application/vnd.orcid+json; charset=UTF-8"
BulkItem = StoredWork | ApiError


def _tag(qualified: str) -> str:
    prefix, name = qualified.split(":")
    return f"{{{NS[prefix]}}}{name}"


def _sub(parent: ET.Element, qualified: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(qualified), attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _document(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


# --- XML --------------------------------------------------------------------------------------------
def _header(parent: ET.Element, work: StoredWork, host: str) -> None:
    _sub(parent, "common:created-date", _stamp(work.created))
    _sub(parent, "common:last-modified-date", _stamp(work.modified))
    source = _sub(parent, "common:source")
    client = _sub(source, "common:source-client-id")
    _sub(client, "common:uri", f"https://{host}/client/{work.source_client_id}")
    _sub(client, "common:path", work.source_client_id)
    _sub(client, "common:host", host)
    _sub(source, "common:source-name", work.source_name)


def _title(parent: ET.Element, document: WorkDocument) -> None:
    title = _sub(parent, "work:title")
    _sub(title, "common:title", document.title)
    if document.subtitle:
        _sub(title, "common:subtitle", document.subtitle)
    if document.translated_title:
        language, text = document.translated_title
        _sub(title, "common:translated-title", text, **{"language-code": language})


def _external_ids(parent: ET.Element, ids: list[ExternalId] | tuple[ExternalId, ...]) -> None:
    container = _sub(parent, "common:external-ids")
    for item in ids:
        element = _sub(container, "common:external-id")
        _sub(element, "common:external-id-type", item.type)
        _sub(element, "common:external-id-value", item.value)
        if item.url:
            _sub(element, "common:external-id-url", item.url)
        if item.relationship:
            _sub(element, "common:external-id-relationship", item.relationship)


def _date(parent: ET.Element, document: WorkDocument) -> None:
    if document.publication_date is None:
        return
    year, month, day = document.publication_date
    date = _sub(parent, "common:publication-date")
    _sub(date, "common:year", year)
    if month:
        _sub(date, "common:month", month)
        if day:
            _sub(date, "common:day", day)


def _contributors(parent: ET.Element, document: WorkDocument, host: str) -> None:
    if not document.contributors:
        return
    container = _sub(parent, "work:contributors")
    for person in document.contributors:
        element = _sub(container, "work:contributor")
        if person.orcid:
            orcid = _sub(element, "common:contributor-orcid")
            _sub(orcid, "common:uri", f"https://{host.removeprefix('api.')}/{person.orcid}")
            _sub(orcid, "common:path", person.orcid)
            _sub(orcid, "common:host", host.removeprefix("api."))
        if person.credit_name:
            _sub(element, "work:credit-name", person.credit_name)
        if person.sequence or person.role:
            attributes = _sub(element, "work:contributor-attributes")
            if person.sequence:
                _sub(attributes, "work:contributor-sequence", person.sequence)
            if person.role:
                _sub(attributes, "work:contributor-role", person.role)


def work_element(work: StoredWork, host: str) -> ET.Element:
    """A stored work as `work:work`, with put-code, path, visibility and source."""
    root = ET.Element(
        _tag("work:work"), {"put-code": str(work.put_code), "path": work.path, "visibility": work.visibility}
    )
    _header(root, work, host)
    document = work.document
    _title(root, document)
    if document.journal_title:
        _sub(root, "work:journal-title", document.journal_title)
    if document.short_description:
        _sub(root, "work:short-description", document.short_description)
    if document.citation:
        citation = _sub(root, "work:citation")
        _sub(citation, "work:citation-type", document.citation[0])
        _sub(citation, "work:citation-value", document.citation[1])
    _sub(root, "work:type", document.type)
    _date(root, document)
    _external_ids(root, document.external_ids)
    if document.url:
        _sub(root, "common:url", document.url)
    _contributors(root, document, host)
    if document.language_code:
        _sub(root, "common:language-code", document.language_code)
    if document.country:
        _sub(root, "common:country", document.country)
    return root


def _summary_element(parent: ET.Element, work: StoredWork, host: str) -> None:
    attrs = {
        "put-code": str(work.put_code),
        "path": work.path,
        "visibility": work.visibility,
        "display-index": "0",
    }
    summary = _sub(parent, "work:work-summary", **attrs)
    _header(summary, work, host)
    _title(summary, work.document)
    _external_ids(summary, work.document.external_ids)
    if work.document.url:
        _sub(summary, "common:url", work.document.url)
    _sub(summary, "work:type", work.document.type)
    _date(summary, work.document)
    if work.document.journal_title:
        _sub(summary, "work:journal-title", work.document.journal_title)


def works_xml(orcid: str, groups: list[list[StoredWork]], host: str) -> bytes:
    return _document(works_element(orcid, groups, host))


def works_element(orcid: str, groups: list[list[StoredWork]], host: str) -> ET.Element:
    """`activities:works`, as `GET /works` answers it and `GET /activities` carries it."""
    root = ET.Element(_tag("activities:works"), {"path": f"/{orcid}/works"})
    if groups:
        _sub(root, "common:last-modified-date", _stamp(max(w.modified for g in groups for w in g)))
    for group in groups:
        element = _sub(root, "activities:group")
        _sub(element, "common:last-modified-date", _stamp(max(work.modified for work in group)))
        _external_ids(element, group_external_ids(group))
        for work in group:
            _summary_element(element, work, host)
    return root


def _error_element(error: ApiError) -> ET.Element:
    root = ET.Element(_tag("error:error"))
    _sub(root, "error:response-code", str(error.status))
    _sub(root, "error:developer-message", error.developer_message)
    _sub(root, "error:user-message", error.user_message)
    _sub(root, "error:error-code", str(error.code))
    _sub(root, "error:more-info", MORE_INFO)
    return root


def error_xml(error: ApiError) -> bytes:
    return _document(_error_element(error))


def work_xml(work: StoredWork, host: str) -> bytes:
    return _document(work_element(work, host))


def bulk_xml(items: list[BulkItem], host: str) -> bytes:
    root = ET.Element(_tag("bulk:bulk"))
    for item in items:
        root.append(_error_element(item) if isinstance(item, ApiError) else work_element(item, host))
    return _document(root)


# --- JSON -------------------------------------------------------------------------------------------
def _value(text: str | None) -> dict[str, str] | None:
    return {"value": text} if text is not None else None


def _source_json(work: StoredWork, host: str) -> dict[str, Any]:
    return {
        "source-orcid": None,
        "source-client-id": {
            "uri": f"https://{host}/client/{work.source_client_id}",
            "path": work.source_client_id,
            "host": host,
        },
        "source-name": _value(work.source_name),
    }


def _ids_json(ids: list[ExternalId] | tuple[ExternalId, ...]) -> dict[str, Any]:
    return {
        "external-id": [
            {
                "external-id-type": item.type,
                "external-id-value": item.value,
                "external-id-url": _value(item.url),
                "external-id-relationship": item.relationship,
            }
            for item in ids
        ]
    }


def _date_json(document: WorkDocument) -> dict[str, Any] | None:
    if document.publication_date is None:
        return None
    year, month, day = document.publication_date
    return {"year": _value(year), "month": _value(month), "day": _value(day)}


def _title_json(document: WorkDocument) -> dict[str, Any]:
    translated = document.translated_title
    return {
        "title": _value(document.title),
        "subtitle": _value(document.subtitle),
        "translated-title": {"value": translated[1], "language-code": translated[0]} if translated else None,
    }


def _common_json(work: StoredWork, host: str) -> dict[str, Any]:
    return {
        "put-code": work.put_code,
        "created-date": {"value": _millis(work.created)},
        "last-modified-date": {"value": _millis(work.modified)},
        "source": _source_json(work, host),
        "title": _title_json(work.document),
        "external-ids": _ids_json(work.document.external_ids),
        "url": _value(work.document.url),
        "type": work.document.type,
        "publication-date": _date_json(work.document),
        "journal-title": _value(work.document.journal_title),
        "visibility": work.visibility,
        "path": work.path,
    }


def work_json_data(work: StoredWork, host: str) -> dict[str, Any]:
    document = work.document
    data = _common_json(work, host)
    data.update(
        {
            "short-description": document.short_description,
            "citation": (
                {"citation-type": document.citation[0], "citation-value": document.citation[1]}
                if document.citation
                else None
            ),
            "contributors": {
                "contributor": [
                    {
                        "contributor-orcid": {"path": person.orcid} if person.orcid else None,
                        "credit-name": _value(person.credit_name),
                        "contributor-email": None,
                        "contributor-attributes": {
                            "contributor-sequence": person.sequence,
                            "contributor-role": person.role,
                        },
                    }
                    for person in document.contributors
                ]
            },
            "language-code": document.language_code,
            "country": _value(document.country),
        }
    )
    return data


def error_json_data(error: ApiError) -> dict[str, Any]:
    return {
        "response-code": error.status,
        "developer-message": error.developer_message,
        "user-message": error.user_message,
        "error-code": error.code,
        "more-info": MORE_INFO,
    }


def works_json(orcid: str, groups: list[list[StoredWork]], host: str) -> bytes:
    return json.dumps(works_json_data(orcid, groups, host), indent=2).encode()


def works_json_data(orcid: str, groups: list[list[StoredWork]], host: str) -> dict[str, Any]:
    data = {
        "last-modified-date": (
            {"value": max(_millis(w.modified) for g in groups for w in g)} if groups else None
        ),
        "group": [
            {
                "last-modified-date": {"value": max(_millis(work.modified) for work in group)},
                "external-ids": _ids_json(group_external_ids(group)),
                "work-summary": [{**_common_json(work, host), "display-index": "0"} for work in group],
            }
            for group in groups
        ],
        "path": f"/{orcid}/works",
    }
    return data


def bulk_json(items: list[BulkItem], host: str) -> bytes:
    data = {
        "bulk": [
            {"error": error_json_data(item)}
            if isinstance(item, ApiError)
            else {"work": work_json_data(item, host)}
            for item in items
        ]
    }
    return json.dumps(data, indent=2).encode()
