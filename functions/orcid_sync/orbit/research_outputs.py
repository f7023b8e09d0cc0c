"""Orbit research outputs over HTTP, in whichever Pure API shape the deployment is granted.

WS 5.24: `GET /ws/api/524/research-outputs/{uuid}` and the paged `/persons/{uuid}/research-outputs`.
Pure API: `GET /ws/api/research-outputs/{uuid}`; a person's outputs are their `dependents` of system
name ResearchOutput, read back in pages through `POST /ws/api/research-outputs/search {"uuids": …}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from orcid_sync.domain.identifiers import is_uuid
from orcid_sync.observability import logger
from orcid_sync.orbit.http import OrbitHttp
from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.pure_json import MalformedResearchOutput, publication_from_pure
from orcid_sync.orbit.stamps import modified_at

WS = "/ws/api/524"
PURE_API = "/ws/api"


class OrbitApiShape(StrEnum):
    WS524 = "ws524"
    PURE_API = "pure-api"


class PersonOutputsUnknown(Exception):
    """Orbit did not give the person's whole list of outputs (404, a page missing or cut short).

    Not the same as an empty list: nothing may be concluded from it, least of all that the researcher's
    works are no longer wanted.
    """


@dataclass(frozen=True)
class PersonOutputs:
    """A person's outputs as Orbit listed them, and what of the list could not be read."""

    publications: list[Publication]
    # Items that could not be read, by uuid: their works are kept exactly as they are.
    unreadable: dict[str, str] = field(default_factory=dict)
    # Why the list cannot be trusted as complete (an unreadable item without a uuid), or None.
    incomplete: str | None = None
    # When Orbit last changed each listed output (orbit/stamps.py), by uuid; absent when it gave none.
    modified: dict[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class OutputRead:
    """One output as Orbit answered for it: None when it no longer has it; when Orbit last changed it."""

    publication: Publication | None
    modified: datetime | None = None


class OrbitResearchOutputs:
    def __init__(
        self, http: OrbitHttp, shape: OrbitApiShape = OrbitApiShape.WS524, page_size: int = 100
    ) -> None:
        self._http = http
        self._shape = shape
        self._page_size = page_size

    def get(self, uuid: str) -> Publication | None:
        """The output as Orbit has it now; None when Orbit no longer has it (deleted).

        Raises MalformedResearchOutput when Orbit's answer is not a readable research output.
        """
        return self.read(uuid).publication

    def read(self, uuid: str) -> OutputRead:
        """The output as Orbit has it now, with when Orbit last changed it (one GET, as `get`)."""
        base = WS if self._shape is OrbitApiShape.WS524 else PURE_API
        data = self._http.get(f"{base}/research-outputs/{uuid}")
        if data is None:
            return OutputRead(None)
        return OutputRead(publication_from_pure(data), modified_at(data))

    def of_person(self, person_uuid: str) -> PersonOutputs:
        """Every output Orbit lists for the person, all pages.

        Raises PersonOutputsUnknown when the list itself is missing or cut short (and OrbitUnavailable
        when Orbit fails); an item that cannot be read is reported, by uuid, never dropped silently.
        """
        if self._shape is OrbitApiShape.WS524:
            items: list[Any] = list(self._ws_items(person_uuid))
            missing: list[str] = []
        else:
            items, missing = self._api_items(person_uuid)
        publications: list[Publication] = []
        unreadable = {uuid: "Orbit did not return it with the person's outputs" for uuid in missing}
        incomplete = None
        modified: dict[str, datetime] = {}
        for item in items:
            try:
                publications.append(publication_from_pure(item))
                if (stamp := modified_at(item)) is not None:
                    modified[publications[-1].uuid.lower()] = stamp
            except MalformedResearchOutput as exc:
                uuid = item.get("uuid") if isinstance(item, dict) else None
                logger.warning("unreadable research output kept as it is", extra={"reason": str(exc)})
                if isinstance(uuid, str) and is_uuid(uuid.strip()):
                    unreadable[uuid.strip().lower()] = f"Orbit's record could not be read: {exc}"
                else:
                    incomplete = f"an output in the list could not be read: {exc}"
        return PersonOutputs(publications, unreadable, incomplete, modified)

    def _ws_items(self, person_uuid: str) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            params = {"size": str(self._page_size), "offset": str(offset)}
            data = self._http.get(f"{WS}/persons/{person_uuid}/research-outputs", params)
            if data is None:
                raise PersonOutputsUnknown(f"Orbit answered 404 for the person's outputs (offset {offset})")
            items = data.get("items") or []
            total = data.get("count")
            if not isinstance(items, list) or not isinstance(total, int):
                raise PersonOutputsUnknown("Orbit's list of the person's outputs has no items or count")
            yield from items
            offset += len(items)
            if offset >= total:
                return
            if not items:
                raise PersonOutputsUnknown(f"Orbit's list stopped at {offset} of {total} outputs")

    def _api_items(self, person_uuid: str) -> tuple[list[Any], list[str]]:
        dependents = self._http.get(f"{PURE_API}/persons/{person_uuid}/dependents")
        if dependents is None or not isinstance(dependents.get("items", []), list):
            raise PersonOutputsUnknown("Orbit answered 404 for the person's dependents")
        uuids = [
            str(ref["uuid"]).lower()
            for ref in dependents.get("items") or []
            if isinstance(ref, dict) and ref.get("systemName") == "ResearchOutput" and ref.get("uuid")
        ]
        items: list[Any] = []
        for start in range(0, len(uuids), self._page_size):
            chunk = uuids[start : start + self._page_size]
            data = self._http.post(
                f"{PURE_API}/research-outputs/search", {"uuids": chunk, "size": len(chunk)}
            )
            if data is None or not isinstance(data.get("items", []), list):
                raise PersonOutputsUnknown("Orbit answered 404 for a page of the person's outputs")
            items.extend(data.get("items") or [])
        returned = {str(item.get("uuid", "")).strip().lower() for item in items if isinstance(item, dict)}
        return items, [uuid for uuid in uuids if uuid not in returned]
