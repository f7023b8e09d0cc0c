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
from orcid_sync.orbit.persons import OrbitPersons, UnknownPerson
from orcid_sync.orcid.oauth import OAuthError, OrcidOAuthClient, TokenResponse
from orcid_sync.store.consents import CHANGE_ATTEMPTS, Consent, ConsentChanged, ConsentStatus, ConsentStore
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


class OrcidIdTaken(Exception):
    """The ORCID iD is connected to another Orbit person's active consent; the new token is revoked."""

    def __init__(self, orcid: str) -> None:
        self.orcid = orcid
        super().__init__(f"ORCID iD {orcid} is already connected to another person in Orbit")


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


def queue_resync(
    consents: ConsentStore,
    jobs: SyncJobQueue,
    person_id: str,
    now: datetime,
    *,
    restore: bool,
    allow_mass_delete: bool = False,
    by: str = "researcher",
) -> None:
    """Note the request on the consent's audit trail (guarded write) and queue the full sync.

    Raises NotConnected without an active consent. Only operators pass `allow_mass_delete`: it lets
    that one run delete past the mass-deletion guard.
    """
    event = "restore_requested" if restore else "resync_requested"
    if by != "researcher":
        event += f"_by_{by}"
    if allow_mass_delete:
        event += "_allowing_mass_delete"

    def noted(current: Consent | None) -> Consent:
        if current is None or current.status is not ConsentStatus.ACTIVE:
            raise NotConnected("connect your ORCID iD first")
        return current.with_event(event, now)

    consents.change(person_id, noted)
    jobs.enqueue(resync_job(person_id, now, restore, allow_mass_delete=allow_mass_delete))


