"""Serve any WSGI app on loopback in a daemon thread, for tests and demos.

    with serving(app) as base_url:
        requests.get(f"{base_url}/v3.0/...")

or `base_url, stop = serve_in_thread(app)` ... `stop()`. Loopback only, on a free ephemeral port.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server

WSGIApp = Callable[..., Any]


def serve_in_thread(app: WSGIApp, host: str = "127.0.0.1") -> tuple[str, Callable[[], None]]:
    """Start serving `app`; returns its base URL (no trailing slash) and a function that stops it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(host, 0, app, threaded=True)
    # A short poll interval lets `stop` return promptly (shutdown waits for the loop to look).
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.02},
        name=f"wsgi:{server.server_port}",
        daemon=True,
    )
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://{host}:{server.server_port}", stop


@contextmanager
def serving(app: WSGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` for the duration of the block; yields the base URL."""
    base_url, stop = serve_in_thread(app, host)
    try:
        yield base_url
    finally:
        stop()
