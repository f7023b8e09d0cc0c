"""Works held by the stand-in, per record, with ORCID's put-codes, sources, duplicate rule and grouping.

- A put-code is unique across the whole registry, as ORCID's are.
- Duplicate (409/9021): the same source already has a work sharing a `self` external id (type and
  normalized value) on the same record. Each record keeps an index from (source, self id) to put-codes,
  so checking a new work costs its own identifiers, not a pass over the whole record.
- Grouping in `GET /works`: works sharing a `self` or `version-of` external id (type and normalized value)
  fall in one group, transitively; `part-of` and `funded-by` never group.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from datetime import datetime

from infra.orcid_standin.work_input import ExternalId, WorkDocument

GROUPING_RELATIONSHIPS = frozenset({"self", "version-of"})
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


@dataclass(frozen=True)
class StoredWork:
    put_code: int
    orcid: str
    source_client_id: str
    source_name: str
    visibility: str
    document: WorkDocument
    created: datetime
    modified: datetime

    @property
    def path(self) -> str:
        return f"/{self.orcid}/work/{self.put_code}"


def normalized(external_id: ExternalId) -> tuple[str, str]:
    """(type, value) as ORCID compares them: DOIs without resolver prefix and lower case, ISBN/ISSN bare."""
    kind = external_id.type.strip().lower()
    value = external_id.value.strip()
    if kind == "doi":
        value = _DOI_PREFIX.sub("", value).lower()
    elif kind in ("isbn", "issn"):
        value = re.sub(r"[\s-]", "", value).upper()
    else:
        value = value.lower()
    return kind, value


def _keys(work: WorkDocument, relationships: frozenset[str]) -> set[tuple[str, str]]:
    return {normalized(item) for item in work.external_ids if item.relationship in relationships}


def self_keys(work: WorkDocument) -> set[tuple[str, str]]:
    return _keys(work, frozenset({"self"}))


def group_works(works: list[StoredWork]) -> list[list[StoredWork]]:
    """ORCID's groups: connected components of works linked by a shared self/version-of id."""
    ordered = sorted(works, key=lambda work: work.put_code)
    parent = list(range(len(ordered)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[tuple[str, str], int] = {}
    for index, work in enumerate(ordered):
        for key in _keys(work.document, GROUPING_RELATIONSHIPS):
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[StoredWork]] = {}
    for index, work in enumerate(ordered):
        groups.setdefault(root(index), []).append(work)
    return list(groups.values())


def group_external_ids(group: list[StoredWork]) -> list[ExternalId]:
    """The ids a group is known by: its members' self/version-of ids, each once."""
    seen: set[tuple[str, str]] = set()
    found = []
    for work in group:
        for item in work.document.external_ids:
            if item.relationship in GROUPING_RELATIONSHIPS and normalized(item) not in seen:
                seen.add(normalized(item))
                found.append(item)
    return found


# (source client id, normalized self id) → put-codes of that source's works carrying it, per record.
_SelfIndex = dict[tuple[str, tuple[str, str]], set[int]]


class WorksStore:
    """Every work in the stand-in. Callers hold the stand-in's lock around each use."""

    def __init__(self, first_put_code: int = 1001) -> None:
        self._records: dict[str, dict[int, StoredWork]] = {}
        self._self_ids: dict[str, _SelfIndex] = {}
        self._put_codes = itertools.count(first_put_code)

    def works_of(self, orcid: str) -> list[StoredWork]:
        return sorted(self._records.get(orcid, {}).values(), key=lambda work: work.put_code)

    def count(self, orcid: str) -> int:
        return len(self._records.get(orcid, {}))

    def get(self, orcid: str, put_code: int) -> StoredWork | None:
        return self._records.get(orcid, {}).get(put_code)

    def add(
        self,
        orcid: str,
        source_client_id: str,
        source_name: str,
        visibility: str,
        document: WorkDocument,
        now: datetime,
    ) -> StoredWork:
        work = StoredWork(
            put_code=next(self._put_codes),
            orcid=orcid,
            source_client_id=source_client_id,
            source_name=source_name,
            visibility=visibility,
            document=replace(document, put_code=None, visibility=None),
            created=now,
            modified=now,
        )
        self._records.setdefault(orcid, {})[work.put_code] = work
        self._index(work)
        return work

    def replace(self, work: StoredWork, document: WorkDocument, now: datetime) -> StoredWork:
        updated = replace(work, document=replace(document, put_code=None, visibility=None), modified=now)
        self._unindex(self._records[work.orcid][work.put_code])
        self._records[work.orcid][work.put_code] = updated
        self._index(updated)
        return updated

    def remove(self, orcid: str, put_code: int) -> bool:
        work = self._records.get(orcid, {}).pop(put_code, None)
        if work is None:
            return False
        self._unindex(work)
        return True

    def duplicate_of(
        self, orcid: str, source_client_id: str, document: WorkDocument, exclude: int | None = None
    ) -> int | None:
        """The put-code of this source's work sharing a `self` id with `document`, if any (the lowest,
        as a pass over the record in put-code order would find first)."""
        index = self._self_ids.get(orcid, {})
        found = {
            put_code
            for key in self_keys(document)
            for put_code in index.get((source_client_id, key), ())
            if put_code != exclude
        }
        return min(found, default=None)

    def _index(self, work: StoredWork) -> None:
        index = self._self_ids.setdefault(work.orcid, {})
        for key in self_keys(work.document):
            index.setdefault((work.source_client_id, key), set()).add(work.put_code)

    def _unindex(self, work: StoredWork) -> None:
        index = self._self_ids.get(work.orcid, {})
        for key in self_keys(work.document):
            holders = index.get((work.source_client_id, key))
            if holders is not None:
                holders.discard(work.put_code)
                if not holders:
                    del index[(work.source_client_id, key)]
