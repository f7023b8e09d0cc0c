"""Signing in with DTU's identity provider, and the sessions that follow.

start → the provider's sign-in page → finish (state checked, code redeemed with PKCE, ID token verified,
person resolved in Orbit) → a session: an opaque 256-bit id in the browser's cookie, its hash in DynamoDB,
expiring after `idle` without use and at the latest `max_age` after sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from orcid_sync.auth.binding import flow_value
from orcid_sync.consent.state import digest, new_secret, same_digest
from orcid_sync.observability import logger
from orcid_sync.oidc.client import OidcClient
from orcid_sync.oidc.id_token import IdTokenRejected
from orcid_sync.orbit.persons import OrbitPersons, UnknownPerson
from orcid_sync.store.sessions import Session, SessionStore, SignInAttempt

DEFAULT_RETURN_PATH = "/orcid/status"
# Where a sign-in may lead back to: our own pages, by path only (no scheme, host or `//`).
_RETURN_PATH = re.compile(r"^/orcid/[A-Za-z0-9/_-]*(\?[A-Za-z0-9=&_.-]*)?$")
# A session is renewed (one write) at most this often; each renewal moves its expiry to now + idle.
RENEW_AFTER_SECONDS = 60


class SignInProblem(StrEnum):
    MISSING = "missing"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REPLAYED = "replayed"
    OTHER_BROWSER = "other_browser"
    DECLINED = "declined"
    REFUSED = "refused"  # the provider refused the code, or its ID token failed verification
    NO_CLAIM = "no_claim"
    UNKNOWN_PERSON = "unknown_person"


class SignInFailed(Exception):
    def __init__(self, problem: SignInProblem, detail: str = "") -> None:
        self.problem = problem
        super().__init__(f"sign-in failed: {problem.value}" + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class SignInStart:
    authorize_url: str
    browser_secret: str  # goes into the sign-in cookie


@dataclass(frozen=True)
class SignedIn:
    person_id: str
    session_secret: str  # goes into the session cookie
    return_to: str
    max_age: int


@dataclass(frozen=True)
class CurrentSession:
    person_id: str
    renewed: bool  # the cookie's Max-Age should be sent again
    max_age: int


def safe_return_path(value: str | None) -> str:
    """`value` when it is one of our own pages, else the status page: never a way to another site."""
    if value and _RETURN_PATH.match(value) and not urlsplit(value).netloc:
        return value
    if value:
        logger.info("sign-in return path refused", extra={"return_to": value[:200]})
    return DEFAULT_RETURN_PATH


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SignInService:
    sessions: SessionStore
    oidc: OidcClient
    persons: OrbitPersons
    redirect_uri: str
    person_claim: str
    attempt_ttl: timedelta = timedelta(minutes=10)
    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=8)
    clock: Callable[[], datetime] = _now

    def start(self, return_to: str | None) -> SignInStart:
        state, browser_secret = new_secret(), new_secret()
        now = int(self.clock().timestamp())
        self.sessions.put_attempt(
            SignInAttempt(
                id_hash=digest(state),
                browser_hash=digest(browser_secret),
                return_to=safe_return_path(return_to),
                expires_at=now + int(self.attempt_ttl.total_seconds()),
            )
        )
        url = self.oidc.authorize_url(
            redirect_uri=self.redirect_uri,
            state=state,
            nonce=flow_value(browser_secret, "nonce"),
            verifier=flow_value(browser_secret, "pkce"),
        )
        return SignInStart(authorize_url=url, browser_secret=browser_secret)

    def finish(
        self, *, state: str | None, browser_secret: str | None, code: str | None, error: str | None
    ) -> SignedIn:
        attempt = self._take_attempt(state, browser_secret)
        assert browser_secret is not None  # checked against the attempt above
        if error or not code:
            raise SignInFailed(SignInProblem.DECLINED, error or "no code")
        try:
            claims = self.oidc.exchange(
                code=code,
                redirect_uri=self.redirect_uri,
                verifier=flow_value(browser_secret, "pkce"),
                nonce=flow_value(browser_secret, "nonce"),
            )
        except IdTokenRejected as exc:
            logger.warning("ID token rejected", extra={"reason": str(exc)})
            raise SignInFailed(SignInProblem.REFUSED, str(exc)) from None
        value = claims.get(self.person_claim)
        if not isinstance(value, str) or not value:
            raise SignInFailed(SignInProblem.NO_CLAIM, f"the ID token has no '{self.person_claim}' claim")
        try:
            person_id = self.persons.resolve_person_id(value)
        except UnknownPerson:
            raise SignInFailed(SignInProblem.UNKNOWN_PERSON) from None
        session_secret = new_secret()
        now = int(self.clock().timestamp())
        idle = int(self.idle.total_seconds())
        self.sessions.put_session(
            Session(
                id_hash=digest(session_secret),
                person_id=person_id,
                created_at=now,
                expires_at=now + idle,
                absolute_expires_at=now + int(self.max_age.total_seconds()),
                renewed_at=now,
            )
        )
        logger.info("signed in", extra={"person_id": person_id})
        return SignedIn(person_id, session_secret, attempt.return_to, idle)

    def current(self, session_secret: str | None) -> CurrentSession | None:
        """The signed-in person, or None (no cookie, tampered, expired, signed out). Slides the expiry."""
        if not session_secret:
            return None
        id_hash = digest(session_secret)
        session = self.sessions.get_session(id_hash)
        now = int(self.clock().timestamp())
        if session is None or now >= session.expires_at or now >= session.absolute_expires_at:
            return None
        if now - session.renewed_at < RENEW_AFTER_SECONDS:
            return CurrentSession(session.person_id, renewed=False, max_age=session.expires_at - now)
        expires = min(now + int(self.idle.total_seconds()), session.absolute_expires_at)
        if not self.sessions.renew(id_hash, expires, now):
            return None
        return CurrentSession(session.person_id, renewed=True, max_age=expires - now)

    def sign_out(self, session_secret: str | None) -> None:
        if session_secret:
            self.sessions.delete_session(digest(session_secret))

    def _take_attempt(self, state: str | None, browser_secret: str | None) -> SignInAttempt:
        if not state:
            raise SignInFailed(SignInProblem.MISSING)
        attempt = self.sessions.get_attempt(digest(state))
        if attempt is None:
            raise SignInFailed(SignInProblem.UNKNOWN)
        if attempt.used_at is not None:
            raise SignInFailed(SignInProblem.REPLAYED)
        # Checked before the attempt is used up, so a stranger cannot burn the rightful browser's attempt.
        if not same_digest(browser_secret, attempt.browser_hash):
            raise SignInFailed(SignInProblem.OTHER_BROWSER)
        now = int(self.clock().timestamp())
        if now >= attempt.expires_at:
            raise SignInFailed(SignInProblem.EXPIRED)
        if not self.sessions.consume_attempt(attempt.id_hash, now):
            raise SignInFailed(SignInProblem.REPLAYED)
        return attempt
