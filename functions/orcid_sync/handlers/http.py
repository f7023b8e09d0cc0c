"""HTTP API entry point: sign-in (/auth/...) and the consent flow (/orcid/...).

Parses the request, calls the sign-in and consent services, and shapes the answer; decisions live in the
services. Every /orcid/ page except ORCID's callback needs a session: without one, a page asked for
with GET sends the browser to sign in and back; anything else answers 401.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlencode

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orcid_sync.auth.factory import build_sign_in_service
from orcid_sync.auth.service import SignInFailed, SignInProblem, SignInService, safe_return_path
from orcid_sync.config import get_settings
from orcid_sync.consent.choices import ChoiceRefused, ChoiceService, OutputsReader, parse_action
from orcid_sync.consent.factory import build_choice_service, build_consent_service, build_outputs_reader
from orcid_sync.consent.service import (
    ConsentService,
    InsufficientScope,
    NotConnected,
    OrcidIdTaken,
    StatusView,
)
from orcid_sync.consent.state import StateRejected
from orcid_sync.observability import logger, metrics
from orcid_sync.oidc.client import ProviderUnavailable, SignInRefused
from orcid_sync.oidc.id_token import JwksUnavailable
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.orbit.persons import UnknownPerson
from orcid_sync.orcid.oauth import (
    ClientRejected,
    FlowMismatch,
    InvalidGrant,
    OrcidUnavailable,
    UnexpectedAnswer,
)
from orcid_sync.web.i18n import Lang, choose_language, text
from orcid_sync.web.outputs import Group, outputs_view
from orcid_sync.web.pages import PAGE_HEADERS, Link, StatusExtras, page, status_page

BROWSER_COOKIE = "orcid_oauth_browser"
CSRF_COOKIE = "orcid_csrf"
# With Secure cookies (always, but on the local stack's plain http) these carry the __Host- prefix:
# the browser then refuses them unless Secure, host-only and Path=/, so no subdomain can plant one.
SESSION_COOKIE = "orcid_session"
SIGN_IN_COOKIE = "orcid_sign_in"
CONNECT_PATH = "/orcid/connect"
STATUS_PATH = "/orcid/status"
CHOICES_PATH = "/orcid/choices"
SIGN_IN_PATH = "/auth/sign-in"
SIGN_OUT_PATH = "/auth/sign-out"

app = APIGatewayHttpResolver()


@cache
def service() -> ConsentService:
    return build_consent_service(get_settings())


@cache
def choice_service() -> ChoiceService:
    return build_choice_service(get_settings(), service())


@cache
def outputs_reader() -> OutputsReader | None:
    return build_outputs_reader(get_settings())


@cache
def sign_in_service() -> SignInService:
    return build_sign_in_service(get_settings())


class SignInRequired(Exception):
    """No valid session: never signed in, signed out, expired, or a cookie we did not issue."""


def _host_cookie(name: str) -> str:
    return f"__Host-{name}" if get_settings().cookie_secure else name


class CallbackQuery(BaseModel):
    """ORCID's redirect back to us. Anything else in the query is ignored; these must be well-formed."""

    model_config = ConfigDict(extra="ignore")

    state: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,128}$")
    code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,64}$")
    error: str | None = Field(default=None, pattern=r"^[a-z_]{1,64}$")


class SignInCallbackQuery(CallbackQuery):
    """The identity provider's redirect back: its codes are long (Entra's run to over a thousand)."""

    code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._~+/=-]{1,4096}$")
    error: str | None = Field(default=None, pattern=r"^[a-z_]{1,64}$")


class BadRequest(Exception):
    """The request itself is malformed; the message says which part, in plain words."""


def _lang() -> Lang:
    return choose_language(app.current_event.headers.get("accept-language"))


