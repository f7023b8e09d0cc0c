"""Every answer in orcid-api.md's error table becomes one typed outcome, from JSON and XML error bodies,
and no access token survives into an exception."""

from __future__ import annotations

import json

import pytest

from orcid_sync.orcid import errors
from orcid_sync.orcid.summaries import UnreadableAnswer, parse_bulk_answer, parse_work_summaries

TOKEN = "6d7a5c1e-8f1b-4a55-9c3b-1f2e3d4c5b6a"


def _json_body(status: int, code: int, message: str) -> bytes:
    return json.dumps(
        {"response-code": status, "developer-message": message, "user-message": "x", "error-code": code}
    ).encode()


def _xml_body(status: int, code: int, message: str) -> bytes:
    return (
        '<error:error xmlns:error="http://www.orcid.org/ns/error">'
        f"<error:response-code>{status}</error:response-code>"
        f"<error:developer-message>{message}</error:developer-message>"
        "<error:user-message>x</error:user-message>"
        f"<error:error-code>{code}</error:error-code></error:error>"
    ).encode()


TABLE = [
    (409, 9021, "409 Conflict: ... please see element with put-code 70665024. Use PUT.", errors.WorkConflict),
    (404, 9016, "404 Not Found: No entity found for query", errors.PutCodeGone),
    (403, 9010, "403 Forbidden: You are not the source of the work", errors.NotOurItem),
    (403, 9035, "403 Forbidden: visibility", errors.VisibilityRefused),
    (400, 9001, "400 Bad Request: cvc-complex-type.2.4.a", errors.Rejected),
    (400, 9020, "400 Bad Request: invalid incoming message", errors.Rejected),
    (400, 9022, "400 Bad Request: title required", errors.Rejected),
    (400, 9023, "400 Bad Request: external id required", errors.Rejected),
    (400, 9037, "400 Bad Request: Invalid work type", errors.Rejected),
    (400, 9049, "400 Bad Request: invalid date", errors.Rejected),
    (400, 9051, "400 Bad Request: bad enum", errors.Rejected),
    (400, 9053, "400 Bad Request: ISSN not found", errors.Rejected),
    (400, 9058, "400 Bad Request: contributor role", errors.Rejected),
    (400, 9019, "400 Bad Request: put code mismatch", errors.ClientBug),
    (400, 9024, "400 Bad Request: put code not expected", errors.ClientBug),
    (400, 9034, "400 Bad Request: '10000' is not a valid put code", errors.ClientBug),
    (400, 9006, "400 Bad Request: up to 100 elements", errors.TooManyItems),
    (409, 9018, "409 Conflict: locked", errors.RecordUnavailable),
    (409, 9036, "409 Conflict: unclaimed", errors.RecordUnavailable),
    (409, 9044, "409 Conflict: deactivated", errors.RecordUnavailable),
    (301, 9007, "301 Moved Permanently: Please refer to account: 0000-0002-1825-0097", errors.RecordMerged),
    (409, 9048, "409 Conflict: maximum of 10000 works", errors.TooManyWorks),
    (500, 9008, "500 Internal Server Error", errors.Transient),
]


@pytest.mark.parametrize("render", [_json_body, _xml_body], ids=["json", "xml"])
@pytest.mark.parametrize(
    ("status", "code", "message", "expected"), TABLE, ids=[f"{r[0]}-{r[1]}" for r in TABLE]
)
def test_each_listed_orcid_error_becomes_its_typed_outcome(
    render: object, status: int, code: int, message: str, expected: type
) -> None:
    assert callable(render)

    outcome = errors.error_from_answer(status, {}, render(status, code, message))

    assert type(outcome) is expected
    assert outcome.status == status


def test_a_conflict_carries_the_put_code_named_in_orcids_message() -> None:
    body = _json_body(409, 9021, "You have already added this activity, please see element with put-code 42.")

    outcome = errors.error_from_answer(409, {}, body)

    assert isinstance(outcome, errors.WorkConflict)
    assert outcome.put_code == 42


def test_a_conflict_without_a_put_code_in_the_message_has_none() -> None:
    outcome = errors.error_from_answer(409, {}, _json_body(409, 9021, "already added"))

    assert isinstance(outcome, errors.WorkConflict)
    assert outcome.put_code is None


def test_a_rejection_keeps_orcids_code_and_developer_message() -> None:
    outcome = errors.error_from_answer(
        400, {}, _xml_body(400, 9037, "Invalid work type, valid values are: ...")
    )

    assert isinstance(outcome, errors.Rejected)
    assert (outcome.code, outcome.message) == (9037, "Invalid work type, valid values are: ...")


def test_a_404_naming_the_orcid_id_is_an_unknown_record_not_a_gone_work() -> None:
    body = _json_body(
        404, 9016, "404 Not Found: Full validation error: ORCID iD 0000-0002-0000-XXXX not found"
    )

    outcome = errors.error_from_answer(404, {}, body)

    assert isinstance(outcome, errors.RecordNotFound)
    assert isinstance(outcome, errors.RecordUnavailable)


@pytest.mark.parametrize(("code", "reason"), [(9018, "locked"), (9036, "unclaimed"), (9044, "deactivated")])
def test_an_unavailable_record_says_why(code: int, reason: str) -> None:
    outcome = errors.error_from_answer(409, {}, _json_body(409, code, "409 Conflict"))

    assert isinstance(outcome, errors.RecordUnavailable)
    assert outcome.reason == reason


