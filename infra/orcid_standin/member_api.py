"""ORCID's member API v3.0 (works), stood in on loopback with ORCID's status codes and error bodies.

It shares `StandInState` (records, tokens) with the OAuth stand-in and keeps works itself. What it
does, in the order ORCID does it: rate limit per client (503 beyond the burst), bearer token (401
`invalid_token`, echoing the token as ORCID does; a token the researcher revoked still may DELETE),
record state (404, 301 merged, 409 locked/unclaimed/deactivated), token for this record and scope,
then the body: XSD (400/9001), put-code rules (9024, 9019), enumerations (9037), title (9022), self
id (9023), date (9049), duplicates from the same source (409/9021 naming the put-code), the works cap
(409/9048), ownership (403/9010) and visibility (403/9035). Answers are XML or JSON by `Accept`.

Tests use `works_of`, `delete_as_researcher`, `add_work_as`, `calls` and `faults`; people use the
read-only page at `/records/{orcid}`.
"""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from infra.orcid_standin import affiliations as aff
from infra.orcid_standin import answers, schemas
from infra.orcid_standin import work_output as out
from infra.orcid_standin.answers import ApiError
from infra.orcid_standin.faults import FaultSwitches, RateLimiter, ScriptedFailure
from infra.orcid_standin.record_page import render_record_page
from infra.orcid_standin.state import StandInState, TokenGrant
from infra.orcid_standin.work_input import WorkDocument, check_work, read_work
from infra.orcid_standin.works_store import StoredWork, WorksStore, group_works

WRITE_SCOPE = "/activities/update"
PERSON_SCOPE = "/person/update"
READ_SCOPES = frozenset({"/read-limited", "/activities/update"})

_LABELS = {
    "post_work": "POST /work",
    "post_works": "POST /works",
    "get_works": "GET /works",
    "get_bulk": "GET /works/{put-codes}",
    "get_work": "GET /work/{put-code}",
    "put_work": "PUT /work/{put-code}",
    "delete_work": "DELETE /work/{put-code}",
    "record_page": "GET /records/{orcid}",
    "get_activities": "GET /activities",
    "post_employment": "POST /employment",
    "get_employments": "GET /employments",
    "get_employment": "GET /employment/{put-code}",
    "put_employment": "PUT /employment/{put-code}",
    "delete_employment": "DELETE /employment/{put-code}",
    "post_researcher_url": "POST /researcher-urls",
    "get_researcher_urls": "GET /researcher-urls",
    "put_researcher_url": "PUT /researcher-urls/{put-code}",
    "delete_researcher_url": "DELETE /researcher-urls/{put-code}",
}
_PERSON_SECTION = frozenset({"post_researcher_url", "put_researcher_url", "delete_researcher_url"})


class _InvalidToken(Exception):
    def __init__(self, token: str) -> None:
        self.token = token


