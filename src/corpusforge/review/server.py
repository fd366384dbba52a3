"""Serve the review app with uvicorn, refusing non-loopback addresses without a token."""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from corpusforge.review.security import check_bind, is_loopback
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)


def review_url(host: str, port: int, token: str | None = None) -> str:
    """The URL to open (with ``?token=`` when one is needed)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def port_free(host: str, port: int) -> bool:
    """True when ``host:port`` can be bound now (checked before starting uvicorn, for a one-line error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class RunningServer:
    """A review server running in a background thread (for tests and notebooks)."""

    server: Any
    thread: threading.Thread
    host: str
    port: int
    token: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL of the running server (no token)."""
        return review_url(self.host, self.port)

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _server(ws: Workspace, host: str, port: int, token: str | None) -> Any:
    import uvicorn

    from corpusforge.review.app import create_app

    check_bind(host, token)
    if not is_loopback(host):
        log.warning("serving on %s: anyone who can reach it and knows the token can edit samples", host)
    config = uvicorn.Config(
        create_app(ws, token=token),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
    return uvicorn.Server(config)


def serve(ws: Workspace, host: str = "127.0.0.1", port: int = 8765, token: str | None = None) -> None:
    """Run the review app until interrupted.

    Raises:
        corpusforge.review.security.BindError: a non-loopback ``host`` without ``token``.
    """
    _server(ws, host, port, token).run()


def start_in_thread(
    ws: Workspace, host: str = "127.0.0.1", port: int = 0, token: str | None = None, timeout: float = 20.0
) -> RunningServer:
    """Start the app in a daemon thread and wait until it listens (``port=0`` picks a free port)."""
    import time

    server = _server(ws, host, port, token)
    thread = threading.Thread(target=server.run, name="corpusforge-review", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the review server did not start on {host}:{port}")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, thread, host, int(bound), token)