def choose_affiliations(
    consents: ConsentStore, jobs: SyncJobQueue, person_id: str, now: datetime, *, on: bool
) -> None:
    """The researcher's choice: DTU employment (and the Orbit profile link) on their record, or not.

    Stored on the consent (guarded write, noted in the audit trail); every full sync honours it.
    Switching on queues a full sync so the employment appears within minutes; switching off writes
    nothing more and leaves what is on ORCID as it is (the record is the researcher's to edit).
    Raises NotConnected without an active consent.
    """

    def chosen(current: Consent | None) -> Consent | None:
        if current is None or current.status is not ConsentStatus.ACTIVE:
            raise NotConnected("connect your ORCID iD first")
        if current.sync_affiliations is on:
            return None
        return current.with_event("affiliations_on" if on else "affiliations_off", now, sync_affiliations=on)

    _, written = consents.change(person_id, chosen)
    if written is not None and on:
        jobs.enqueue(resync_job(person_id, now, restore=False))


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
    # How long a disconnected or declined consent is kept before DynamoDB's TTL deletes it.
    retention: timedelta = timedelta(days=365)
    clock: Callable[[], datetime] = _utcnow

    def start_connect(self, person_id: str, *, register: bool = False) -> ConnectStart:
        """Begin the ORCID authorization. Raises UnknownPerson, before anything is stored, for a person
        Orbit does not know (and OrbitUnavailable when Orbit cannot say)."""
        person = self.persons.get(person_id)
        if person is None:
            logger.warning("connect refused: Orbit does not know the person", extra={"person_id": person_id})
            raise UnknownPerson("Orbit has no person with the identity you signed in with")
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
        url = self.oauth.authorize_url(
            redirect_uri=self.redirect_uri,
            state=state,
            register=register,
            given_names=person.given_names if register else None,
            family_names=person.family_names if register else None,
            email=person.email if register else None,
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
        queue_resync(self.consents, self.jobs, person_id, self.clock(), restore=restore)

    def disconnect(self, person_id: str) -> Consent | None:
        """Revoke at ORCID, forget the tokens, keep the consent as an audit record.

        Every token we forget is revoked first; if a callback stores a new one meanwhile, the guarded
        write fails and the loop revokes that one too. If ORCID is down the revocation fails loudly and
        the tokens are kept, so it can be tried again.
        """
        revoked: set[str] = set()
        for _ in range(CHANGE_ATTEMPTS):
            consent = self.consents.get(person_id)
            if consent is None:
                return None
            if consent.access_token is not None:
                token = self.cipher.decrypt(person_id, consent.access_token)
                if token not in revoked:
                    self.oauth.revoke(token)
                    revoked.add(token)
            now = self.clock()
            updated = consent.with_event(
                "disconnected",
                now,
                status=ConsentStatus.DISCONNECTED,
                access_token=None,
                refresh_token=None,
                token_expires_at=None,
                expires_at=self._expiry(now),
            )
            try:
                stored = self.consents.save(updated, consent)
            except ConsentChanged:
                continue
            logger.info("consent disconnected", extra={"person_id": person_id})
            return stored
        raise ConsentChanged(f"the consent of {person_id} kept changing; try again")

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
        def declined(existing: Consent | None) -> Consent:
            if existing is not None and existing.status is ConsentStatus.ACTIVE:
                # Declining a second authorization does not undo the first; it is only noted.
                return existing.with_event("declined_again", now)
            if existing is not None:
                return existing.with_event(
                    "declined", now, status=ConsentStatus.DECLINED, expires_at=self._expiry(now)
                )
            fresh = Consent(person_id=person_id, status=ConsentStatus.DECLINED, changed_at=now)
            return fresh.with_event("declined", now, expires_at=self._expiry(now))

        _, consent = self.consents.change(person_id, declined)
        assert consent is not None
        logger.info("consent declined", extra={"person_id": person_id, "orcid_error": error})
        return CallbackResult(consent=consent, declined=True)

    def _save_grant(self, person_id: str, grant: TokenResponse, now: datetime) -> CallbackResult:
        """Store the new consent and its iD's claim in one guarded write; revoke every token we drop.

        Two callbacks racing for one person: each write names the version it read, so the loser reads
        again and replaces the winner (whose token it then revokes). A callback for an iD another
        person's active consent holds is refused and its token revoked.
        """
        for _ in range(CHANGE_ATTEMPTS):
            previous = self.consents.get(person_id)
            claim = self.consents.claim_of(grant.orcid)
            if (
                claim is not None
                and claim.person_id != person_id
                and self._holds(claim.person_id, grant.orcid)
            ):
                self._revoke_quietly(grant.access_token, "the iD belongs to another Orbit person")
                logger.warning(
                    "ORCID iD already connected to another person",
                    extra={"person_id": person_id, "holder": claim.person_id, "orcid": grant.orcid},
                )
                raise OrcidIdTaken(grant.orcid)
            try:
                consent = self.consents.save_claimed(
                    self._granted(person_id, previous, grant, now), previous, claim
                )
            except ConsentChanged:
                continue
            break
        else:
            self._revoke_quietly(grant.access_token, "the consent kept changing")
            raise ConsentChanged(f"the consent of {person_id} kept changing; try again")
        replaced = previous.orcid if previous and previous.orcid and previous.orcid != grant.orcid else None
        if previous is not None and previous.access_token is not None:
            old_token = self.cipher.decrypt(person_id, previous.access_token)
            # A token we stop storing must not stay valid at ORCID. ORCID may hand back the same token
            # when the same person re-authorizes with the same scopes; that one is kept, of course.
            if old_token != grant.access_token:
                self._revoke_quietly(old_token, "replaced by a new consent")
        self.jobs.enqueue(consent_job(person_id, now))
        logger.info(
            "consent saved",
            extra={"person_id": person_id, "orcid": grant.orcid, "replaced_orcid": replaced},
        )
        return CallbackResult(consent=consent, replaced_orcid=replaced)

    def _granted(
        self, person_id: str, previous: Consent | None, grant: TokenResponse, now: datetime
    ) -> Consent:
        replaced = previous is not None and previous.orcid is not None and previous.orcid != grant.orcid
        base = previous or Consent(person_id=person_id, status=ConsentStatus.ACTIVE, changed_at=now)
        return base.with_event(
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
            expires_at=None,
        )

    def _expiry(self, now: datetime) -> int:
        return int((now + self.retention).timestamp())

    def _holds(self, holder: str, orcid: str) -> bool:
        """Whether `holder`'s consent is active for `orcid` (a claim outlives the consent it served)."""
        consent = self.consents.get(holder)
        return consent is not None and consent.status is ConsentStatus.ACTIVE and consent.orcid == orcid

    def _revoke_quietly(self, token: str, why: str) -> None:
        try:
            self.oauth.revoke(token)
        except OAuthError as exc:
            # Not fatal: the new consent stands. Logged so operators can revoke by hand.
            logger.warning("could not revoke a token at ORCID", extra={"why": why, "error": str(exc)})
