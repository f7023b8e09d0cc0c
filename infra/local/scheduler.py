"""EventBridge Scheduler, stood in: each `rate(...)` schedule of template.yaml invokes its function at
that rate, in a background thread, as the deployed schedule would (the change-feed poller, every minute
by default). Cron schedules (the nightly run) are invoked on demand instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from infra.local.template import Schedule

log = logging.getLogger("local")

SCHEDULER_EVENT = {"source": "aws.scheduler", "detail-type": "Scheduled Event"}


class LocalScheduler:
    def __init__(
        self,
        schedules: list[Schedule],
        invoke: Callable[[str, dict[str, Any]], Any],
        on_result: Callable[[str, Any], None] | None = None,
        every: dict[str, float] | None = None,
    ) -> None:
        """`every` overrides a function's rate in seconds (the benchmarks' smoke test shortens it)."""
        self._due = {s.function: s.every_seconds for s in schedules if s.every_seconds is not None}
        self._due.update(every or {})
        self._invoke = invoke
        self._on_result = on_result
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def functions(self) -> dict[str, float]:
        """Function → seconds between invocations."""
        return {name: float(every) for name, every in self._due.items() if every is not None}

    def start(self) -> LocalScheduler:
        self._thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=90)

    def _run(self) -> None:
        started = time.monotonic()
        next_at = {name: started + every for name, every in self.functions.items()}
        while next_at and not self._stop.is_set():
            name = min(next_at, key=next_at.__getitem__)
            if self._stop.wait(max(0.0, next_at[name] - time.monotonic())):
                return
            next_at[name] += self.functions[name]
            try:
                result = self._invoke(name, dict(SCHEDULER_EVENT))
            except Exception:  # a failed run is the function's problem, as on AWS; the schedule goes on
                log.exception("scheduled %s failed", name)
                continue
            if self._on_result is not None:
                self._on_result(name, result)
