"""GDPR erasure of one researcher: revoke, optionally delete our works, forget everything, keep a tombstone.

Order matters. The token is revoked at ORCID first (if ORCID cannot be reached, nothing is deleted
and the operator tries again); the researcher's works are deleted from ORCID only when asked, and only
those our links name for their current iD; then links, sessions, OAuth states, the consent and its
iD's claim go, and a tombstone records when, by whom and how much — with no person id, name or iD.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from orcid_sync.domain.links import LinkState
from orcid_sync.observability import logger
from orcid_sync.ops.records import ERASURE_PREFIX, NotFound
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.errors import NotOurItem, PutCodeGone, TokenRevoked
from orcid_sync.orcid.oauth import OrcidOAuthClient
from orcid_sync.store.consents import ConsentStore
from orcid_sync.store.items import TableStore
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.store.work_links import WorkLinkStore


@dataclass(frozen=True)
class Erased:
    erasure_id: str
    token_revoked: bool
    works_deleted: int
    links_removed: int
    other_records_removed: int


@dataclass
class Eraser:
    consents: ConsentStore
    links: WorkLinkStore
    sessions: TableStore
    states: TableStore
    # Other tables keyed (person_id, sort key) that hold the researcher's data: emptied too.
    person_tables: tuple[tuple[TableStore, str], ...]
    cipher: TokenCipher
    oauth: OrcidOAuthClient
    works: OrcidWorksClient
    clock: Callable[[], datetime]

    def erase(self, person_id: str, *, by: str, delete_works: bool) -> Erased:
        consent = self.consents.get(person_id)
        if consent is None:
            raise NotFound(f"no consent for {person_id}: nothing to erase")
        revoked, deleted = False, 0
        if consent.access_token is not None:
            token = self.cipher.decrypt(person_id, consent.access_token)
            if delete_works and consent.orcid:
                deleted = self._delete_works(person_id, consent.orcid, token)
            self.oauth.revoke(token)  # fails loudly: then nothing of ours is deleted yet
            revoked = True
        removed_links = self.links.delete_all(person_id)
        others = self.sessions.forget_person(person_id, "id_hash")
        others += self.states.forget_person(person_id, "state_hash")
        others += sum(table.forget_partition(person_id, sort_key) for table, sort_key in self.person_tables)
        erasure_id = str(uuid.uuid4())
        self.consents.erase(
            consent,
            {
                "person_id": f"{ERASURE_PREFIX}{erasure_id}",
                "erased_at": self.clock().isoformat(),
                "erased_by": by,
                "token_revoked": revoked,
                "works_deleted": deleted,
                "links_removed": removed_links,
            },
        )
        logger.info("researcher erased", extra={"erasure_id": erasure_id, "by": by, "works_deleted": deleted})
        return Erased(erasure_id, revoked, deleted, removed_links, others)

    def _delete_works(self, person_id: str, orcid: str, token: str) -> int:
        deleted = 0
        for link in self.links.of_person(person_id).values():
            if link.state is not LinkState.SYNCED or link.put_code is None or not link.is_for(orcid):
                continue
            try:
                self.works.delete_work(orcid, token, link.put_code)
                deleted += 1
            except (NotOurItem, PutCodeGone):
                continue  # not ours, or already gone: nothing to delete
            except TokenRevoked:
                break  # the researcher already removed us: ORCID lets us delete nothing more
        return deleted
