"""The local stack runs the template's rate() schedules, with the template's conditions resolved."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from infra.local.scheduler import LocalScheduler
from infra.local.template import Resolver, Schedule, load_template, schedules


def _schedules(poll_minutes: str) -> dict[str, Schedule]:
    template = load_template()
    params = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    params["ChangeFeedPollMinutes"] = poll_minutes
    resolve = Resolver(refs=params, attributes={}).with_conditions(template)
    return {s.function: s for s in schedules(template, resolve)}


@pytest.mark.parametrize(
    ("minutes", "expression", "seconds"), [("1", "rate(1 minute)", 60), ("5", "rate(5 minutes)", 300)]
)
def test_the_poll_interval_parameter_sets_the_pollers_schedule(
    minutes: str, expression: str, seconds: int
) -> None:
    poller = _schedules(minutes)["FeedPollerFunction"]

    assert (poller.expression, poller.every_seconds) == (expression, seconds)


def test_the_nightly_cron_is_not_run_on_a_timer_locally() -> None:
    assert _schedules("1")["NightlyFunction"].every_seconds is None


def test_the_local_scheduler_invokes_a_rate_schedule_again_and_again() -> None:
    calls: list[dict[str, Any]] = []
    twice = threading.Event()

    def invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
        calls.append({"function": function, **event})
        if len(calls) >= 2:
            twice.set()
        return {}

    schedule = Schedule("FeedPollerFunction", "rate(1 minute)")
    scheduler = LocalScheduler([schedule], invoke, every={"FeedPollerFunction": 0.01}).start()
    try:
        assert twice.wait(timeout=10)
    finally:
        scheduler.stop()

    assert {call["function"] for call in calls} == {"FeedPollerFunction"}
    assert calls[0]["source"] == "aws.scheduler"
