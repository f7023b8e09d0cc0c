"""Transient ORCID failures are retried with backoff that honours Retry-After, bounded in attempts and
time; permanent ones are not; and the token never shows in what the client logs. Sleep is injected:
these tests count calls and requested waits, never wall time."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest

from orcid_sync.orcid import errors
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.pacing import RetryPolicy, TokenBucket
from tests.integration.member_fixtures import CLIENT_ID, FakeClock, MemberWorld, member_world, sample_work


@pytest.fixture
def world() -> Iterator[MemberWorld]:
    with member_world() as running:
        yield running


def test_a_503_with_retry_after_is_retried_after_exactly_that_wait(world: MemberWorld) -> None:
    world.api.faults.fail_next(503, retry_after="7")

    world.client().list_works(world.orcid, world.token)

    assert world.clock.sleeps == [7.0]
    assert world.api.calls["GET /works"] == 2


def test_a_429_with_retry_after_is_retried_after_that_wait(world: MemberWorld) -> None:
    world.api.faults.fail_next(429, retry_after="3")

    world.client().add_work(world.orcid, world.token, sample_work())

    assert world.clock.sleeps == [3.0]
    assert len(world.api.works_of(world.orcid)) == 1


def test_a_server_error_is_retried_with_a_growing_jittered_backoff(world: MemberWorld) -> None:
    world.api.faults.fail_next(500, 503, 500)
    client = world.client(retry=RetryPolicy(max_attempts=4, max_elapsed=60, base_delay=1.0, max_delay=30))

    client.list_works(world.orcid, world.token)

    first, second, third = world.clock.sleeps
    assert 0.5 <= first <= 1.0
    assert 1.0 <= second <= 2.0
    assert 2.0 <= third <= 4.0
    assert world.api.calls["GET /works"] == 4


def test_retries_stop_after_the_configured_number_of_attempts(world: MemberWorld) -> None:
    world.api.faults.fail_next(*[503] * 10)

    with pytest.raises(errors.Transient):
        world.client(retry=RetryPolicy(max_attempts=3, max_elapsed=60)).list_works(world.orcid, world.token)

    assert world.api.calls["GET /works"] == 3
    assert len(world.clock.sleeps) == 2


def test_a_retry_after_beyond_the_time_budget_is_raised_at_once_with_the_hint(world: MemberWorld) -> None:
    world.api.faults.fail_next(503, retry_after="30")

    with pytest.raises(errors.Transient) as caught:
        world.client(retry=RetryPolicy(max_attempts=5, max_elapsed=20)).list_works(world.orcid, world.token)

    assert caught.value.retry_after == 30.0
    assert world.api.calls["GET /works"] == 1
    assert world.clock.sleeps == []


def test_a_permanent_refusal_is_not_retried(world: MemberWorld) -> None:
    world.api.faults.fail_next(400)  # our client sends no work ORCID would refuse; ORCID refuses it anyway

    with pytest.raises(errors.Rejected):
        world.client().add_work(world.orcid, world.token, sample_work())

    assert world.api.calls["POST /work"] == 1
    assert world.clock.sleeps == []


def test_a_revoked_token_is_not_retried(world: MemberWorld) -> None:
    world.grant.revoked = True

    with pytest.raises(errors.TokenRevoked):
        world.client().list_works(world.orcid, world.token)

    assert world.api.calls["GET /works"] == 1


def test_a_post_that_timed_out_but_landed_comes_back_as_a_conflict_naming_its_put_code(
    world: MemberWorld,
) -> None:
    world.api.faults.hold_next(1, 1.0)  # longer than the client's read timeout; ORCID still stores it

    def wait_until_the_held_post_landed(seconds: float) -> None:
        world.clock.sleep(seconds)
        deadline = time.monotonic() + 5
        while not world.api.works_of(world.orcid) and time.monotonic() < deadline:
            time.sleep(0.01)

    client = OrcidWorksClient(
        f"{world.base_url}/v3.0",
        CLIENT_ID,
        timeout=(2.0, 0.2),
        pacer=TokenBucket(1e9, 10**9),
        clock=world.clock,
        sleep=wait_until_the_held_post_landed,
    )

    with pytest.raises(errors.WorkConflict) as caught:
        client.add_work(world.orcid, world.token, sample_work())

    assert [work.put_code for work in world.api.works_of(world.orcid)] == [caught.value.put_code]
    assert world.api.calls["POST /work"] == 2


def test_an_unreachable_orcid_is_transient_after_the_bounded_attempts() -> None:
    with socket.socket() as probe:  # a loopback port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    client = OrcidWorksClient(
        f"http://127.0.0.1:{port}/v3.0",
        CLIENT_ID,
        pacer=TokenBucket(1e9, 10**9),
        retry=RetryPolicy(max_attempts=3, max_elapsed=60),
        clock=clock,
        sleep=clock.sleep,
    )

    with pytest.raises(errors.Transient) as caught:
        client.list_works("0000-0002-1825-0097", "secret-token-value")

    assert len(clock.sleeps) == 2
    assert "secret-token-value" not in str(caught.value)


def test_retries_log_no_token(
    world: MemberWorld, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    world.api.faults.fail_next(503, 500)
    caplog.set_level(logging.DEBUG)

    world.client().add_work(world.orcid, world.token, sample_work())

    captured = capsys.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "retrying" in logged
    assert world.token not in logged
