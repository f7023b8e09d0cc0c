"""The consent flow: connect → ORCID → callback → consent saved and first sync queued; status; disconnect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from orcid_sync.auth.binding import flow_value
from orcid_sync.consent.state import StateProblem, StateRejected, digest, new_secret, same_digest
from orcid_sync.jobs.sync_jobs import SyncJobQueue, consent_job, resync_job
from orcid_sync.observability import logger
from orcid_sync.orbit.persons import OrbitPersons, prefill_for_registration
from orcid_sync.orcid.oauth import OAuthError, OrcidOAuthClient, TokenResponse
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore
from orcid_sync.store.oauth_states import OAuthStateStore, StoredState
from orcid_sync.store.token_cipher import TokenCipher

# The purpose of the nonce derived from the browser's state cookie (auth/binding.py).
ORCID_NONCE = "orcid-nonce"


class InsufficientScope(Exception):
    """The researcher unticked a permission we need; the token we got is revoked again."""

    def __init__(self, missing: frozenset[str]) -> None:
        self.missing = missing
        super().__init__(f"ORCID granted too little: missing {', '.join(sorted(missing))}")


class NotConnected(Exception):
    """The researcher has no active consent, so there is nothing to sync."""


class SymbolKind(StrEnum):
    """The sync symbol on the status page."""

    WORKING = "working"
    PAUSED = "paused"
    NEEDS_ATTENTION = "needs_attention"
    NOT_CONNECTED = "not_connected"


@dataclass(frozen=True)
class ConnectStart:
    authorize_url: str
    # Goes into a cookie; the callback must present it again (binds the state to this browser).
    browser_secret: str


@dataclass(frozen=True)
class CallbackResult:
    consent: Consent
    declined: bool = False
    replaced_orcid: str | None = None


@dataclass(frozen=True)
class StatusView:
    symbol: SymbolKind
    consent: Consent | None


def symbol_for(consent: Consent | None) -> SymbolKind:
    if consent is None or (consent.status is ConsentStatus.DECLINED and consent.orcid is None):
        return SymbolKind.NOT_CONNECTED
    if consent.status is not ConsentStatus.ACTIVE:
        return SymbolKind.PAUSED
    if consent.sync is not None and consent.sync.problem:
        return SymbolKind.NEEDS_ATTENTION
    return SymbolKind.WORKING


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ConsentService:
    consents: ConsentStore
    states: OAuthStateStore
    cipher: TokenCipher
    oauth: OrcidOAuthClient
    jobs: SyncJobQueue
    persons: OrbitPersons
    redirect_uri: str
    state_ttl: timedelta = timedelta(minutes=10)
    clock: Callable[[], datetime] = _utcnow

    def start_connect(self, person_id: str, *, register: bool = False) -> ConnectStart:
        state, browser_secret = new_secret(), new_secret()
        now = self.clock()
        self.states.put(
            StoredState(
                state_hash=digest(state),
                person_id=person_id,
                browser_hash=digest(browser_secret),
                expires_at=int((now + self.state_ttl).timestamp()),
                registration=register,
            )
        )
        person = prefill_for_registration(self.persons, person_id) if register else None
        url = self.oauth.authorize_url(
            redirect_uri=self.redirect_uri,
            state=state,
            register=register,
            given_names=person.given_names if person else None,
            family_names=person.family_names if person else None,
            email=person.email if person else None,
            nonce=flow_value(browser_secret, ORCID_NONCE),
        )
        logger.info("consent flow started", extra={"person_id": person_id, "register": register})
        return ConnectStart(authorize_url=url, browser_secret=browser_secret)

    def complete(
        self,
        *,
        state: str | None,
        browser_secret: str | None,
        code: str | None,
        error: str | None,
    ) -> CallbackResult:
        """Handle ORCID's redirect. Raises StateRejected, OAuthError or InsufficientScope."""
        stored = self._take_state(state, browser_secret)
        person_id = stored.person_id
        now = self.clock()
        if error or not code:
            return self._record_decline(person_id, now, error or "no_code")
        # The id_token must carry this browser's nonce: a code leaked from another flow is refused.
        grant = self.oauth.exchange_code(
            code, self.redirect_uri, nonce=flow_value(browser_secret or "", ORCID_NONCE)
        )
        if grant.missing_scopes:
            self._revoke_quietly(grant.access_token, "insufficient scope")
            raise InsufficientScope(grant.missing_scopes)
        return self._save_grant(person_id, grant, now)

    def status(self, person_id: str) -> StatusView:
        consent = self.consents.get(person_id)
        return StatusView(symbol=symbol_for(consent), consent=consent)

    def request_resync(self, person_id: str, *, restore: bool) -> None:
        """Queue a full sync now; with `restore`, works the researcher removed on ORCID are pushed again."""
        consent = self.consents.get(person_id)
        if consent is None or consent.status is not ConsentStatus.ACTIVE:
            raise NotConnected("connect your ORCID iD first")
        now = self.clock()
        self.jobs.enqueue(resync_job(person_id, now, restore))
        self.consents.put(consent.with_event("restore_requested" if restore else "resync_requested", now))

    def disconnect(self, person_id: str) -> Consent | None:
        """Revoke at ORCID, forget the tokens, keep the consent as an audit record."""
        consent = self.consents.get(person_id)
        if consent is None:
            return None
        if consent.access_token is not None:
            token = self.cipher.decrypt(person_id, consent.access_token)
            # If ORCID is down the revocation fails loudly: we keep the tokens so it can be tried again.
            self.oauth.revoke(token)
        updated = consent.with_event(
            "disconnected",
            self.clock(),
            status=ConsentStatus.DISCONNECTED,
            access_token=None,
            refresh_token=None,
            token_expires_at=None,
        )
        self.consents.put(updated)
        logger.info("consent disconnected", extra={"person_id": person_id})
        return updated

    def _take_state(self, state: str | None, browser_secret: str | None) -> StoredState:
        if not state:
            raise StateRejected(StateProblem.MISSING)
        stored = self.states.get(digest(state))
        if stored is None:
            raise StateRejected(StateProblem.UNKNOWN)
        if stored.used_at is not None:
            raise StateRejected(StateProblem.REPLAYED)
        if not same_digest(browser_secret, stored.browser_hash):
            raise StateRejected(StateProblem.OTHER_BROWSER)
        now = self.clock()
        if now.timestamp() >= stored.expires_at:
            raise StateRejected(StateProblem.EXPIRED)
        if not self.states.consume(stored.state_hash, now):
            raise StateRejected(StateProblem.REPLAYED)
        return stored

    def _record_decline(self, person_id: str, now: datetime, error: str) -> CallbackResult:
        existing = self.consents.get(person_id)
        if existing is not None and existing.status is ConsentStatus.ACTIVE:
            # Declining a second authorization does not undo the first; it is only noted.
            consent = existing.with_event("declined_again", now)
        elif existing is not None:
            consent = existing.with_event("declined", now, status=ConsentStatus.DECLINED)
        else:
            consent = Consent(person_id=person_id, status=ConsentStatus.DECLINED, changed_at=now)
            consent = consent.with_event("declined", now)
        self.consents.put(consent)
        logger.info("consent declined", extra={"person_id": person_id, "orcid_error": error})
        return CallbackResult(consent=consent, declined=True)

    def _save_grant(self, person_id: str, grant: TokenResponse, now: datetime) -> CallbackResult:
        previous = self.consents.get(person_id)
        replaced = None
        if previous is not None and previous.orcid and previous.orcid != grant.orcid:
            replaced = previous.orcid
        if previous is not None and previous.access_token is not None:
            old_token = self.cipher.decrypt(person_id, previous.access_token)
            # A token we stop storing must not stay valid at ORCID. ORCID may hand back the same token
            # when the same person re-authorizes with the same scopes; that one is kept, of course.
            if old_token != grant.access_token:
                self._revoke_quietly(old_token, "replaced by a new consent")
        base = previous or Consent(person_id=person_id, status=ConsentStatus.ACTIVE, changed_at=now)
        consent = base.with_event(
            "connected",
            now,
            status=ConsentStatus.ACTIVE,
            orcid=grant.orcid,
            name=grant.name or base.name,
            scopes=grant.scope,
            access_token=self.cipher.encrypt(person_id, grant.access_token),
            refresh_token=self.cipher.encrypt(person_id, grant.refresh_token),
            token_expires_at=now + timedelta(seconds=grant.expires_in),
            granted_at=now,
            sync=None if replaced else base.sync,
        )
        self.consents.put(consent)
        self.jobs.enqueue(consent_job(person_id, now))
        logger.info(
            "consent saved",
            extra={"person_id": person_id, "orcid": grant.orcid, "replaced_orcid": replaced},
        )
        return CallbackResult(consent=consent, replaced_orcid=replaced)

    def _revoke_quietly(self, token: str, why: str) -> None:
        try:
            self.oauth.revoke(token)
        except OAuthError as exc:
            # Not fatal: the new consent stands. Logged so operators can revoke by hand.
            logger.warning("could not revoke a token at ORCID", extra={"why": why, "error": str(exc)})