def test_a_merged_record_names_the_new_id_from_the_location_header_first() -> None:
    headers = {"Location": "https://api.orcid.org/v3.0/0000-0001-5109-3700"}
    body = _json_body(301, 9007, "Please refer to account: 0000-0002-1825-0097")

    outcome = errors.error_from_answer(301, headers, body, orcid="0000-0003-1134-6827")

    assert isinstance(outcome, errors.RecordMerged)
    assert outcome.new_orcid == "0000-0001-5109-3700"


def test_a_merged_record_names_the_new_id_from_the_message_when_there_is_no_location() -> None:
    body = _json_body(301, 9007, "This account is deprecated. Please refer to account: 0000-0002-1825-0097")

    outcome = errors.error_from_answer(301, {}, body, orcid="0000-0003-1134-6827")

    assert isinstance(outcome, errors.RecordMerged)
    assert outcome.new_orcid == "0000-0002-1825-0097"


def test_a_413_is_too_many_items() -> None:
    assert isinstance(
        errors.error_from_answer(413, {}, b"<html>Request Entity Too Large</html>"), errors.TooManyItems
    )


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_busy_and_failing_answers_are_transient_even_without_an_orcid_body(status: int) -> None:
    outcome = errors.error_from_answer(
        status, {}, b"<html><body>Service Temporarily Unavailable</body></html>"
    )

    assert isinstance(outcome, errors.Transient)
    assert outcome.retry_after is None


def test_a_retry_after_in_seconds_is_kept_on_the_transient_outcome() -> None:
    outcome = errors.error_from_answer(503, {"Retry-After": "12"}, b"")

    assert isinstance(outcome, errors.Transient)
    assert outcome.retry_after == 12.0


def test_a_retry_after_as_an_http_date_becomes_seconds_from_now() -> None:
    assert errors.parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


def test_an_unreadable_retry_after_is_ignored() -> None:
    assert errors.parse_retry_after("soon") is None


def test_a_401_invalid_token_is_a_revoked_token_whose_text_never_holds_the_token() -> None:
    body = json.dumps(
        {"error": "invalid_token", "error_description": f"Invalid access token: {TOKEN}"}
    ).encode()

    outcome = errors.error_from_answer(401, {"WWW-Authenticate": f'Bearer error_description="{TOKEN}"'}, body)

    assert isinstance(outcome, errors.TokenRevoked)
    assert TOKEN not in f"{outcome} {outcome!r} {outcome.args} {vars(outcome)}"


def test_a_401_without_a_body_is_a_revoked_token() -> None:
    assert isinstance(errors.error_from_answer(401, {}, b""), errors.TokenRevoked)


def test_a_401_with_an_orcid_body_for_another_record_is_access_denied() -> None:
    outcome = errors.error_from_answer(401, {}, _json_body(401, 9017, "not authorized for this record"))

    assert isinstance(outcome, errors.AccessDenied)


def test_a_403_for_a_missing_scope_is_access_denied() -> None:
    assert isinstance(errors.error_from_answer(403, {}, _xml_body(403, 9038, "scope")), errors.AccessDenied)


def test_a_message_that_contains_the_token_is_scrubbed() -> None:
    body = _json_body(400, 9001, f"Full validation error: token {TOKEN} in the wrong place")

    outcome = errors.error_from_answer(400, {}, body, token=TOKEN)

    assert TOKEN not in str(outcome)
    assert "[token]" in str(outcome)


def test_an_unlisted_status_is_an_unexpected_answer() -> None:
    assert type(errors.error_from_answer(302, {}, b"")) is errors.UnexpectedAnswer


def test_a_body_with_a_dtd_is_not_parsed() -> None:
    body = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><error:error xmlns:error="http://www.orcid.org/ns/error"/>'

    assert errors.parse_error_body(body) is None


def test_a_bulk_answer_in_xml_gives_put_codes_and_error_bodies_in_order() -> None:
    body = (
        b'<bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk" xmlns:work="http://www.orcid.org/ns/work"'
        b'><work:work put-code="11"/>'
        + _xml_body(409, 9021, "please see element with put-code 7")
        + b'<work:work put-code="12"/></bulk:bulk>'
    )

    items = parse_bulk_answer(body)

    assert items[0] == 11
    assert isinstance(items[1], errors.ErrorBody)
    assert items[1].error_code == 9021
    assert items[2] == 12


def test_a_works_answer_that_is_not_a_works_document_is_unreadable() -> None:
    with pytest.raises(UnreadableAnswer):
        parse_work_summaries(b'<error:error xmlns:error="http://www.orcid.org/ns/error"/>')


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE e SYSTEM "http://attacker.invalid/e.dtd"><e/>',
        b'<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><e>&x;</e>',
        b'<!DOCTYPE e [<!ENTITY a "a"><!ENTITY b "&a;&a;&a;&a;">]><e>&b;</e>',
    ],
    ids=["external-dtd", "external-entity", "entity-expansion"],
)
def test_a_hostile_xml_answer_is_refused_by_the_hardened_parser(body: bytes) -> None:
    with pytest.raises(ValueError, match="XML refused"):
        errors.parse_xml(body)
