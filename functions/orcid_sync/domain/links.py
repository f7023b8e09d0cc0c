"""What we remember about each (researcher, Orbit output) pair on ORCID: the work link."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class LinkState(StrEnum):
    SYNCED = "synced"  # on ORCID under put_code, with content_hash
    REMOVED_BY_RESEARCHER = "removed_by_researcher"  # they deleted it on ORCID: not pushed again
    REJECTED = "rejected"  # ORCID refused it permanently; message says why
    DUPLICATE_OF = "duplicate_of"  # another Orbit output holds the same self identifier on ORCID


class WorkLink(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    publication_id: str
    state: LinkState
    # The ORCID iD whose record the link speaks of. None on links written before iDs were recorded:
    # those are read as the consent's current iD.
    orcid: str | None = None
    put_code: int | None = None
    content_hash: str | None = None
    # For DUPLICATE_OF: the Orbit output whose ORCID work carries the same self identifier.
    duplicate_of: str | None = None
    message: str | None = None
    changed_at: datetime
    # When Orbit last changed the output whose work this link holds (its modifiedDate when it was read),
    # and the mapping that built the work (sync/freshness.py). With both unchanged, the work needs no
    # rebuild. None on links from before, and on links that hold no work of ours.
    orbit_modified: datetime | None = None
    mapping: str | None = None

    def is_for(self, orcid: str) -> bool:
        """Whether this link speaks of `orcid`'s record (links from before iDs were recorded: yes)."""
        return self.orcid is None or self.orcid == orcid
