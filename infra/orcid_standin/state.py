"""Shared state of the ORCID stand-in: records (people) and the OAuth grants issued for them.

The OAuth part (authorize, token, revoke) and the member API part (works) are separate WSGI apps
that share one `StandInState`, as ORCID's registry and API share one database.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass, field

from orcid_sync.domain.orcid_ids import orcid_check_character


@dataclass
class Record:
    """One ORCID record (a person)."""

    orcid: str
    given_names: str
    family_names: str
    email: str | None = None
    # ORCID applies the user's default visibility to works added by a member client.
    default_visibility: str = "public"
    # 409/9018 (locked), 9036 (unclaimed), 9044 (deactivated) answer every write when set.
    locked: bool = False
    deactivated: bool = False

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.family_names}".strip()


@dataclass
class TokenGrant:
    """An access token as ORCID's OAuth server issued it."""

    access_token: str
    refresh_token: str
    orcid: str
    client_id: str
    scopes: frozenset[str]
    code: str | None = None
    # Revoked by the client through /oauth/revoke, or disabled because its code was reused.
    revoked: bool = False
    # Revoked by the researcher on orcid.org (trusted organizations). ORCID still accepts DELETE then.
    revoked_by_user: bool = False


@dataclass
class StandInState:
    """Everything the stand-in remembers; guarded by one lock because the server is threaded."""

    records: dict[str, Record] = field(default_factory=dict)
    tokens: dict[str, TokenGrant] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def new_orcid_id(self) -> str:
        """Mint an unused, checksum-valid iD in the 0009- block, as new ORCID records get."""
        with self.lock:
            while True:
                base = "0009" + "".join(str(secrets.randbelow(10)) for _ in range(11))
                digits = base + orcid_check_character(base)
                orcid = "-".join(digits[i : i + 4] for i in range(0, 16, 4))
                if orcid not in self.records:
                    return orcid

    def add_record(
        self, given_names: str, family_names: str, email: str | None = None, orcid: str | None = None
    ) -> Record:
        with self.lock:
            record = Record(
                orcid=orcid or self.new_orcid_id(),
                given_names=given_names,
                family_names=family_names,
                email=email,
            )
            self.records[record.orcid] = record
            return record

    def issue_token(
        self, orcid: str, client_id: str, scopes: frozenset[str], code: str | None = None
    ) -> TokenGrant:
        """Create a grant directly (tests use this to skip the browser part of OAuth)."""
        with self.lock:
            grant = TokenGrant(
                access_token=str(uuid.uuid4()),
                refresh_token=str(uuid.uuid4()),
                orcid=orcid,
                client_id=client_id,
                scopes=scopes,
                code=code,
            )
            self.tokens[grant.access_token] = grant
            return grant

    def lookup_token(self, access_token: str) -> TokenGrant | None:
        with self.lock:
            return self.tokens.get(access_token)

    def revoke_by_user(self, orcid: str, client_id: str) -> int:
        """The researcher removes the client from their trusted organizations; returns grants revoked."""
        with self.lock:
            grants = [t for t in self.tokens.values() if t.orcid == orcid and t.client_id == client_id]
            for grant in grants:
                grant.revoked_by_user = True
            return len(grants)
