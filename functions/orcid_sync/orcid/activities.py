"""Reading ORCID's `GET /activities` answer: works and employments in one document (one read a night).

XML (`activities:activities-summary`) and JSON (v3.0: `works.group[].work-summary[]`,
`employments.affiliation-group[].summaries[].employment-summary`) are both read. Works are read with
the same code as `GET /works` (summaries.py); employments keep what the sync needs: put-code, source,
the `self` external ids, and whether an end date is on the record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from orcid_sync.orcid.summaries import (
    NS,
    SummaryExternalId,
    UnreadableAnswer,
    WorkSummary,
    _external_ids_json,
    _external_ids_xml,
    _is_json,
    _json,
    _summaries_json,
    _summary_xml,
    _text,
    _value,
    _xml,
)

EMPLOYMENT_NS = "http://www.orcid.org/ns/employment"
_NS = {**NS, "employment": EMPLOYMENT_NS}


class EmploymentSummary(BaseModel):
    """One employment as the activities summary lists it."""

    model_config = ConfigDict(frozen=True)

    put_code: int
    source_client_id: str | None = None
    external_ids: tuple[SummaryExternalId, ...] = ()
    department: str | None = None
    role_title: str | None = None
    start_year: str | None = None
    end_year: str | None = None  # None: no end date on the record
    organization: str | None = None
    visibility: str | None = None

    @property
    def self_ids(self) -> tuple[SummaryExternalId, ...]:
        return tuple(item for item in self.external_ids if item.relationship == "self")


class Activities(BaseModel):
    """The parts of a record's activities the sync reads: every work and every employment, any source."""

    model_config = ConfigDict(frozen=True)

    works: tuple[WorkSummary, ...] = ()
    employments: tuple[EmploymentSummary, ...] = ()

    def ours(self, client_id: str) -> Activities:
        """Only the items whose source is our member client."""
        return Activities(
            works=tuple(w for w in self.works if w.source_client_id == client_id),
            employments=tuple(e for e in self.employments if e.source_client_id == client_id),
        )


def _employment_xml(item: Any) -> EmploymentSummary:
    return EmploymentSummary(
        put_code=int(item.attrib["put-code"]),
        source_client_id=_text(item.find("common:source/common:source-client-id/common:path", _NS)),
        external_ids=_external_ids_xml(item),
        department=_text(item.find("common:department-name", _NS)),
        role_title=_text(item.find("common:role-title", _NS)),
        start_year=_text(item.find("common:start-date/common:year", _NS)),
        end_year=_text(item.find("common:end-date/common:year", _NS)),
        organization=_text(item.find("common:organization/common:name", _NS)),
        visibility=item.attrib.get("visibility"),
    )


def _year_json(value: object) -> str | None:
    return _value(value.get("year")) if isinstance(value, Mapping) else None


def _employment_json(item: Mapping[str, Any]) -> EmploymentSummary:
    source = item.get("source") or {}
    client = source.get("source-client-id") or {}
    organization = item.get("organization") or {}
    visibility = _value(item.get("visibility"))
    return EmploymentSummary(
        put_code=int(item["put-code"]),
        source_client_id=_value(client.get("path")),
        external_ids=_external_ids_json(item.get("external-ids")),
        department=_value(item.get("department-name")),
        role_title=_value(item.get("role-title")),
        start_year=_year_json(item.get("start-date")),
        end_year=_year_json(item.get("end-date")),
        organization=_value(organization.get("name")),
        visibility=visibility.lower() if visibility else None,
    )


def _employments_json(data: Mapping[str, Any]) -> Iterator[EmploymentSummary]:
    section = data.get("employments") or {}
    for group in section.get("affiliation-group") or []:
        for entry in group.get("summaries") or []:
            summary = entry.get("employment-summary") if isinstance(entry, Mapping) else None
            if summary:
                yield _employment_json(summary)


def parse_activities(body: bytes) -> Activities:
    """Every work and employment summary in an `/activities` answer. Raises UnreadableAnswer."""
    try:
        if _is_json(body):
            data = _json(body)
            if not isinstance(data, Mapping):
                raise UnreadableAnswer("ORCID's activities answer is not an object")
            return Activities(
                works=tuple(_summaries_json(data.get("works") or {})),
                employments=tuple(_employments_json(data)),
            )
        root = _xml(body)
        if root.tag != f"{{{NS['activities']}}}activities-summary":
            raise UnreadableAnswer(f"expected activities:activities-summary, got {root.tag}")
        works = root.iterfind("activities:works/activities:group/work:work-summary", _NS)
        employments = root.iterfind(
            "activities:employments/activities:affiliation-group/employment:employment-summary", _NS
        )
        return Activities(
            works=tuple(_summary_xml(item) for item in works),
            employments=tuple(_employment_xml(item) for item in employments),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, UnreadableAnswer):
            raise
        raise UnreadableAnswer(f"an activity summary lacks a usable put-code ({type(exc).__name__})") from exc


RESEARCHER_URL_NS = "http://www.orcid.org/ns/researcher-url"


class ResearcherUrlSummary(BaseModel):
    """One link on the person section (`GET /researcher-urls`)."""

    model_config = ConfigDict(frozen=True)

    put_code: int
    url: str | None = None
    name: str | None = None
    source_client_id: str | None = None


def parse_researcher_urls(body: bytes) -> list[ResearcherUrlSummary]:
    """Every researcher URL in a `GET /researcher-urls` answer. Raises UnreadableAnswer."""
    try:
        if _is_json(body):
            data = _json(body)
            found = []
            for item in (data or {}).get("researcher-url") or []:
                source = item.get("source") or {}
                found.append(
                    ResearcherUrlSummary(
                        put_code=int(item["put-code"]),
                        url=_value(item.get("url")),
                        name=_value(item.get("url-name")),
                        source_client_id=_value((source.get("source-client-id") or {}).get("path")),
                    )
                )
            return found
        root = _xml(body)
        ns = {**_NS, "researcher-url": RESEARCHER_URL_NS}
        return [
            ResearcherUrlSummary(
                put_code=int(item.attrib["put-code"]),
                url=_text(item.find("researcher-url:url", ns)),
                name=_text(item.find("researcher-url:url-name", ns)),
                source_client_id=_text(item.find("common:source/common:source-client-id/common:path", ns)),
            )
            for item in root.iterfind("researcher-url:researcher-url", ns)
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, UnreadableAnswer):
            raise
        raise UnreadableAnswer(f"a researcher URL lacks a usable put-code ({type(exc).__name__})") from exc
