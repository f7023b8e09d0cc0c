"""The client against real recorded ORCID answers (shared/orcid-cassettes, read in place, never copied).

A loopback server replays each cassette's responses in order, checking that the client sends the
recorded method and path; the client's typed outcome for each answer is what the sync relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from werkzeug.wrappers import Request, Response

from infra.orcid_standin.serve import serving
from orcid_sync.orcid import errors
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.pacing import NO_RETRIES, TokenBucket
from orcid_sync.orcid.summaries import parse_bulk_answer
from tests.integration.member_fixtures import SHARED, FakeClock, sample_work

CASSETTES = SHARED / "orcid-cassettes"
INSPIRE_CLIENT_ID = "0000-0001-8607-8906"  # the recorded works' source-client-id path
ORCID = "0000-0003-1134-6827"
_SKIP_HEADERS = {"transfer-encoding", "connection", "content-length", "content-encoding"}


class _Loader(yaml.SafeLoader):
    """Tolerates the `!!python/unicode` tags of the older recordings (as plain strings)."""


_Loader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, _suffix, node: loader.construct_scalar(node)
)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _cassette(name_end: str) -> list[Recorded]:
    if not CASSETTES.is_dir():
        pytest.skip(
            f"recorded ORCID answers not found at {CASSETTES} (the shared/ folder beside the repository)"
        )
    matches = sorted(CASSETTES.glob(f"*{name_end}"))
    assert len(matches) == 1, f"expected one cassette ending {name_end}, found {matches}"
    data = yaml.load(matches[0].read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader subclass
    return [_recorded(item) for item in data["interactions"]]


def _recorded(item: dict[str, Any]) -> Recorded:
    response = item["response"]
    headers = [
        (name, str(value))
        for name, values in response["headers"].items()
        if name.lower() not in _SKIP_HEADERS
        for value in (values if isinstance(values, list) else [values])
    ]
    body = response["body"]["string"]
    return Recorded(
        method=item["request"]["method"],
        path=urlsplit(item["request"]["uri"]).path,
        status=int(response["status"]["code"]),
        headers=headers,
        body=body.encode() if isinstance(body, str) else bytes(body),
    )


def _same(path: str) -> str:
    """Put-codes compared as numbers: the recording PUTs to put-code `00000`, which reads as `0`."""
    head, _, last = path.rpartition("/")
    return f"{head}/{int(last)}" if last.isdigit() else path


# The recording's PUT to put-code 00000 (a put-code ORCID never gave) is one our client cannot send: it
# writes only positive put-codes. The replay takes this unknown put-code in its place.
UNKNOWN_PUT_CODE = 99999999


class _Replay:
    """Answers each request with the next recorded response, if the request matches the recording."""

    def __init__(self, recorded: list[Recorded]) -> None:
        self.pending = [replace(item, path=_unknown_put_code(item.path)) for item in recorded]
        self.mismatches: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        expected = self.pending.pop(0) if self.pending else None
        if expected is None or (request.method, _same(request.path)) != (
            expected.method,
            _same(expected.path),
        ):
            self.mismatches.append(f"{request.method} {request.path} (expected {expected})")
            return Response("unexpected request", 599)(environ, start_response)
        return Response(expected.body, expected.status, headers=expected.headers)(environ, start_response)


def _unknown_put_code(path: str) -> str:
    head, _, last = path.rpartition("/")
    return f"{head}/{UNKNOWN_PUT_CODE}" if last.isdigit() and int(last) == 0 else path


@contextmanager
def _replaying(
    name_end: str, client_id: str = INSPIRE_CLIENT_ID, *, first: int | None = None
) -> Iterator[OrcidWorksClient]:
    """A client whose ORCID replays the cassette (its `first` interactions only, when given)."""
    replay = _Replay(_cassette(name_end)[:first])
    clock = FakeClock()
    with serving(replay) as base_url:
        yield OrcidWorksClient(
            f"{base_url}/v2.0",
            client_id,
            pacer=TokenBucket(1e9, 10**9),
            retry=NO_RETRIES,
            clock=clock,
            sleep=clock.sleep,
        )
    assert replay.mismatches == []
    assert replay.pending == [], "the client made fewer calls than the recording holds"


WORK = sample_work()


def test_a_recorded_201_gives_the_put_code_from_the_location_header() -> None:
    with _replaying("happy_flow__GET_works_empty_POST_201_Location.yaml") as client:
        assert client.list_works(ORCID, "token") == []
        assert client.list_works("0000-0001-8627-769X", "token") == []

        assert client.add_work(ORCID, "token", WORK) == 73151499


def test_a_recorded_409_9021_is_a_conflict_whose_put_code_the_listing_confirms() -> None:
    with _replaying("already_existing__POST_409_9021_GET_works_PUT_200.yaml") as client:
        with pytest.raises(errors.WorkConflict) as first:
            client.add_work(ORCID, "token", WORK)
        listed = client.list_works(ORCID, "token")
        with pytest.raises(errors.WorkConflict):
            client.add_work(ORCID, "token", WORK)
        client.list_works(ORCID, "token")
        client.update_work(ORCID, "token", 70665024, WORK)

    assert first.value.put_code == 70665024
    assert [(w.put_code, w.type) for w in listed] == [(70665024, "journal-article")]
    assert {(i.type, i.value, i.relationship) for i in listed[0].external_ids} == {
        ("other-id", "45", "self"),
        ("doi", "10.1111/test.orcid.push", "self"),
    }


def test_a_recorded_401_is_a_revoked_token_and_the_echoed_token_appears_nowhere() -> None:
    with _replaying("invalid_data_token__POST_401_invalid_token.yaml") as client:
        with pytest.raises(errors.TokenRevoked) as first:
            client.add_work(ORCID, "tokeninvalid", WORK)
        with pytest.raises(errors.TokenRevoked) as second:
            client.add_work(ORCID, "tokeninvalid", WORK)

    for caught in (first.value, second.value):
        assert "tokeninvalid" not in f"{caught} {caught!r} {caught.args} {vars(caught)}"


def test_a_recorded_400_9001_is_a_rejection_carrying_the_validators_message() -> None:
    with (
        _replaying("invalid_data_xml__POST_400_9001.yaml") as client,
        pytest.raises(errors.Rejected) as caught,
    ):
        client.add_work(ORCID, "token", WORK)

    assert caught.value.code == 9001
    assert "cvc-complex-type.2.4.a" in caught.value.message


def test_a_recorded_put_404_9016_is_the_put_code_gone_then_the_put_to_the_listed_code_succeeds() -> None:
    with _replaying("invalid_data_putcode__PUT_404_9016_GET_works_PUT_200.yaml") as client:
        with pytest.raises(errors.PutCodeGone):
            client.update_work(ORCID, "token", UNKNOWN_PUT_CODE, WORK)
        listed = client.list_works(ORCID, "token")
        client.update_work(ORCID, "token", listed[0].put_code, WORK)


def test_a_recorded_404_for_an_unknown_orcid_id_is_record_not_found_not_a_gone_put_code() -> None:
    cassette = "invalid_data_orcid__POST_404_orcid_not_found.yaml"
    with _replaying(cassette) as client, pytest.raises(errors.RecordNotFound):
        client.add_work("0000-0002-0000-XXXX", "token", WORK)


def test_a_recorded_delete_404_counts_as_done() -> None:
    with _replaying("DELETE_404_9016.yaml") as client:
        client.delete_work(ORCID, "token", 51389857)


def test_a_recorded_listing_keeps_only_the_works_of_our_client_id() -> None:
    cassette = "GET_works_GET_bulk_200_with_9034_error.yaml"
    with _replaying(cassette, INSPIRE_CLIENT_ID, first=1) as ours:
        assert [w.put_code for w in ours.list_works("0000-0002-0942-3697", "token")] == [
            47160445,
            46674246,
            10000,
        ]
    with _replaying(cassette, "APP-SOMEBODYELSE0001", first=1) as someone_else:
        assert someone_else.list_works("0000-0002-0942-3697", "token") == []


def test_a_recorded_bulk_read_error_item_is_classified_as_a_client_bug() -> None:
    recorded = _cassette("GET_works_GET_bulk_200_with_9034_error.yaml")[1]

    items = parse_bulk_answer(recorded.body)
    outcomes = [
        item if isinstance(item, int) else errors.classify(item.response_code or 400, item) for item in items
    ]

    assert outcomes[:2] == [46674246, 47160445]
    assert isinstance(outcomes[2], errors.ClientBug)
    assert outcomes[2].code == 9034


@pytest.mark.parametrize(
    ("name_end", "expected"),
    [
        ("DELETE_404_9016.yaml", errors.PutCodeGone),
        ("already_existing__POST_409_9021_GET_works_PUT_200.yaml", errors.WorkConflict),
        ("invalid_data_orcid__POST_404_orcid_not_found.yaml", errors.RecordNotFound),
        ("invalid_data_token__POST_401_invalid_token.yaml", errors.TokenRevoked),
        ("invalid_data_xml__POST_400_9001.yaml", errors.Rejected),
        ("invalid_data_putcode__PUT_404_9016_GET_works_PUT_200.yaml", errors.PutCodeGone),
    ],
)
def test_every_recorded_error_answer_classifies_as_its_typed_outcome(name_end: str, expected: type) -> None:
    failures = [item for item in _cassette(name_end) if item.status >= 300]

    outcomes = [errors.error_from_answer(item.status, dict(item.headers), item.body) for item in failures]

    assert failures
    assert all(type(outcome) is expected for outcome in outcomes)
