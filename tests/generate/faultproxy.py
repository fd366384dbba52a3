"""A small fault-injecting HTTP proxy for tests: sits in front of a real server and misbehaves on demand.

Faults: an HTTP status such as ``"500"``, ``"429"`` or ``"404"`` (that status with a JSON error body), ``"badjson"`` (200 with a body that
is not JSON), ``"slow"`` (waits ``delay`` seconds before forwarding), ``"drop"`` (closes the connection
without answering). ``fail_next`` says how many requests get the fault (-1: all of them); the rest are
forwarded untouched. ``requests`` counts every request that reached the proxy, ``forwarded`` those that
reached the server; ``max_inflight`` the most requests handled at the same time.
"""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FaultProxy:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is the base URL to give clients."""

    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.fault: str | None = None
        self.fail_next = 0
        self.delay = 2.0
        self.requests = 0
        self.forwarded = 0
        self.paths: list[str] = []
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.inflight = 0
        self.generation = 0  # bumped by set(): stragglers from an earlier test are not counted
        self.max_inflight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the proxy (``http://127.0.0.1:<port>/v1``)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FaultProxy:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        self._server.shutdown()
        self._server.server_close()

    def set(self, fault: str | None, fail_next: int = -1, delay: float = 2.0) -> None:
        """Arm a fault for the next ``fail_next`` requests (-1: until changed) and reset the counters."""
        with self._lock:
            self.fault, self.fail_next, self.delay = fault, fail_next, delay
            self.generation += 1
            self.requests = self.forwarded = self.max_inflight = 0
            self.paths.clear()
            self.bodies.clear()
            self.headers.clear()

    def _take_fault(self) -> str | None:
        with self._lock:
            self.requests += 1
            if self.fault is None or self.fail_next == 0:
                return None
            if self.fail_next > 0:
                self.fail_next -= 1
            return self.fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _reply(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.paths.append(self.path)
                    proxy.bodies.append(body)
                    proxy.headers.append(dict(self.headers.items()))
                    proxy.inflight += 1
                    proxy.max_inflight = max(proxy.max_inflight, proxy.inflight)
                try:
                    self._misbehave(body)
                finally:
                    with proxy._lock:
                        proxy.inflight -= 1

            def _misbehave(self, body: bytes) -> None:
                fault = proxy._take_fault()
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault is not None and fault.isdigit():
                    self._reply(
                        int(fault), b'{"error": {"message": "injected fault", "type": "server_error"}}'
                    )
                    return
                if fault == "badjson":
                    self._reply(200, b'{"id": "x", "choices": [ {"message": oops this is not json')
                    return
                gen = proxy.generation
                if fault == "slow":
                    time.sleep(proxy.delay)
                    if gen != proxy.generation:  # the test that armed this is over
                        self.close_connection = True
                        return
                self._forward(body, gen)

            def _forward(self, body: bytes, gen: int) -> None:
                up = proxy.upstream
                conn = http.client.HTTPConnection(up.hostname, up.port, timeout=300)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                try:
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    with proxy._lock:
                        proxy.forwarded += gen == proxy.generation
                    self._reply(resp.status, data, resp.getheader("Content-Type") or "application/json")
                except OSError:  # the client went away (e.g. timed out) or the server did
                    self.close_connection = True
                finally:
                    conn.close()

            do_GET = do_POST = _handle  # noqa: N815

        return Handler
