"""Serve a WSGI app on loopback in a background thread, and stop it cleanly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

WSGIApp = Callable[..., Any]


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(app: WSGIApp, port: int = 0, host: str = "127.0.0.1") -> RunningServer:
    """Start serving `app` at host:port (0 = any free port). Loopback only, by design."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"wsgi:{server.server_port}", daemon=True)
    thread.start()
    return RunningServer(server, thread)
