"""The client's pacing limiter (token bucket) and retry policy, on a fake clock: counts, never wall time."""

from __future__ import annotations

import random
import threading

import pytest

from orcid_sync.orcid.pacing import RetryPolicy, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_the_burst_is_served_without_waiting() -> None:
    clock = FakeClock()
    bucket = TokenBucket(24, 40, clock=clock, sleep=clock.sleep)

    waits = [bucket.acquire() for _ in range(40)]

    assert waits == [0.0] * 40
    assert clock.sleeps == []


def test_calls_past_the_burst_wait_one_interval_more_each() -> None:
    clock = FakeClock()
    bucket = TokenBucket(24, 40, clock=clock, sleep=clock.sleep)
    for _ in range(40):
        bucket.acquire()

    waits = [bucket.acquire() for _ in range(3)]

    assert waits == pytest.approx([1 / 24, 2 / 24, 3 / 24])


def test_the_bucket_refills_at_the_rate_as_time_passes() -> None:
    clock = FakeClock()
    bucket = TokenBucket(24, 40, clock=clock, sleep=clock.sleep)
    for _ in range(40):
        bucket.acquire()

    clock.now += 0.5  # twelve tokens' worth

    assert [bucket.acquire() for _ in range(12)] == [0.0] * 12
    assert bucket.acquire() > 0


def test_the_bucket_never_saves_more_than_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, 5, clock=clock, sleep=clock.sleep)

    clock.now += 3600

    assert [bucket.acquire() for _ in range(5)] == [0.0] * 5
    assert bucket.acquire() == pytest.approx(0.1)


def test_concurrent_callers_are_each_given_a_distinct_slot() -> None:
    clock = FakeClock()
    bucket = TokenBucket(20, 10, clock=clock, sleep=clock.sleep)
    waits: list[float] = []
    lock = threading.Lock()

    def call() -> None:
        wait = bucket.acquire()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=call) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == pytest.approx([0.0] * 10 + [n / 20 for n in range(1, 21)])


def test_a_bucket_with_no_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0, 40)


def test_backoff_grows_exponentially_within_its_jitter_band_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, rng=random.Random(7))

    delays = [policy.delay(n) for n in range(1, 6)]

    bands = [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0), (2.5, 5.0), (2.5, 5.0)]
    assert all(low <= delay <= high for delay, (low, high) in zip(delays, bands, strict=True))


def test_two_workers_back_off_by_different_amounts() -> None:
    first = RetryPolicy(rng=random.Random(1))
    second = RetryPolicy(rng=random.Random(2))

    assert first.delay(3) != second.delay(3)


def test_a_longer_retry_after_replaces_the_backoff() -> None:
    assert RetryPolicy(base_delay=0.5).delay(1, retry_after=9.0) == 9.0


def test_a_shorter_retry_after_does_not_shorten_the_backoff() -> None:
    policy = RetryPolicy(base_delay=4.0, max_delay=8.0)

    assert policy.delay(1, retry_after=0.0) >= 2.0


def test_the_policy_allows_no_attempt_past_its_count() -> None:
    policy = RetryPolicy(max_attempts=3, max_elapsed=100)

    assert policy.allows(2, elapsed=0, next_delay=1)
    assert not policy.allows(3, elapsed=0, next_delay=1)


def test_the_policy_allows_no_wait_that_ends_past_its_time_budget() -> None:
    policy = RetryPolicy(max_attempts=10, max_elapsed=20)

    assert policy.allows(1, elapsed=15, next_delay=5)
    assert not policy.allows(1, elapsed=15, next_delay=5.5)
