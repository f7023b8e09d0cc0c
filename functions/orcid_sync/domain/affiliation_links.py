"""What we remember about each (researcher, item of the person's affiliation data) on ORCID.

An item is an employment for one Orbit staff association (`employment#<association id>`) or the Orbit
profile link on the person section (`researcher-url#orbit-profile`). Like work links, each names the
ORCID iD it was made for, the put-code, the content hash last written and whether the researcher
removed it on ORCID. These live in their own table, never beside work links: nothing the works sync
reads, plans or deletes can see them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from orcid_sync.domain.links import LinkState

ORBIT_PROFILE = "researcher-url#orbit-profile"


class AffiliationKind(StrEnum):
    EMPLOYMENT = "employment"
    RESEARCHER_URL = "researcher-url"


def employment_item(association_id: str) -> str:
    return f"{AffiliationKind.EMPLOYMENT.value}#{association_id}"


class AffiliationLink(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    item: str  # "employment#<association id>" or "researcher-url#orbit-profile"
    state: LinkState  # SYNCED, REMOVED_BY_RESEARCHER or REJECTED
    orcid: str
    put_code: int | None = None
    content_hash: str | None = None
    # The version on ORCID carries an end date (the association ended).
    ended: bool = False
    message: str | None = None
    changed_at: datetime

    @property
    def kind(self) -> AffiliationKind:
        return AffiliationKind(self.item.split("#", 1)[0])

    @property
    def key(self) -> str:
        """The association id (or the researcher URL's name) after the kind."""
        return self.item.split("#", 1)[1]

    def is_for(self, orcid: str) -> bool:
        return self.orcid == orcid
