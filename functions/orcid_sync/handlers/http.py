"""HTTP API entry point: /orcid/connect, /orcid/callback, /orcid/status, /orcid/disconnect.

Parses the request, calls the consent service, and shapes the answer; decisions live in the service.
"""

from __future__ import annotations

import secrets
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orcid_sync.config import get_settings
from orcid_sync.consent.factory import build_consent_service
from orcid_sync.consent.service import (
    ConsentService,
    InsufficientScope,
    NotConnected,
    OrcidIdTaken,
    StatusView,
)
from orcid_sync.consent.state import StateRejected
from orcid_sync.observability import logger, metrics, tracer
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.orbit.persons import UnknownPerson
from orcid_sync.orcid.oauth import ClientRejected, InvalidGrant, OrcidUnavailable, UnexpectedAnswer
from orcid_sync.web.i18n import Lang, choose_language, text
from orcid_sync.web.pages import PAGE_HEADERS, Link, page, status_page

BROWSER_COOKIE = "orcid_oauth_browser"
CSRF_COOKIE = "orcid_csrf"
CONNECT_PATH = "/orcid/connect"
STATUS_PATH = "/orcid/status"

app = APIGatewayHttpResolver()


@cache
def service() -> ConsentService:
    return build_consent_service(get_settings())


class CallbackQuery(BaseModel):
    """ORCID's redirect back to us. Anything else in the query is ignored; these must be well-formed."""

    model_config = ConfigDict(extra="ignore")

    state: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,128}$")
    code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,64}$")
    error: str | None = Field(default=None, pattern=r"^[a-z_]{1,64}$")


class BadRequest(Exception):
    """The request itself is malformed; the message says which part, in plain words."""


def _lang() -> Lang:
    return choose_language(app.current_event.headers.get("accept-language"))