def _html(
    status: HTTPStatus, body: str, cookies: list[Cookie] | None = None, referrer: str | None = None
) -> Response[str]:
    headers = {**PAGE_HEADERS, "Referrer-Policy": referrer} if referrer else dict(PAGE_HEADERS)
    return Response(
        status_code=status.value,
        content_type="text/html; charset=utf-8",
        body=body,
        headers=headers,
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
    """The person of this browser's session; SignInRequired without one. A renewed session's cookie is
    sent again (sliding expiry) by the middleware below."""
    current = sign_in_service().current(_cookie_value(_host_cookie(SESSION_COOKIE)))
    if current is None:
        raise SignInRequired()
    if current.renewed:
        secret = _cookie_value(_host_cookie(SESSION_COOKIE)) or ""
        app.context["session_cookie"] = _session_cookie(secret, current.max_age)
    return current.person_id


def _session_cookie(secret: str, max_age: int) -> Cookie:
    return _cookie(_host_cookie(SESSION_COOKIE), secret, "/", max_age, SameSite.LAX_MODE)


def _renewed_session(
    app: APIGatewayHttpResolver, next_middleware: Callable[..., Response[Any]]
) -> Response[Any]:
    response = next_middleware(app)
    cookie = app.context.get("session_cookie")
    if isinstance(cookie, Cookie):
        response.cookies.append(cookie)
    return response


app.use(middlewares=[_renewed_session])


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


def _redirect(location: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(
        status_code=HTTPStatus.FOUND.value,
        headers={"Location": location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        cookies=cookies or [],
    )


@app.get(SIGN_IN_PATH)
def sign_in() -> Response[str]:
    return_to = (app.current_event.query_string_parameters or {}).get("return_to")
    start = sign_in_service().start(return_to)
    ttl = get_settings().state_ttl_seconds
    # Lax: the cookie must come back on the provider's top-level GET redirect to /auth/callback.
    cookie = _cookie(_host_cookie(SIGN_IN_COOKIE), start.browser_secret, "/", ttl, SameSite.LAX_MODE)
    return _redirect(start.authorize_url, [cookie])


@app.get("/auth/callback")
def sign_in_callback() -> Response[str]:
    query = _callback_query(SignInCallbackQuery)
    signed_in = sign_in_service().finish(
        state=query.state,
        browser_secret=_cookie_value(_host_cookie(SIGN_IN_COOKIE)),
        code=query.code,
        error=query.error,
    )
    expire = _cookie(_host_cookie(SIGN_IN_COOKIE), "", "/", 0, SameSite.LAX_MODE)
    session = _session_cookie(signed_in.session_secret, signed_in.max_age)
    return _redirect(signed_in.return_to, [expire, session])


@app.post(SIGN_OUT_PATH)
def sign_out() -> Response[str]:
    _check_same_origin()
    sign_in_service().sign_out(_cookie_value(_host_cookie(SESSION_COOKIE)))
    lang = _lang()
    body = page(
        lang,
        text("signed_out.heading", lang),
        [text("signed_out.body", lang)],
        [Link(text("action.sign_in", lang), SIGN_IN_PATH)],
    )
    expire = _cookie(_host_cookie(SESSION_COOKIE), "", "/", 0, SameSite.LAX_MODE)
    return _html(HTTPStatus.OK, body, [expire])


@app.get(CONNECT_PATH)
def connect() -> Response[str]:
    register = _flag("register")
    start = service().start_connect(_signed_in_person(), register=register)
    ttl = get_settings().state_ttl_seconds
    # Lax: the cookie must come back on the top-level GET redirect from orcid.org.
    cookie = _cookie(BROWSER_COOKIE, start.browser_secret, "/orcid/callback", ttl, SameSite.LAX_MODE)
    return _redirect(start.authorize_url, [cookie])


def _callback_query(model: type[CallbackQuery] = CallbackQuery) -> CallbackQuery:
    try:
        return model.model_validate(app.current_event.query_string_parameters or {})
    except ValidationError as exc:
        fields = ", ".join(sorted({str(err["loc"][0]) for err in exc.errors() if err["loc"]}))
        raise BadRequest(f"malformed query parameter(s): {fields}") from None


@app.get("/orcid/callback")
def callback() -> Response[str]:
    query = _callback_query()
    result = service().complete(
        state=query.state, browser_secret=_cookie_value(BROWSER_COOKIE), code=query.code, error=query.error
    )
    lang = _lang()
    expire = _cookie(BROWSER_COOKIE, "", "/orcid/callback", 0, SameSite.LAX_MODE)
    status_link = [Link(text("action.status", lang), STATUS_PATH)]
    if result.declined:
        links = [Link(text("action.connect", lang), CONNECT_PATH), *status_link]
        body = page(lang, text("declined.heading", lang), [text("declined.body", lang)], links)
        return _html(HTTPStatus.OK, body, [expire], referrer="no-referrer")
    metrics.add_metric(name="ConsentsGranted", unit=MetricUnit.Count, value=1)
    paragraphs = [text("connected.body", lang)]
    if result.replaced_orcid:
        paragraphs.append(text("replaced.body", lang, old=result.replaced_orcid))
    body = page(lang, text("connected.heading", lang), paragraphs, status_link)
    # This page's URL carries ORCID's code: it goes to nobody, not even as our own referrer.
    return _html(HTTPStatus.OK, body, [expire], referrer="no-referrer")


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
    settings = get_settings()
    site = settings.orcid_oauth_base  # the public record lives on the same host as OAuth
    extras = _status_extras(view)
    body = status_page(view, _lang(), csrf, CONNECT_PATH, CONNECT_PATH + "?register=1", site, extras=extras)
    return _html(HTTPStatus.OK, body, [_cookie(CSRF_COOKIE, csrf, "/", 3600, SameSite.STRICT_MODE)])


def _page_numbers() -> dict[Group, int]:
    """`page_<group>=N` for each group paged past its first page; anything malformed is page 1."""
    query = app.current_event.query_string_parameters or {}
    pages: dict[Group, int] = {}
    for group in Group:
        value = query.get(f"page_{group.value}", "")
        if value.isdigit() and 1 < int(value) < 10_000:
            pages[group] = int(value)
    return pages


def _status_extras(view: StatusView) -> StatusExtras:
    consent = view.consent
    settings = get_settings()
    if consent is None:
        return StatusExtras()
    reader = outputs_reader()
    outputs = None
    if reader is not None and consent.orcid:
        links, states = reader.of(consent.person_id)
        outputs = outputs_view(consent, links, states)
    return StatusExtras(
        outputs=outputs,
        pages=_page_numbers(),
        profile_url=settings.orbit_profile_url.replace("{person}", consent.person_id),
        choices_action=CHOICES_PATH,
        status_path=STATUS_PATH,
        excluded_outputs=consent.choices.excluded_outputs,
    )


@app.post(CHOICES_PATH)
def choose() -> Response[Any]:
    """The researcher's choice (pause, resume, leave out, take back); back to the status page."""
    _check_same_origin()
    form = parse_qs(app.current_event.decoded_body or "", max_num_fields=10)
    action = parse_action(next(iter(form.get("choice", [])), None))
    target = next(iter(form.get("target", [])), None)
    consent = choice_service().choose(_signed_in_person(), action, target)
    if _wants_json():
        return Response(200, "application/json", {"choices": consent.choices.model_dump(mode="json")})
    where = STATUS_PATH + ("#outputs" if target else "")
    return Response(
        status_code=HTTPStatus.SEE_OTHER.value,
        headers={"Location": where, "Cache-Control": "no-store", "Referrer-Policy": "same-origin"},
    )


@app.exception_handler(ChoiceRefused)  # type: ignore[untyped-decorator]
def _choice_refused(exc: ChoiceRefused) -> Response[Any]:
    logger.info("choice refused", extra={"problem": exc.problem})
    if _wants_json():
        return Response(400, "application/json", {"error": str(exc), "problem": exc.problem})
    lang = _lang()
    body = page(
        lang,
        text("choice.heading", lang),
        [text(f"choice.{exc.problem}", lang)],
        [Link(text("action.status", lang), STATUS_PATH)],
    )
    return _html(HTTPStatus.BAD_REQUEST, body)


def _check_same_origin() -> None:
    """Refuse cross-site posts. A browser tells where a request comes from: Fetch metadata
    (`Sec-Fetch-Site`) must say same-origin, and `Origin`, when sent, must be ours exactly (`null`, sent
    by sandboxed frames and no-referrer pages, is not). Then the double-submit token must match."""
    headers = app.current_event.headers
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site != "same-origin":
        raise CrossSiteRequest("the request came from another site")
    origin = headers.get("origin")
    if origin is not None and origin.lower() != get_settings().public_origin.lower():
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


@app.exception_handler(SignInRequired)  # type: ignore[untyped-decorator]
def _sign_in_required(exc: SignInRequired) -> Response[Any]:
    event = app.current_event
    expire = _cookie(_host_cookie(SESSION_COOKIE), "", "/", 0, SameSite.LAX_MODE)
    if event.http_method == "GET" and not _wants_json():
        here = event.path + (f"?{event.raw_query_string}" if event.raw_query_string else "")
        return _redirect(f"{SIGN_IN_PATH}?{urlencode({'return_to': safe_return_path(here)})}", [expire])
    if _wants_json():
        return Response(401, "application/json", {"error": "sign in first", "sign_in": SIGN_IN_PATH})
    lang = _lang()
    body = page(
        lang,
        text("sign_in.needed.heading", lang),
        [text("sign_in.needed.body", lang)],
        [Link(text("action.sign_in", lang), SIGN_IN_PATH)],
    )
    return _html(HTTPStatus.UNAUTHORIZED, body, [expire])


_SIGN_IN_TEXT = {
    SignInProblem.DECLINED: "sign_in.declined",
    SignInProblem.REFUSED: "sign_in.refused",
    SignInProblem.NO_CLAIM: "sign_in.refused",
    SignInProblem.UNKNOWN_PERSON: "sign_in.unknown_person",
}


@app.exception_handler(SignInFailed)  # type: ignore[untyped-decorator]
def _sign_in_failed(exc: SignInFailed) -> Response[str]:
    logger.info("sign-in refused", extra={"problem": exc.problem.value})
    lang = _lang()
    key = _SIGN_IN_TEXT.get(exc.problem, "sign_in.state")
    status = HTTPStatus.OK if exc.problem is SignInProblem.DECLINED else HTTPStatus.BAD_REQUEST
    links = [Link(text("action.sign_in", lang), SIGN_IN_PATH)]
    body = page(lang, text("sign_in.heading", lang), [text(key, lang)], links)
    return _html(status, body, referrer="no-referrer")


@app.exception_handler(SignInRefused)  # type: ignore[untyped-decorator]
def _provider_refused(exc: SignInRefused) -> Response[str]:
    failed: Response[str] = _sign_in_failed(SignInFailed(SignInProblem.REFUSED, str(exc)))
    return failed


@app.exception_handler([ProviderUnavailable, JwksUnavailable])  # type: ignore[untyped-decorator]
def _provider_down(exc: Exception) -> Response[str]:
    logger.warning("sign-in provider failed", extra={"error": type(exc).__name__, "detail": str(exc)})
    lang = _lang()
    links = [Link(text("action.sign_in", lang), SIGN_IN_PATH)]
    body = page(lang, text("sign_in.heading", lang), [text("sign_in.down", lang)], links)
    return _html(HTTPStatus.BAD_GATEWAY, body, referrer="no-referrer")


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


@app.exception_handler(FlowMismatch)  # type: ignore[untyped-decorator]
def _flow_mismatch(exc: FlowMismatch) -> Response[str]:
    logger.warning("ORCID code not bound to this browser's flow", extra={"detail": str(exc)})
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
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
