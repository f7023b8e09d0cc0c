"""`make run`: the local stack at http://localhost:8000 until Ctrl-C, with its queues consumed continuously
and the change-feed poller invoked on its schedule from template.yaml (every minute by default).

Open a researcher's Orbit profile, press "Authorize export of content to ORCID", sign in at DTU's
sign-in (the OpenID provider stand-in), authorize on the ORCID stand-in, and watch the works arrive on
the stand-in ORCID record. Edits in the Orbit stand-in reach ORCID only through Orbit's change feed,
as in production.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from infra.local.queues import DrainReport
from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import seed_outputs
from infra.orbit_standin.people import RESEARCHERS

log = logging.getLogger("local")


def consume_forever(stack: LocalStack, stop: threading.Event, idle_seconds: float = 0.3) -> None:
    """Lambda's SQS pollers, stood in: poll every queue the template wires to a function."""
    while not stop.is_set():
        handled = 0
        for consumer in stack.queues.consumers:
            report = DrainReport()
            try:
                count = stack.queues.poll(consumer, report)
            except Exception:  # keep polling; the traceback is in the log
                log.exception("polling %s failed", consumer.queue)
                continue
            if count:
                log.info(
                    "%s ← %s: %d message(s), %d failed",
                    consumer.function,
                    consumer.queue,
                    count,
                    report.failed,
                )
            handled += count
        if not handled:
            stop.wait(idle_seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--outputs-per-researcher", type=int, default=10)
    args = parser.parse_args()
    # Our own one-line summaries at INFO; libraries (botocore, werkzeug) only when something is wrong.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with LocalStack(
        http_port=args.port, public_host="localhost", parameters={"LogLevel": "WARNING"}
    ) as stack:
        stack.orbit.seed(seed_outputs(RESEARCHERS, args.outputs_per_researcher))
        for researcher in RESEARCHERS:  # each has an ORCID record to sign in with (not yet linked)
            stack.orcid.state.add_record(researcher.given_names, researcher.family_names, researcher.email)
        consumer = threading.Thread(
            target=consume_forever, args=(stack, stop), name="sqs-pollers", daemon=True
        )
        consumer.start()
        scheduler = stack.scheduler(on_result=_log_poll).start()
        print(f"\n  Orbit → ORCID sync, local stack: {stack.base_url}")
        print(f"  ORCID stand-in: {stack.orcid_url}  ·  Orbit stand-in: {stack.orbit_url}")
        print(f"  DTU sign-in stand-in (OpenID provider): {stack.oidc_url}")
        for function, every in scheduler.functions.items():
            print(f"  {function} runs every {every:.0f} s (its schedule in template.yaml)")
        print("  Ctrl-C stops it.\n")
        while not stop.is_set():
            time.sleep(0.2)
        print("\nstopping…")
        consumer.join(timeout=10)
        scheduler.stop()
    return 0


def _log_poll(function: str, result: Any) -> None:
    if isinstance(result, dict) and (result.get("pages", 0) > 1 or sum(result.get("families", {}).values())):
        log.info(
            "%s: %d page(s), changes %s, %d output event(s), %d person job(s)%s",
            function,
            result["pages"],
            result["families"],
            result["outputs_sent"],
            result["person_jobs"],
            f", failed: {result['failure']}" if result.get("failure") else "",
        )
    elif isinstance(result, dict) and result.get("failure"):
        log.warning("%s: Orbit's change feed failed: %s", function, result["failure"])


if __name__ == "__main__":
    raise SystemExit(main())