def _html(status: HTTPStatus, body: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(
        status_code=status.value,
        content_type="text/html; charset=utf-8",
        body=body,
        headers=PAGE_HEADERS,
        cookies=cookies or [],
    )


def _message_page(status: HTTPStatus, heading_key: str, body: str, retry: bool = True) -> Response[str]:
    lang = _lang()
    links = [Link(text("action.retry", lang), CONNECT_PATH)] if retry else []
    links.append(Link(text("action.status", lang), STATUS_PATH))
    return _html(status, page(lang, text(heading_key, lang), [body], links))


def _cookie(name: str, value: str, path: str, max_age: int, same_site: SameSite) -> Cookie:
    return Cookie(
        name=name,
        value=value,
        path=path,
        secure=get_settings().cookie_secure,
        http_only=True,
        max_age=max_age,
        same_site=same_site,
    )


def _cookie_value(name: str) -> str | None:
    for cookie in app.current_event.cookies or []:
        key, _, value = cookie.strip().partition("=")
        if key == name:
            return value
    return None


def _signed_in_person() -> str:
    settings = get_settings()
    claims: dict[str, Any] = app.current_event.request_context.authorizer.jwt_claim or {}
    claim = claims.get(settings.person_id_claim)
    if not isinstance(claim, str) or not claim:
        # The authorizer let the request through, so the token is valid but lacks our claim.
        raise BadRequest(f"the sign-in token has no '{settings.person_id_claim}' claim")
    return service().persons.resolve_person_id(claim)


def _wants_json() -> bool:
    accept = (app.current_event.headers.get("accept") or "").lower()
    return "application/json" in accept and "text/html" not in accept


def _flag(name: str) -> bool:
    value = (app.current_event.query_string_parameters or {}).get(name)
    if value is None:
        return False
    if value not in ("0", "1", "true", "false"):
        raise BadRequest(f"query parameter '{name}' must be 0 or 1")
    return value in ("1", "true")


@app.get(CONNECT_PATH)
def connect() -> Response[str]:
    register = _flag("register")
    start = service().start_connect(_signed_in_person(), register=register)
    ttl = get_settings().state_ttl_seconds
    # Lax: the cookie must come back on the top-level GET redirect from orcid.org.
    cookie = _cookie(BROWSER_COOKIE, start.browser_secret, "/orcid/callback", ttl, SameSite.LAX_MODE)
    return Response(
        status_code=HTTPStatus.FOUND.value,
        headers={
            "Location": start.authorize_url,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
        cookies=[cookie],
    )


@app.get("/orcid/callback")
def callback() -> Response[str]:
    try:
        query = CallbackQuery.model_validate(app.current_event.query_string_parameters or {})
    except ValidationError as exc:
        fields = ", ".join(sorted({str(err["loc"][0]) for err in exc.errors() if err["loc"]}))
        raise BadRequest(f"malformed query parameter(s): {fields}") from None
    result = service().complete(
        state=query.state, browser_secret=_cookie_value(BROWSER_COOKIE), code=query.code, error=query.error
    )
    lang = _lang()
    expire = _cookie(BROWSER_COOKIE, "", "/orcid/callback", 0, SameSite.LAX_MODE)
    status_link = [Link(text("action.status", lang), STATUS_PATH)]
    if result.declined:
        links = [Link(text("action.connect", lang), CONNECT_PATH), *status_link]
        body = page(lang, text("declined.heading", lang), [text("declined.body", lang)], links)
        return _html(HTTPStatus.OK, body, [expire])
    metrics.add_metric(name="ConsentsGranted", unit=MetricUnit.Count, value=1)
    paragraphs = [text("connected.body", lang)]
    if result.replaced_orcid:
        paragraphs.append(text("replaced.body", lang, old=result.replaced_orcid))
    body = page(lang, text("connected.heading", lang), paragraphs, status_link)
    return _html(HTTPStatus.OK, body, [expire])


def status_json(view: StatusView) -> dict[str, Any]:
    consent = view.consent
    summary: dict[str, Any] = {"symbol": view.symbol.value, "connected": False}
    if consent is not None:
        summary.update(
            connected=consent.access_token is not None,
            orcid=consent.orcid,
            status=consent.status.value,
            changed_at=consent.changed_at.isoformat(),
            granted_at=consent.granted_at.isoformat() if consent.granted_at else None,
            sync=consent.sync.model_dump(mode="json") if consent.sync else None,
        )
    return summary


@app.get(STATUS_PATH)
def status() -> Response[Any]:
    view = service().status(_signed_in_person())
    if _wants_json():
        return Response(
            status_code=200,
            content_type="application/json",
            body=status_json(view),
            headers={"Cache-Control": "no-store"},
        )
    csrf = _cookie_value(CSRF_COOKIE) or secrets.token_urlsafe(32)
    site = get_settings().orcid_oauth_base  # the public record lives on the same host as OAuth
    body = status_page(view, _lang(), csrf, CONNECT_PATH, CONNECT_PATH + "?register=1", site)
    return _html(HTTPStatus.OK, body, [_cookie(CSRF_COOKIE, csrf, "/orcid", 3600, SameSite.STRICT_MODE)])


def _check_same_origin() -> None:
    """Refuse cross-site posts: a same-origin Origin (or Fetch metadata) and a double-submit token."""
    headers = app.current_event.headers
    expected = urlsplit(str(get_settings().public_base_url))
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin)[:2] != expected[:2]:
        raise CrossSiteRequest("the request came from another site")
    if headers.get("sec-fetch-site") not in (None, "same-origin"):
        raise CrossSiteRequest("the request came from another site")
    submitted = headers.get("x-csrf-token")
    if submitted is None and app.current_event.body:
        try:
            form = parse_qs(app.current_event.decoded_body, max_num_fields=10)
        except ValueError:
            raise BadRequest("the form has more fields than any of our forms") from None
        submitted = next(iter(form.get("csrf", [])), None)
    expected_token = _cookie_value(CSRF_COOKIE)
    if not expected_token or not submitted or not secrets.compare_digest(submitted, expected_token):
        raise CrossSiteRequest("the form's security token is missing or wrong; reload the status page")


class CrossSiteRequest(Exception):
    pass


@app.post("/orcid/disconnect")
def disconnect() -> Response[Any]:
    _check_same_origin()
    consent = service().disconnect(_signed_in_person())
    if _wants_json():
        view = service().status(consent.person_id) if consent else None
        return Response(200, "application/json", status_json(view) if view else {"connected": False})
    lang = _lang()
    body = page(
        lang,
        text("disconnected.heading", lang),
        [text("disconnected.body", lang)],
        [Link(text("action.connect", lang), CONNECT_PATH), Link(text("action.status", lang), STATUS_PATH)],
    )
    return _html(HTTPStatus.OK, body)


@app.post("/orcid/resync")
def resync() -> Response[Any]:
    _check_same_origin()
    restore = _flag("restore")
    service().request_resync(_signed_in_person(), restore=restore)
    if _wants_json():
        return Response(202, "application/json", {"queued": True, "restore": restore})
    lang = _lang()
    body = page(
        lang,
        text("resync.heading", lang),
        [text("resync.restore" if restore else "resync.body", lang)],
        [Link(text("action.status", lang), STATUS_PATH)],
    )
    return _html(HTTPStatus.ACCEPTED, body)


@app.exception_handler(NotConnected)  # type: ignore[untyped-decorator]
def _not_connected(exc: NotConnected) -> Response[str]:
    return _message_page(HTTPStatus.CONFLICT, "bad_request.heading", text("status.none", _lang()))


@app.exception_handler(StateRejected)  # type: ignore[untyped-decorator]
def _state_rejected(exc: StateRejected) -> Response[str]:
    logger.info("callback refused", extra={"problem": exc.problem.value})
    return _message_page(HTTPStatus.BAD_REQUEST, "state.heading", text("state." + exc.problem.value, _lang()))


@app.exception_handler(InvalidGrant)  # type: ignore[untyped-decorator]
def _invalid_grant(exc: InvalidGrant) -> Response[str]:
    logger.info("ORCID refused the code", extra={"reused": exc.reused})
    return _message_page(HTTPStatus.BAD_REQUEST, "grant.heading", text("grant.body", _lang()))


@app.exception_handler(InsufficientScope)  # type: ignore[untyped-decorator]
def _insufficient_scope(exc: InsufficientScope) -> Response[str]:
    logger.info("ORCID granted too little", extra={"missing": sorted(exc.missing)})
    return _message_page(HTTPStatus.BAD_REQUEST, "scope.heading", text("scope.body", _lang()))


@app.exception_handler([OrcidUnavailable, UnexpectedAnswer, ClientRejected, OrbitUnavailable])  # type: ignore[untyped-decorator]
def _upstream_down(exc: Exception) -> Response[str]:
    logger.warning("upstream failed", extra={"error": type(exc).__name__, "detail": str(exc)})
    return _message_page(HTTPStatus.BAD_GATEWAY, "down.heading", text("down.body", _lang()))


@app.exception_handler(OrcidIdTaken)  # type: ignore[untyped-decorator]
def _orcid_taken(exc: OrcidIdTaken) -> Response[str]:
    metrics.add_metric(name="OrcidIdConflicts", unit=MetricUnit.Count, value=1)
    lang = _lang()
    return _message_page(HTTPStatus.CONFLICT, "taken.heading", text("taken.body", lang, orcid=exc.orcid))


@app.exception_handler(UnknownPerson)  # type: ignore[untyped-decorator]
def _unknown_person(exc: UnknownPerson) -> Response[str]:
    logger.info("signed-in identity unknown to Orbit")
    body = text("unknown_person.body", _lang())
    return _message_page(HTTPStatus.FORBIDDEN, "unknown_person.heading", body, retry=False)


@app.exception_handler(BadRequest)  # type: ignore[untyped-decorator]
def _bad_request(exc: Exception) -> Response[str]:
    logger.info("bad request", extra={"detail": str(exc)})
    return _message_page(HTTPStatus.BAD_REQUEST, "bad_request.heading", str(exc))


@app.exception_handler(CrossSiteRequest)  # type: ignore[untyped-decorator]
def _cross_site(exc: CrossSiteRequest) -> Response[str]:
    logger.warning("cross-site request refused", extra={"detail": str(exc)})
    return _message_page(HTTPStatus.FORBIDDEN, "bad_request.heading", str(exc), retry=False)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
