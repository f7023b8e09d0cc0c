"""Everything the ORCID member API can answer besides success, as typed exceptions.

`error_from_answer` turns a status, headers and body into one of the classes below, so services never
look at status codes: they catch `WorkConflict`, `TokenRevoked`, `Transient`, ... and act on the domain
meaning. No access token ever reaches an exception message: ORCID's 401 body echoes the token, so its
text is never kept, and every other message is scrubbed of the token it was sent with.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from orcid_sync.domain.errors import TryLater

ERROR_NS = "http://www.orcid.org/ns/error"
_MAX_MESSAGE = 2000
_PUT_CODE_RE = re.compile(r"put-code\s+(\d+)", re.IGNORECASE)
_ORCID_RE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_UNKNOWN_ORCID_RE = re.compile(r"ORCID iD \S+ not found|ORCID \S+ not found", re.IGNORECASE)


class OrcidError(Exception):
    """Base of every answer from the member API that is not a success."""

    def __init__(self, message: str, *, status: int | None = None, error_code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class Transient(OrcidError, TryLater):
    """ORCID is busy or failing (503 beyond the burst, 429, 5xx/9008, timeouts, connection errors).

    Trying again later may work; `retry_after` is ORCID's hint in seconds when it gave one.
    """

    def __init__(
        self,
        retry_after: float | None = None,
        message: str = "ORCID is busy or failing; try again later",
        *,
        status: int | None = None,
        error_code: int | None = None,
    ) -> None:
        super().__init__(message, status=status, error_code=error_code)
        self.retry_after = retry_after


class TokenRevoked(OrcidError):
    """401 invalid_token: the researcher revoked the consent, or the token expired. Stop; do not retry."""

    def __init__(self, status: int = 401) -> None:
        super().__init__("ORCID refused the access token (revoked or expired)", status=status)


class AccessDenied(OrcidError):
    """The token is valid but does not allow this call (another record, a missing scope): our bug."""

    def __init__(self, code: int | None, message: str, *, status: int | None = None) -> None:
        super().__init__(message, status=status, error_code=code)
        self.code = code


class WorkConflict(OrcidError):
    """409/9021: this client already has a work with the same `self` external id; `put_code` is that work."""

    def __init__(self, put_code: int | None, message: str = "", *, status: int | None = 409) -> None:
        text = message or f"ORCID already holds this work from us (put-code {put_code})"
        super().__init__(text, status=status, error_code=9021)
        self.put_code = put_code


class ElementConflict(OrcidError):
    """409/9030: this client already has that element in the person section (e.g. the same URL)."""

    def __init__(
        self, message: str = "ORCID already holds this element from us", *, status: int | None = 409
    ) -> None:
        super().__init__(message, status=status, error_code=9030)


class PutCodeGone(OrcidError):
    """404/9016 for a put-code: the work is gone (the researcher deleted it)."""

    def __init__(
        self, message: str = "the work is no longer on the record", *, status: int | None = 404
    ) -> None:
        super().__init__(message, status=status, error_code=9016)


class NotOurItem(OrcidError):
    """403/9010: another source owns that put-code; forget it and match again."""

    def __init__(
        self, message: str = "we are not the source of this work", *, status: int | None = 403
    ) -> None:
        super().__init__(message, status=status, error_code=9010)


class VisibilityRefused(OrcidError):
    """403/9035: ORCID refused a visibility change (visibility is the researcher's; never send it)."""

    def __init__(
        self, message: str = "ORCID refused a visibility change", *, status: int | None = 403
    ) -> None:
        super().__init__(message, status=status, error_code=9035)


class Rejected(OrcidError):
    """A permanent refusal of this work's content (400/9001, 9020, 9022, 9023, 9037, 9049, 9051, ...).

    `message` is ORCID's developer message, to be recorded on the work; retrying cannot help.
    """

    def __init__(self, code: int | None, message: str, *, status: int | None = 400) -> None:
        super().__init__(message, status=status, error_code=code)
        self.code = code


class ClientBug(OrcidError):
    """ORCID says we called it wrongly (9019 put-code mismatch, 9024 put-code on POST, 9034 bad put-code)."""

    def __init__(self, code: int | None, message: str, *, status: int | None = 400) -> None:
        super().__init__(message, status=status, error_code=code)
        self.code = code


class TooManyItems(OrcidError):
    """400/9006 or 413: more than 100 items in one bulk call; send smaller chunks."""

    def __init__(self, message: str = "too many items in one bulk call", *, status: int | None = 400) -> None:
        super().__init__(message, status=status, error_code=9006)


class TooManyWorks(OrcidError):
    """409/9048: the record already holds the maximum number of works (10,000)."""

    def __init__(
        self, message: str = "the record holds the maximum number of works", *, status: int = 409
    ) -> None:
        super().__init__(message, status=status, error_code=9048)


_RECORD_REASONS = {
    9018: "locked",
    9036: "unclaimed",
    9044: "deactivated",
    9011: "not found",
    9016: "not found",
}


class RecordUnavailable(OrcidError):
    """The record takes no writes (409/9018 locked, 9036 unclaimed, 9044 deactivated): park the researcher."""

    def __init__(self, code: int | None, message: str = "", *, status: int | None = 409) -> None:
        reason = _RECORD_REASONS.get(code or 0, "unavailable")
        super().__init__(message or f"the ORCID record is {reason}", status=status, error_code=code)
        self.code = code

    @property
    def reason(self) -> str:
        """locked, unclaimed, deactivated, not found or unavailable."""
        return _RECORD_REASONS.get(self.code or 0, "unavailable")


class RecordNotFound(RecordUnavailable):
    """404 naming the ORCID iD itself (not a put-code): there is no such record."""

    def __init__(self, message: str = "", *, code: int | None = 9016, status: int | None = 404) -> None:
        super().__init__(code, message or "the ORCID record does not exist", status=status)


class RecordMerged(OrcidError):
    """301/9007: the record was deprecated and merged into `new_orcid` (None if ORCID did not say which)."""

    def __init__(self, new_orcid: str | None, message: str = "", *, status: int | None = 301) -> None:
        super().__init__(
            message or f"the ORCID record was merged into {new_orcid}", status=status, error_code=9007
        )
        self.new_orcid = new_orcid


class UnexpectedAnswer(OrcidError):
    """An answer we cannot interpret (an unlisted status, a success without the expected content)."""


@dataclass(frozen=True)
class ErrorBody:
    """ORCID's error document (XML namespace `http://www.orcid.org/ns/error` or JSON, same names)."""

    response_code: int | None = None
    developer_message: str = ""
    user_message: str = ""
    error_code: int | None = None
    oauth_error: str | None = None  # the OAuth-style body of a 401: {"error": "invalid_token", ...}


CLIENT_BUG_CODES = frozenset({9019, 9024, 9034})
RECORD_UNAVAILABLE_CODES = frozenset({9018, 9036, 9044})


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _text(value: object) -> str:
    if isinstance(value, dict):  # {"value": "..."} in some JSON shapes
        value = value.get("value")
    return "" if value is None else str(value).strip()


def error_body_from_mapping(data: Mapping[str, object]) -> ErrorBody:
    """Read an error from its JSON form (also the `error` item of a bulk answer)."""
    oauth = data.get("error")
    return ErrorBody(
        response_code=_int(data.get("response-code")),
        developer_message=_text(data.get("developer-message")),
        user_message=_text(data.get("user-message")),
        error_code=_int(data.get("error-code")),
        oauth_error=oauth if isinstance(oauth, str) else None,
    )


def error_body_from_element(element: ET.Element) -> ErrorBody:
    """Read an `error:error` element (a whole error answer or one item of a bulk answer)."""

    def child(name: str) -> str:
        found = element.find(f"{{{ERROR_NS}}}{name}")
        return (found.text or "").strip() if found is not None else ""

    return ErrorBody(
        response_code=_int(child("response-code")),
        developer_message=child("developer-message"),
        user_message=child("user-message"),
        error_code=_int(child("error-code")),
    )


def parse_xml(body: bytes) -> ET.Element:
    """Parse an XML answer from ORCID with defusedxml: a DTD, an entity or an external reference is refused
    (ValueError), so no entity tricks from anyone in the middle."""
    try:
        return DefusedET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ValueError(f"XML refused: {type(exc).__name__}") from None


def parse_error_body(body: bytes) -> ErrorBody | None:
    """Read an error answer in any of ORCID's forms; None when the body is not one (an HTML 503 page)."""
    text = body.strip()
    if text.startswith(b"{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return error_body_from_mapping(data) if isinstance(data, dict) else None
    if text.startswith(b"<"):
        try:
            root = parse_xml(text)
        except (ET.ParseError, ValueError):
            return None
        if root.tag == f"{{{ERROR_NS}}}error":
            return error_body_from_element(root)
        oauth = root.find("error")  # Spring's XML form of an OAuth error: <oauth><error>...</error></oauth>
        if oauth is not None and oauth.text:
            return ErrorBody(oauth_error=oauth.text.strip())
    return None


def scrub(text: str, secret: str | None) -> str:
    """Remove the access token from a message and keep it to a sensible length."""
    if secret:
        text = text.replace(secret, "[token]")
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "…"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _merged_into(location: str | None, message: str, orcid: str | None) -> str | None:
    for text in (location or "", message):
        for found in _ORCID_RE.findall(text):
            if found != orcid:
                return str(found)
    return None


@dataclass(frozen=True)
class _Answer:
    """One non-success answer, as the rules below read it."""

    status: int
    code: int | None
    body: ErrorBody
    message: str  # ORCID's words (token scrubbed), or "ORCID answered <status>"
    answered: str  # "ORCID answered <status>: <words>"
    headers: Mapping[str, str]
    orcid: str | None


def _unauthorized(a: _Answer) -> OrcidError:
    # The OAuth body echoes the token: never keep its text. An ORCID body with 9017 means the token is
    # valid but for another record; anything else leaves the consent unusable.
    if a.body.oauth_error is None and a.code is not None and a.code != 9003:
        return AccessDenied(a.code, a.message, status=a.status)
    return TokenRevoked(a.status)


def _conflict(a: _Answer) -> OrcidError:
    match = _PUT_CODE_RE.search(a.body.developer_message)
    return WorkConflict(int(match.group(1)) if match else None, a.message, status=a.status)


_ANY: frozenset[int] = frozenset()
_SERVER = frozenset({429, *range(500, 600)})

# (statuses, error codes, pattern in ORCID's message) → outcome; the first rule that matches wins.
# A rule matches when the status or the code is listed (either set may be empty) and, if it has a
# pattern, ORCID's developer message matches it.
_RULES: tuple[
    tuple[frozenset[int], frozenset[int], re.Pattern[str] | None, Callable[[_Answer], OrcidError]], ...
] = (
    (frozenset({401}), _ANY, None, _unauthorized),
    (
        _SERVER,
        frozenset({9008}),
        None,
        lambda a: Transient(
            parse_retry_after(a.headers.get("Retry-After")), a.answered, status=a.status, error_code=a.code
        ),
    ),
    (
        frozenset({301}),
        frozenset({9007}),
        None,
        lambda a: RecordMerged(
            _merged_into(a.headers.get("Location"), a.message, a.orcid), a.message, status=a.status
        ),
    ),
    (frozenset({413}), frozenset({9006, 9042}), None, lambda a: TooManyItems(a.message, status=a.status)),
    (_ANY, frozenset({9021}), None, _conflict),
    (_ANY, frozenset({9030}), None, lambda a: ElementConflict(a.message, status=a.status)),
    (_ANY, frozenset({9048}), None, lambda a: TooManyWorks(a.message, status=a.status)),
    (_ANY, RECORD_UNAVAILABLE_CODES, None, lambda a: RecordUnavailable(a.code, a.message, status=a.status)),
    (_ANY, frozenset({9011}), None, lambda a: RecordNotFound(a.message, code=a.code, status=a.status)),
    (
        frozenset({404}),
        frozenset({9016}),
        _UNKNOWN_ORCID_RE,
        lambda a: RecordNotFound(a.message, code=a.code, status=a.status),
    ),
    (frozenset({404}), frozenset({9016}), None, lambda a: PutCodeGone(a.message, status=a.status)),
    (_ANY, frozenset({9010}), None, lambda a: NotOurItem(a.message, status=a.status)),
    (_ANY, frozenset({9035}), None, lambda a: VisibilityRefused(a.message, status=a.status)),
    (
        frozenset({405, 406, 415}),
        CLIENT_BUG_CODES,
        None,
        lambda a: ClientBug(a.code, a.message, status=a.status),
    ),
    (frozenset({403}), _ANY, None, lambda a: AccessDenied(a.code, a.message, status=a.status)),
    # 400s with a listed code and any other content refusal: permanent for this work.
    (frozenset(range(400, 500)), _ANY, None, lambda a: Rejected(a.code, a.message, status=a.status)),
)


def classify(
    status: int,
    body: ErrorBody | None,
    *,
    headers: Mapping[str, str] | None = None,
    token: str | None = None,
    orcid: str | None = None,
) -> OrcidError:
    """Turn one non-success answer (or one `error` item of a bulk answer) into its typed exception."""
    body = body or ErrorBody()
    detail = scrub(body.developer_message or body.user_message, token)
    answer = _Answer(
        status=status,
        code=body.error_code,
        body=body,
        message=detail or f"ORCID answered {status}",
        answered=f"ORCID answered {status}: {detail}" if detail else f"ORCID answered {status}",
        headers=headers or {},
        orcid=orcid,
    )
    for statuses, codes, pattern, outcome in _RULES:
        if (status in statuses or answer.code in codes) and (
            pattern is None or pattern.search(body.developer_message)
        ):
            return outcome(answer)
    return UnexpectedAnswer(answer.answered, status=status, error_code=answer.code)


def error_from_answer(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    token: str | None = None,
    orcid: str | None = None,
) -> OrcidError:
    """Classify a whole HTTP answer (status, headers, raw body)."""
    return classify(status, parse_error_body(body), headers=headers, token=token, orcid=orcid)
