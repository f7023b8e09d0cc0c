"""`make run`: the local stack at http://localhost:8000 until Ctrl-C, with its queues consumed continuously.

Open a researcher's Orbit profile, press "Authorize export of content to ORCID", sign in at DTU's
sign-in (the OpenID provider stand-in), authorize on the ORCID stand-in, and watch the works arrive on
the stand-in ORCID record.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from types import FrameType

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
        for output in seed_outputs(RESEARCHERS, args.outputs_per_researcher):
            stack.orbit.put_output(output)
        for researcher in RESEARCHERS:  # each has an ORCID record to sign in with (not yet linked)
            stack.orcid.state.add_record(researcher.given_names, researcher.family_names, researcher.email)
        consumer = threading.Thread(
            target=consume_forever, args=(stack, stop), name="sqs-pollers", daemon=True
        )
        consumer.start()
        print(f"\n  Orbit → ORCID sync, local stack: {stack.base_url}")
        print(f"  ORCID stand-in: {stack.orcid_url}  ·  Orbit stand-in: {stack.orbit_url}")
        print(f"  DTU sign-in stand-in (OpenID provider): {stack.oidc_url}")
        print("  Ctrl-C stops it.\n")
        while not stop.is_set():
            time.sleep(0.2)
        print("\nstopping…")
        consumer.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
