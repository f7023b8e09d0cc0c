"""Orbit research outputs over HTTP, in whichever Pure API shape the deployment is granted.

WS 5.24: `GET /ws/api/524/research-outputs/{uuid}` and the paged `/persons/{uuid}/research-outputs`.
Pure API: `GET /ws/api/research-outputs/{uuid}`; a person's outputs are their `dependents` of system
name ResearchOutput, read back in pages through `POST /ws/api/research-outputs/search {"uuids": …}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from orcid_sync.observability import logger
from orcid_sync.orbit.http import OrbitHttp
from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.pure_json import MalformedResearchOutput, publication_from_pure

WS = "/ws/api/524"
PURE_API = "/ws/api"


class OrbitApiShape(StrEnum):
    WS524 = "ws524"
    PURE_API = "pure-api"


class OrbitResearchOutputs:
    def __init__(
        self, http: OrbitHttp, shape: OrbitApiShape = OrbitApiShape.WS524, page_size: int = 100
    ) -> None:
        self._http = http
        self._shape = shape
        self._page_size = page_size

    def get(self, uuid: str) -> Publication | None:
        """The output as Orbit has it now; None when Orbit no longer has it (deleted)."""
        base = WS if self._shape is OrbitApiShape.WS524 else PURE_API
        data = self._http.get(f"{base}/research-outputs/{uuid}")
        return publication_from_pure(data) if data is not None else None

    def of_person(self, person_uuid: str) -> list[Publication]:
        """Every output Orbit lists for the person, all pages; unreadable items are logged and skipped."""
        pages = (
            self._ws_pages(person_uuid)
            if self._shape is OrbitApiShape.WS524
            else self._api_pages(person_uuid)
        )
        publications = []
        for item in (item for page in pages for item in page):
            try:
                publications.append(publication_from_pure(item))
            except MalformedResearchOutput as exc:
                logger.warning("unreadable research output skipped", extra={"reason": str(exc)})
        return publications

    def _ws_pages(self, person_uuid: str) -> Iterator[list[dict[str, Any]]]:
        offset = 0
        while True:
            params = {"size": str(self._page_size), "offset": str(offset)}
            data = self._http.get(f"{WS}/persons/{person_uuid}/research-outputs", params) or {}
            items = list(data.get("items") or [])
            yield items
            offset += len(items)
            if not items or offset >= int(data.get("count") or 0):
                return

    def _api_pages(self, person_uuid: str) -> Iterator[list[dict[str, Any]]]:
        dependents = self._http.get(f"{PURE_API}/persons/{person_uuid}/dependents") or {}
        uuids = [
            str(ref["uuid"])
            for ref in dependents.get("items") or []
            if ref.get("systemName") == "ResearchOutput" and ref.get("uuid")
        ]
        for start in range(0, len(uuids), self._page_size):
            chunk = uuids[start : start + self._page_size]
            data = (
                self._http.post(f"{PURE_API}/research-outputs/search", {"uuids": chunk, "size": len(chunk)})
                or {}
            )
            yield list(data.get("items") or [])