class MemberApiStandIn:
    """The works part of ORCID's member API as a WSGI app (also usable as a part of `OrcidStandIn`)."""

    def __init__(
        self,
        state: StandInState,
        *,
        xsd_dir: Path | None = schemas.DEFAULT_XSD_DIR,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        speedup: float = 1.0,
        host: str = "sandbox.orcid.org",
        max_works: int = 10_000,
        source_names: dict[str, str] | None = None,
    ) -> None:
        self.state = state
        self.xsd_dir = xsd_dir
        self.validating = schemas.available(xsd_dir)
        self.host = host
        self.max_works = max_works
        self.source_names = dict(source_names or {})
        self.works = WorksStore()
        self.affiliations = aff.AffiliationsStore()
        self.faults = FaultSwitches()
        self.rate_limit = RateLimiter(clock=clock, speedup=speedup)
        # Requests by kind ("POST /work", "GET /works", ...), counted before any fault or refusal.
        self.calls: Counter[str] = Counter()
        self.unclaimed: set[str] = set()
        self.merged_into: dict[str, str] = {}
        self._now = now
        self._released = threading.Event()
        self._calls_lock = threading.Lock()
        self._urls = Map(
            [
                Rule("/v3.0/<orcid>/work", methods=["POST"], endpoint="post_work"),
                Rule("/v3.0/<orcid>/works", methods=["POST"], endpoint="post_works"),
                Rule("/v3.0/<orcid>/works", methods=["GET"], endpoint="get_works"),
                Rule("/v3.0/<orcid>/works/<put_codes>", methods=["GET"], endpoint="get_bulk"),
                Rule("/v3.0/<orcid>/work/<put_code>", methods=["GET"], endpoint="get_work"),
                Rule("/v3.0/<orcid>/work/<put_code>", methods=["PUT"], endpoint="put_work"),
                Rule("/v3.0/<orcid>/work/<put_code>", methods=["DELETE"], endpoint="delete_work"),
                Rule("/records/<orcid>", methods=["GET"], endpoint="record_page"),
                Rule("/v3.0/<orcid>/activities", methods=["GET"], endpoint="get_activities"),
                Rule("/v3.0/<orcid>/employment", methods=["POST"], endpoint="post_employment"),
                Rule("/v3.0/<orcid>/employments", methods=["GET"], endpoint="get_employments"),
                Rule("/v3.0/<orcid>/employment/<put_code>", methods=["GET"], endpoint="get_employment"),
                Rule("/v3.0/<orcid>/employment/<put_code>", methods=["PUT"], endpoint="put_employment"),
                Rule("/v3.0/<orcid>/employment/<put_code>", methods=["DELETE"], endpoint="delete_employment"),
                Rule("/v3.0/<orcid>/researcher-urls", methods=["POST"], endpoint="post_researcher_url"),
                Rule("/v3.0/<orcid>/researcher-urls", methods=["GET"], endpoint="get_researcher_urls"),
                Rule(
                    "/v3.0/<orcid>/researcher-urls/<put_code>", methods=["PUT"], endpoint="put_researcher_url"
                ),
                Rule(
                    "/v3.0/<orcid>/researcher-urls/<put_code>",
                    methods=["DELETE"],
                    endpoint="delete_researcher_url",
                ),
            ]
        )

    # --- for tests and demos ---------------------------------------------------------------------
    def works_of(self, orcid: str) -> list[StoredWork]:
        """Every work on the record, any source, by put-code."""
        with self.state.lock:
            return self.works.works_of(orcid)

    def delete_as_researcher(self, orcid: str, put_code: int) -> bool:
        """The researcher deletes a work on orcid.org; True if it was there."""
        with self.state.lock:
            return self.works.remove(orcid, put_code)

    def add_work_as(
        self, orcid: str, source_client_id: str, work: WorkDocument | bytes, *, source_name: str | None = None
    ) -> StoredWork:
        """Put a work on the record as another source would (no checks), e.g. to provoke 403/9010."""
        document = work if isinstance(work, WorkDocument) else read_work(ET.fromstring(work))
        with self.state.lock:
            record = self.state.records[orcid]
            name = source_name or self.source_names.get(source_client_id, source_client_id)
            return self.works.add(
                orcid, source_client_id, name, record.default_visibility, document, self._now()
            )

    def employments_of(self, orcid: str) -> list[aff.StoredEmployment]:
        """Every employment on the record, any source, by put-code."""
        with self.state.lock:
            return self.affiliations.employments_of(orcid)

    def delete_employment_as_researcher(self, orcid: str, put_code: int) -> bool:
        """The researcher deletes an employment on orcid.org; True if it was there."""
        with self.state.lock:
            return self.affiliations.remove_employment(orcid, put_code)

    def add_employment_as(self, orcid: str, source_client_id: str, document: bytes) -> aff.StoredEmployment:
        """Put an employment on the record as another source (or the researcher) would, unchecked."""
        parsed = aff.read_employment(ET.fromstring(document))
        with self.state.lock:
            record = self.state.records[orcid]
            name = self.source_names.get(source_client_id, source_client_id)
            return self.affiliations.add_employment(
                orcid, source_client_id, name, record.default_visibility, parsed, self._now()
            )

    def researcher_urls_of(self, orcid: str) -> list[aff.StoredResearcherUrl]:
        with self.state.lock:
            return self.affiliations.urls_of(orcid)

    def delete_researcher_url_as_researcher(self, orcid: str, put_code: int) -> bool:
        with self.state.lock:
            return self.affiliations.remove_url(orcid, put_code)

    def merge_record(self, orcid: str, into: str) -> None:
        """ORCID deprecates `orcid` in favour of `into`: calls for it answer 301/9007."""
        self.merged_into[orcid] = into

    def mark_unclaimed(self, orcid: str) -> None:
        self.unclaimed.add(orcid)

    def release_held(self) -> None:
        """Let every held request (simulated hang) go on now, e.g. before stopping the server."""
        self._released.set()

    # --- WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request) or self._error(request, answers.not_found())
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response | None:
        """The answer for a member API or record page request; None for paths that are not ours."""
        adapter = self._urls.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except NotFound:
            return None
        except MethodNotAllowed:
            return self._error(
                request, answers.invalid_body(f"405 Method {request.method} not allowed here"), 405
            )
        with self._calls_lock:
            self.calls[_LABELS[str(endpoint)]] += 1
        if endpoint == "record_page":
            return self._record_page(str(args["orcid"]))
        return self._serve_api(request, str(endpoint), {key: str(value) for key, value in args.items()})

    def _serve_api(self, request: Request, endpoint: str, args: dict[str, str]) -> Response:
        token = _bearer(request)
        grant = self.state.lookup_token(token) if token else None
        if not self.rate_limit.allow(grant.client_id if grant else "-"):
            return Response(
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                503,
                mimetype="text/html",
            )
        hold = self.faults.hold()
        if hold > 0:
            self._released.wait(hold)
        failure = self.faults.next_failure()
        if failure is not None:
            return self._fault(request, failure)
        try:
            grant = self._authorize(request, grant, token, args["orcid"], endpoint in _PERSON_SECTION)
            handler = getattr(self, f"_{endpoint}")
            with self.state.lock:
                response: Response = handler(request, grant, **args)
                return response
        except _InvalidToken as refused:
            return _invalid_token(refused.token)
        except ApiError as error:
            return self._error(request, error)

    def _authorize(
        self, request: Request, grant: TokenGrant | None, token: str, orcid: str, person: bool = False
    ) -> TokenGrant:
        if grant is None or grant.revoked or (grant.revoked_by_user and request.method != "DELETE"):
            raise _InvalidToken(token)
        record = self.state.records.get(orcid)
        if record is None:
            raise answers.orcid_not_found(orcid)
        if orcid in self.merged_into:
            primary = self.merged_into[orcid]
            raise answers.record_merged(orcid, primary, f"{request.host_url}v3.0/{primary}")
        if grant.orcid != orcid:
            raise answers.token_for_other_record()
        if record.deactivated:
            raise answers.record_deactivated(orcid)
        if record.locked:
            raise answers.record_locked(orcid)
        if orcid in self.unclaimed:
            raise answers.record_unclaimed(orcid)
        needed = frozenset({WRITE_SCOPE}) if request.method in ("POST", "PUT", "DELETE") else READ_SCOPES
        if person:
            needed = frozenset({PERSON_SCOPE})
        if not needed & grant.scopes:
            raise answers.insufficient_scope(PERSON_SCOPE if person else WRITE_SCOPE)
        return grant

    # --- endpoints (called with the state lock held) ---------------------------------------------
    def _post_work(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        document = read_work(self._read_body(request, schemas.WORK, "work:work"))
        if document.put_code is not None:
            raise answers.put_code_on_post()
        work = self._create(orcid, grant, document)
        return Response(
            status=201, headers={"Location": f"{request.host_url}v3.0/{orcid}/work/{work.put_code}"}
        )

    def _post_works(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        root = self._read_body(request, schemas.BULK, "bulk:bulk", count_first=True)
        items: list[out.BulkItem] = []
        for element in root:
            try:
                document = read_work(element)
                if document.put_code is not None:
                    raise answers.put_code_on_post()
                items.append(self._create(orcid, grant, document))
            except ApiError as error:
                items.append(error)
        if _wants_json(request):
            return Response(out.bulk_json(items, self.host), 200, content_type=out.JSON)
        return Response(out.bulk_xml(items, self.host), 200, content_type=out.XML)

    def _get_works(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        groups = group_works([w for w in self.works.works_of(orcid) if _visible(w, grant)])
        if _wants_json(request):
            return Response(out.works_json(orcid, groups, self.host), 200, content_type=out.JSON)
        return Response(out.works_xml(orcid, groups, self.host), 200, content_type=out.XML)

    def _get_bulk(self, request: Request, grant: TokenGrant, orcid: str, put_codes: str) -> Response:
        wanted = [code.strip() for code in put_codes.split(",") if code.strip()]
        if len(wanted) > answers.BULK_LIMIT:
            raise answers.too_many_put_codes(len(wanted))
        items: list[out.BulkItem] = []
        for text in wanted:
            work = self.works.get(orcid, int(text)) if text.isdigit() else None
            items.append(work if work is not None and _visible(work, grant) else answers.bad_put_code(text))
        if _wants_json(request):
            return Response(out.bulk_json(items, self.host), 200, content_type=out.JSON)
        return Response(out.bulk_xml(items, self.host), 200, content_type=out.XML)

    def _get_work(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        work = self._existing(orcid, put_code)
        if not _visible(work, grant):
            raise answers.not_visible()
        return self._work_response(request, work)

    def _put_work(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        document = read_work(self._read_body(request, schemas.WORK, "work:work"))
        if (document.put_code or "").strip() != put_code:
            raise answers.put_code_mismatch(put_code, document.put_code or "null")
        work = self._existing(orcid, put_code)
        if work.source_client_id != grant.client_id:
            raise answers.wrong_source()
        if document.visibility is not None and document.visibility != work.visibility:
            raise answers.visibility_change()
        check_work(document)
        duplicate = self.works.duplicate_of(orcid, grant.client_id, document, exclude=work.put_code)
        if duplicate is not None:
            raise answers.duplicate(duplicate)
        return self._work_response(request, self.works.replace(work, document, self._now()))

    def _delete_work(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        work = self._existing(orcid, put_code)
        if work.source_client_id != grant.client_id:
            raise answers.wrong_source()
        self.works.remove(orcid, work.put_code)
        return Response(status=204)

    # --- activities, employments, researcher URLs ------------------------------------------------
    def _get_activities(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        groups = group_works([w for w in self.works.works_of(orcid) if _visible(w, grant)])
        employments = [e for e in self.affiliations.employments_of(orcid) if _visible(e, grant)]
        if _wants_json(request):
            data = {
                "path": f"/{orcid}/activities",
                "employments": aff.employments_json_data(orcid, employments, self.host),
                "works": out.works_json_data(orcid, groups, self.host),
            }
            return Response(json.dumps(data, indent=2), 200, content_type=out.JSON)
        root = ET.Element(
            f"{{{aff.ALL_NS['activities']}}}activities-summary", {"path": f"/{orcid}/activities"}
        )
        root.append(aff.employments_element(orcid, employments, self.host))
        root.append(out.works_element(orcid, groups, self.host))
        return Response(aff._document(root), 200, content_type=out.XML)

    def _get_employments(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        employments = [e for e in self.affiliations.employments_of(orcid) if _visible(e, grant)]
        if _wants_json(request):
            data = aff.employments_json_data(orcid, employments, self.host)
            return Response(json.dumps(data, indent=2), 200, content_type=out.JSON)
        root = aff.employments_element(orcid, employments, self.host)
        return Response(aff._document(root), 200, content_type=out.XML)

    def _post_employment(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        document = aff.read_employment(self._read_body(request, schemas.EMPLOYMENT, "employment:employment"))
        if document.put_code is not None:
            raise answers.put_code_on_post()
        aff.check_employment(document)
        duplicate = self.affiliations.duplicate_employment(orcid, grant.client_id, document)
        if duplicate is not None:
            raise answers.duplicate(duplicate)
        visibility = self.state.records[orcid].default_visibility
        name = self.source_names.get(grant.client_id, grant.client_id)
        item = self.affiliations.add_employment(
            orcid, grant.client_id, name, visibility, document, self._now()
        )
        return Response(
            status=201, headers={"Location": f"{request.host_url}v3.0/{orcid}/employment/{item.put_code}"}
        )

    def _existing_employment(self, orcid: str, put_code: str) -> aff.StoredEmployment:
        if not put_code.isdigit():
            raise answers.bad_put_code(put_code)
        item = self.affiliations.employment(orcid, int(put_code))
        if item is None:
            raise answers.not_found()
        return item

    def _get_employment(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        item = self._existing_employment(orcid, put_code)
        if not _visible(item, grant):
            raise answers.not_visible()
        return self._employment_response(request, item)

    def _put_employment(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        document = aff.read_employment(self._read_body(request, schemas.EMPLOYMENT, "employment:employment"))
        if (document.put_code or "").strip() != put_code:
            raise answers.put_code_mismatch(put_code, document.put_code or "null")
        item = self._existing_employment(orcid, put_code)
        if item.source_client_id != grant.client_id:
            raise answers.wrong_source()
        if document.visibility is not None and document.visibility != item.visibility:
            raise answers.visibility_change()
        aff.check_employment(document)
        duplicate = self.affiliations.duplicate_employment(
            orcid, grant.client_id, document, exclude=item.put_code
        )
        if duplicate is not None:
            raise answers.duplicate(duplicate)
        return self._employment_response(
            request, self.affiliations.replace_employment(item, document, self._now())
        )

    def _delete_employment(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        item = self._existing_employment(orcid, put_code)
        if item.source_client_id != grant.client_id:
            raise answers.wrong_source()
        self.affiliations.remove_employment(orcid, item.put_code)
        return Response(status=204)

    def _employment_response(self, request: Request, item: aff.StoredEmployment) -> Response:
        if _wants_json(request):
            data = aff.employment_json_data(item, self.host)
            return Response(json.dumps(data, indent=2), 200, content_type=out.JSON)
        return Response(aff.employment_xml(item, self.host), 200, content_type=out.XML)

    def _read_researcher_url(self, request: Request) -> tuple[str | None, str, str | None]:
        root = self._read_body(request, schemas.RESEARCHER_URL, "researcher-url:researcher-url")
        url = aff._find(root, "researcher-url:url")
        if not url:
            raise answers.invalid_body("a researcher URL needs its url")
        return aff._find(root, "researcher-url:url-name"), url, root.get("put-code")

    def _post_researcher_url(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        name, url, put_code = self._read_researcher_url(request)
        if put_code is not None:
            raise answers.put_code_on_post()
        if self.affiliations.duplicate_url(orcid, grant.client_id, url):
            raise aff.duplicated_url()
        visibility = self.state.records[orcid].default_visibility
        source = self.source_names.get(grant.client_id, grant.client_id)
        item = self.affiliations.add_url(orcid, grant.client_id, source, visibility, name, url, self._now())
        return Response(
            status=201,
            headers={"Location": f"{request.host_url}v3.0/{orcid}/researcher-urls/{item.put_code}"},
        )

    def _get_researcher_urls(self, request: Request, grant: TokenGrant, orcid: str) -> Response:
        items = [u for u in self.affiliations.urls_of(orcid) if _visible(u, grant)]
        if _wants_json(request):
            return Response(aff.researcher_urls_json(orcid, items, self.host), 200, content_type=out.JSON)
        return Response(aff.researcher_urls_xml(orcid, items, self.host), 200, content_type=out.XML)

    def _existing_url(self, orcid: str, put_code: str, grant: TokenGrant) -> aff.StoredResearcherUrl:
        item = self.affiliations.url(orcid, int(put_code)) if put_code.isdigit() else None
        if item is None:
            raise answers.not_found() if put_code.isdigit() else answers.bad_put_code(put_code)
        if item.source_client_id != grant.client_id:
            raise answers.wrong_source()
        return item

    def _put_researcher_url(self, request: Request, grant: TokenGrant, orcid: str, put_code: str) -> Response:
        name, url, body_put_code = self._read_researcher_url(request)
        if (body_put_code or "").strip() != put_code:
            raise answers.put_code_mismatch(put_code, body_put_code or "null")
        item = self._existing_url(orcid, put_code, grant)
        if self.affiliations.duplicate_url(orcid, grant.client_id, url, exclude=item.put_code):
            raise aff.duplicated_url()
        updated = self.affiliations.replace_url(item, name, url, self._now())
        return Response(
            aff._document(aff.researcher_url_element(updated, self.host)), 200, content_type=out.XML
        )

    def _delete_researcher_url(
        self, request: Request, grant: TokenGrant, orcid: str, put_code: str
    ) -> Response:
        item = self._existing_url(orcid, put_code, grant)
        self.affiliations.remove_url(orcid, item.put_code)
        return Response(status=204)

    # --- helpers ---------------------------------------------------------------------------------
    def _create(self, orcid: str, grant: TokenGrant, document: WorkDocument) -> StoredWork:
        check_work(document)
        duplicate = self.works.duplicate_of(orcid, grant.client_id, document)
        if duplicate is not None:
            raise answers.duplicate(duplicate)
        if self.works.count(orcid) >= self.max_works:
            raise answers.max_works(self.max_works)
        visibility = self.state.records[orcid].default_visibility  # ORCID ignores the visibility we send
        name = self.source_names.get(grant.client_id, grant.client_id)
        return self.works.add(orcid, grant.client_id, name, visibility, document, self._now())

    def _existing(self, orcid: str, put_code: str) -> StoredWork:
        if not put_code.isdigit():
            raise answers.bad_put_code(put_code)
        work = self.works.get(orcid, int(put_code))
        if work is None:
            raise answers.not_found()
        return work

    def _read_body(
        self, request: Request, schema: str, root_tag: str, *, count_first: bool = False
    ) -> ET.Element:
        if "xml" not in (request.mimetype or ""):
            raise answers.unsupported_media_type(request.mimetype or "none")
        data = request.get_data()
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise answers.invalid_body("DOCTYPE is not allowed")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise answers.invalid_body(f"the body is not well-formed XML: {exc}") from None
        if count_first and len(root) > answers.BULK_LIMIT:
            raise answers.too_many_in_bulk(len(root))
        if self.validating and self.xsd_dir is not None:
            problem = schemas.validation_error(self.xsd_dir, schema, data)
            if problem is not None:
                raise answers.invalid_body(problem)
        prefix, name = root_tag.split(":")
        if root.tag != f"{{{aff.ALL_NS[prefix]}}}{name}":
            raise answers.invalid_body(f"expected a {root_tag} element, found {root.tag}")
        return root

    def _work_response(self, request: Request, work: StoredWork) -> Response:
        if _wants_json(request):
            return Response(
                json.dumps(out.work_json_data(work, self.host), indent=2), 200, content_type=out.JSON
            )
        return Response(out.work_xml(work, self.host), 200, content_type=out.XML)

    def _error(self, request: Request, error: ApiError, status: int | None = None) -> Response:
        if _wants_json(request):
            body, content_type = json.dumps(out.error_json_data(error)).encode(), out.JSON
        else:
            body, content_type = out.error_xml(error), out.XML
        return Response(body, status or error.status, headers=error.headers, content_type=content_type)

    def _fault(self, request: Request, failure: ScriptedFailure) -> Response:
        headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
        if failure.status >= 500 and failure.status != 503:
            error = answers.server_error("injected fault")
            error.headers.update(headers)
            return self._error(request, error, failure.status)
        page = f"<html><body><h1>{failure.status}</h1></body></html>"
        return Response(page, failure.status, headers=headers, mimetype="text/html")

    def _record_page(self, orcid: str) -> Response:
        with self.state.lock:
            record = self.state.records.get(orcid)
            if record is None:
                return Response("No such record", 404, mimetype="text/plain")
            page = render_record_page(
                record,
                self.works.works_of(orcid),
                self.affiliations.employments_of(orcid),
                self.affiliations.urls_of(orcid),
            )
        return Response(page, 200, mimetype="text/html")


def _bearer(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _wants_json(request: Request) -> bool:
    return "json" in request.headers.get("Accept", "")


def _visible(item: StoredWork | aff.StoredEmployment | aff.StoredResearcherUrl, grant: TokenGrant) -> bool:
    """With read-limited, everything but other sources' private items."""
    return item.visibility != "private" or item.source_client_id == grant.client_id


def _invalid_token(token: str) -> Response:
    # ORCID answers with an OAuth body that echoes the token; clients must never log it.
    description = f"Invalid access token: {token}"
    body = json.dumps({"error": "invalid_token", "error_description": description})
    headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'}
    return Response(body, 401, headers=headers, content_type="application/json;charset=UTF-8")
