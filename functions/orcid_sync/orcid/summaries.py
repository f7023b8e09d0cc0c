"""Reading ORCID's answers about works: the `GET /works` summaries and the bulk `POST /works` answer.

Both XML (v3.0, namespaced) and JSON (v3.0, and the v2.0 shape of the recorded answers, whose enum
values are upper case: `JOURNAL_ARTICLE`, `SELF`) are read, whichever ORCID sends.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from orcid_sync.orcid.errors import ErrorBody, error_body_from_element, error_body_from_mapping, parse_xml

NS = {
    "activities": "http://www.orcid.org/ns/activities",
    "bulk": "http://www.orcid.org/ns/bulk",
    "common": "http://www.orcid.org/ns/common",
    "error": "http://www.orcid.org/ns/error",
    "work": "http://www.orcid.org/ns/work",
}


class SummaryExternalId(BaseModel):
    """One external id of a listed work, as ORCID returned it (type and relationship in lower case)."""

    model_config = ConfigDict(frozen=True)

    type: str
    value: str
    relationship: str | None = None
    url: str | None = None


class WorkSummary(BaseModel):
    """One work as `GET /works` lists it: enough to match it to an Orbit output and to PUT or DELETE it."""

    model_config = ConfigDict(frozen=True)

    put_code: int
    title: str | None = None
    type: str | None = None
    external_ids: tuple[SummaryExternalId, ...] = ()
    source_client_id: str | None = None
    visibility: str | None = None

    @property
    def self_ids(self) -> tuple[SummaryExternalId, ...]:
        return tuple(item for item in self.external_ids if item.relationship == "self")


class UnreadableAnswer(ValueError):
    """ORCID's 2xx body is not in a shape we know."""


def _enum(value: object) -> str | None:
    """v2.0 JSON says JOURNAL_ARTICLE / SELF; v3.0 says journal-article / self."""
    text = _value(value)
    return text.lower().replace("_", "-") if text else None


def _value(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise UnreadableAnswer("ORCID's answer is not valid JSON") from exc


def _xml(body: bytes) -> ET.Element:
    try:
        return parse_xml(body)
    except (ET.ParseError, ValueError) as exc:
        raise UnreadableAnswer("ORCID's answer is not valid XML") from exc


def _is_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"{", b"[")


# --- JSON -------------------------------------------------------------------------------------------
def _external_ids_json(container: object) -> tuple[SummaryExternalId, ...]:
    items = container.get("external-id") if isinstance(container, Mapping) else None
    found = []
    for item in items or []:
        kind, value = _value(item.get("external-id-type")), _value(item.get("external-id-value"))
        if kind and value:
            found.append(
                SummaryExternalId(
                    type=kind.lower(),
                    value=value,
                    relationship=_enum(item.get("external-id-relationship")),
                    url=_value(item.get("external-id-url")),
                )
            )
    return tuple(found)


def _summary_json(item: Mapping[str, Any]) -> WorkSummary:
    source = item.get("source") or {}
    client = source.get("source-client-id") or {}
    title = item.get("title") or {}
    return WorkSummary(
        put_code=int(item["put-code"]),
        title=_value(title.get("title")),
        type=_enum(item.get("type")),
        external_ids=_external_ids_json(item.get("external-ids")),
        source_client_id=_value(client.get("path")),
        visibility=_enum(item.get("visibility")),
    )


def _summaries_json(data: Any) -> Iterator[WorkSummary]:
    if not isinstance(data, Mapping) or not isinstance(data.get("group", []), list):
        raise UnreadableAnswer("ORCID's works answer has no group list")
    for group in data.get("group") or []:
        for item in group.get("work-summary") or []:
            yield _summary_json(item)


# --- XML --------------------------------------------------------------------------------------------
def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _external_ids_xml(parent: ET.Element) -> tuple[SummaryExternalId, ...]:
    found = []
    for item in parent.iterfind("common:external-ids/common:external-id", NS):
        kind = _text(item.find("common:external-id-type", NS))
        value = _text(item.find("common:external-id-value", NS))
        if kind and value:
            relationship = _text(item.find("common:external-id-relationship", NS))
            found.append(
                SummaryExternalId(
                    type=kind.lower(),
                    value=value,
                    relationship=relationship.lower() if relationship else None,
                    url=_text(item.find("common:external-id-url", NS)),
                )
            )
    return tuple(found)


def _summary_xml(item: ET.Element) -> WorkSummary:
    kind = _text(item.find("work:type", NS))
    return WorkSummary(
        put_code=int(item.attrib["put-code"]),
        title=_text(item.find("work:title/common:title", NS)),
        type=kind.lower() if kind else None,
        external_ids=_external_ids_xml(item),
        source_client_id=_text(item.find("common:source/common:source-client-id/common:path", NS)),
        visibility=item.attrib.get("visibility"),
    )


def parse_work_summaries(body: bytes) -> list[WorkSummary]:
    """All work summaries in a `GET /works` answer, every group flattened, in ORCID's order."""
    try:
        if _is_json(body):
            return list(_summaries_json(_json(body)))
        root = _xml(body)
        if root.tag != f"{{{NS['activities']}}}works":
            raise UnreadableAnswer(f"expected activities:works, got {root.tag}")
        return [_summary_xml(item) for item in root.iterfind("activities:group/work:work-summary", NS)]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, UnreadableAnswer):
            raise
        raise UnreadableAnswer(f"a work summary lacks a usable put-code ({type(exc).__name__})") from exc


BulkItem = int | ErrorBody


def parse_bulk_answer(body: bytes) -> list[BulkItem]:
    """The items of a bulk answer in input order: each a put-code (stored work) or an `ErrorBody`."""
    items: list[BulkItem] = []
    try:
        if _is_json(body):
            data = _json(body)
            for entry in data["bulk"]:
                if "error" in entry and entry["error"] is not None:
                    items.append(error_body_from_mapping(entry["error"]))
                else:
                    items.append(int(entry["work"]["put-code"]))
            return items
        root = _xml(body)
        for element in root:
            if element.tag == f"{{{NS['error']}}}error":
                items.append(error_body_from_element(element))
            elif element.tag == f"{{{NS['work']}}}work":
                items.append(int(element.attrib["put-code"]))
        return items
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, UnreadableAnswer):
            raise
        raise UnreadableAnswer(f"ORCID's bulk answer is not readable ({type(exc).__name__})") from exc
