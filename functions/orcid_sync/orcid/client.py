"""The ORCID member API client for works: add (one or in bulk), update, delete and list our own.

Every answer that is not a success becomes a typed exception from `errors` (services never see status
codes). Requests are paced by a shared token bucket (ORCID allows 24/s, burst 40) and transient
failures are retried with jittered exponential backoff that honours Retry-After, bounded in attempts
and total time. Writes are XML (`application/vnd.orcid+xml`): callers pass a `Work` (or an
`Employment`), which `work_xml` validates once and serializes, put-code and all.

The access token is sent only in the Authorization header; it is never logged and is scrubbed from
every exception message.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

import requests
from aws_lambda_powertools.metrics import MetricUnit

from orcid_sync.observability import logger, metrics
from orcid_sync.orcid.activities import (
    Activities,
    ResearcherUrlSummary,
    parse_activities,
    parse_researcher_urls,
)
from orcid_sync.orcid.employment import (
    Employment,
    ResearcherUrl,
    employment_to_xml,
    researcher_url_to_xml,
)
from orcid_sync.orcid.errors import (
    OrcidError,
    PutCodeGone,
    Rejected,
    TooManyItems,
    Transient,
    UnexpectedAnswer,
    classify,
    error_from_answer,
)
from orcid_sync.orcid.pacing import Clock, RetryPolicy, Sleep, TokenBucket
from orcid_sync.orcid.summaries import UnreadableAnswer, WorkSummary, parse_bulk_answer, parse_work_summaries
from orcid_sync.orcid.work import Work
from orcid_sync.orcid.work_xml import BULK_LIMIT as BULK_LIMIT  # callers chunk their writes by it
from orcid_sync.orcid.work_xml import bulk_document, work_to_xml

ORCID_XML = "application/vnd.orcid+xml"

# A bulk item is the put-code of the stored work or the typed error for that work.
BulkResult = int | OrcidError


class OrcidWorksClient:
    """Works on ORCID records, as one member client (`client_id`), over one connection-reusing session."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.05, 30.0),
        pacer: TokenBucket | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        user_agent: str = "orcid-sync (DTU Orbit)",
    ) -> None:
        self._base = base_url.rstrip("/")
        self._client_id = client_id
        self._session = session or requests.Session()
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        # Share one bucket between clients of one process: ORCID's limit is per member client.
        self._pacer = pacer or TokenBucket(clock=clock, sleep=sleep)
        self._retry = retry or RetryPolicy()
        self._user_agent = user_agent

    @property
    def client_id(self) -> str:
        return self._client_id

    # --- calls -----------------------------------------------------------------------------------
    def add_work(self, orcid: str, token: str, work: Work) -> int:
        """POST one work; returns its put-code (from the Location header of the 201).

        Raises WorkConflict(put_code) when this client already has the work (same `self` external id),
        and WorkNotSendable (without calling ORCID) for a `Work` ORCID would refuse.
        """
        answer = self._call("POST", self._url(orcid, "work"), token, orcid, body=work_to_xml(work))
        return _created_put_code(answer)

    def add_works(self, orcid: str, token: str, works: Sequence[Work]) -> list[BulkResult]:
        """POST up to 100 works in one call; one result per work, in input order.

        Each result is the new put-code or the typed error for that work (WorkConflict, Rejected, ...).
        A `Work` that ORCID would refuse is not sent; its result is Rejected with the reason. More than
        100 works raises TooManyItems without calling ORCID.
        """
        if len(works) > BULK_LIMIT:
            raise TooManyItems(f"{len(works)} works in one bulk call; ORCID takes at most {BULK_LIMIT}")
        if not works:
            return []
        bulk = bulk_document(works)
        results: dict[int, BulkResult] = {
            position: Rejected(None, f"not sent: {refusal.reason}", status=None)
            for position, refusal in bulk.refused.items()
        }
        if bulk.xml is not None:
            answered = self._post_bulk(orcid, token, bulk.xml, len(bulk.sent))
            results.update(zip(bulk.sent, answered, strict=True))
        return [results[position] for position in range(len(works))]

    def update_work(self, orcid: str, token: str, put_code: int, work: Work) -> None:
        """PUT a new version of our work `put_code` (the put-code goes in the URL and in the body).

        Raises PutCodeGone when the researcher deleted it, NotOurItem when another source owns it.
        """
        body = work_to_xml(work, put_code)
        self._call("PUT", self._url(orcid, "work", str(put_code)), token, orcid, body=body)

    def delete_work(self, orcid: str, token: str, put_code: int) -> None:
        """DELETE our work `put_code`. A work that is already gone counts as deleted."""
        try:
            self._call("DELETE", self._url(orcid, "work", str(put_code)), token, orcid)
        except PutCodeGone:
            return

    def list_works(self, orcid: str, token: str) -> list[WorkSummary]:
        """Our own works on the record (`source-client-id` equal to our client id), in ORCID's order."""
        answer = self._call("GET", self._url(orcid, "works"), token, orcid)
        try:
            summaries = parse_work_summaries(answer.content)
        except UnreadableAnswer as exc:
            raise UnexpectedAnswer(str(exc), status=answer.status_code) from None
        return [summary for summary in summaries if summary.source_client_id == self._client_id]

    def read_activities(self, orcid: str, token: str) -> Activities:
        """Our works and employments on the record in one read (`GET /activities`)."""
        answer = self._call("GET", self._url(orcid, "activities"), token, orcid)
        try:
            activities = parse_activities(answer.content)
        except UnreadableAnswer as exc:
            raise UnexpectedAnswer(str(exc), status=answer.status_code) from None
        return activities.ours(self._client_id)

    # --- employments -----------------------------------------------------------------------------
    def add_employment(self, orcid: str, token: str, employment: Employment) -> int:
        """POST one employment; returns its put-code. Raises WorkConflict(put_code) when this client
        already has an employment with the same `self` external id (409/9021)."""
        body = employment_to_xml(employment)
        return _created_put_code(self._call("POST", self._url(orcid, "employment"), token, orcid, body=body))

    def update_employment(self, orcid: str, token: str, put_code: int, employment: Employment) -> None:
        """PUT a new version of our employment. PutCodeGone when the researcher deleted it."""
        body = employment_to_xml(employment, put_code)
        self._call("PUT", self._url(orcid, "employment", str(put_code)), token, orcid, body=body)

    def delete_employment(self, orcid: str, token: str, put_code: int) -> None:
        """DELETE our employment `put_code`; one already gone counts as deleted."""
        try:
            self._call("DELETE", self._url(orcid, "employment", str(put_code)), token, orcid)
        except PutCodeGone:
            return

    # --- researcher URLs (person section: the /person/update scope) --------------------------------
    def add_researcher_url(self, orcid: str, token: str, link: ResearcherUrl) -> int:
        """POST a researcher URL; returns its put-code. ElementConflict (409/9030) when we have it."""
        body = researcher_url_to_xml(link)
        answer = self._call("POST", self._url(orcid, "researcher-urls"), token, orcid, body=body)
        return _created_put_code(answer)

    def update_researcher_url(self, orcid: str, token: str, put_code: int, link: ResearcherUrl) -> None:
        body = researcher_url_to_xml(link, put_code)
        self._call("PUT", self._url(orcid, "researcher-urls", str(put_code)), token, orcid, body=body)

    def list_researcher_urls(self, orcid: str, token: str) -> list[ResearcherUrlSummary]:
        """Our researcher URLs on the record."""
        answer = self._call("GET", self._url(orcid, "researcher-urls"), token, orcid)
        try:
            links = parse_researcher_urls(answer.content)
        except UnreadableAnswer as exc:
            raise UnexpectedAnswer(str(exc), status=answer.status_code) from None
        return [link for link in links if link.source_client_id == self._client_id]

    # --- plumbing --------------------------------------------------------------------------------
    def _post_bulk(self, orcid: str, token: str, document: bytes, count: int) -> list[BulkResult]:
        """POST a bulk document of `count` works; ORCID's answer for each, in order."""
        answer = self._call("POST", self._url(orcid, "works"), token, orcid, body=document)
        try:
            items = parse_bulk_answer(answer.content)
        except UnreadableAnswer as exc:
            raise UnexpectedAnswer(str(exc), status=answer.status_code) from None
        if len(items) != count:
            raise UnexpectedAnswer(f"ORCID answered {len(items)} bulk items for {count} works")
        return [
            item
            if isinstance(item, int)
            else classify(item.response_code or 400, item, token=token, orcid=orcid)
            for item in items
        ]

    def _url(self, orcid: str, *parts: str) -> str:
        return "/".join([self._base, quote(orcid, safe=""), *(quote(part, safe="") for part in parts)])

    def _call(
        self, method: str, url: str, token: str, orcid: str, *, body: bytes | None = None
    ) -> requests.Response:
        """Send with pacing; retry transient failures within the policy; raise typed errors."""
        headers = {"Authorization": f"Bearer {token}", "Accept": ORCID_XML, "User-Agent": self._user_agent}
        if body is not None:
            headers["Content-Type"] = ORCID_XML
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            self._pacer.acquire()
            error = self._attempt(method, url, headers, body, token, orcid)
            if isinstance(error, requests.Response):
                return error
            if not isinstance(error, Transient):
                raise error
            if error.status in (429, 503):  # ORCID's limit answered: the dashboard shows how often
                metrics.add_metric(name="OrcidThrottled", unit=MetricUnit.Count, value=1)
            delay = self._retry.delay(attempt, error.retry_after)
            if not self._retry.allows(attempt, self._clock() - started, delay):
                raise error
            logger.warning(
                "ORCID call failed transiently; retrying",
                extra={
                    "method": method,
                    "status": error.status,
                    "attempt": attempt,
                    "delay_s": round(delay, 3),
                },
            )
            self._sleep(delay)

    def _attempt(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, token: str, orcid: str
    ) -> requests.Response | OrcidError:
        try:
            answer = self._session.request(
                method, url, data=body, headers=headers, timeout=self._timeout, allow_redirects=False
            )
        except requests.Timeout:
            return Transient(None, "ORCID did not answer in time")
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            # Exception texts can hold the URL; keep only the kind of failure.
            return Transient(None, f"ORCID could not be reached ({type(exc).__name__})")
        except requests.RequestException as exc:
            return UnexpectedAnswer(f"the request to ORCID failed ({type(exc).__name__})")
        if 200 <= answer.status_code < 300:
            return answer
        return error_from_answer(answer.status_code, answer.headers, answer.content, token=token, orcid=orcid)


def _created_put_code(answer: requests.Response) -> int:
    put_code = _last_segment_int(answer.headers.get("Location", ""))
    if answer.status_code != 201 or put_code is None:
        raise UnexpectedAnswer(f"ORCID answered {answer.status_code} without a put-code in Location")
    return put_code


def _last_segment_int(location: str) -> int | None:
    segment = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return int(segment) if segment.isdigit() else None
