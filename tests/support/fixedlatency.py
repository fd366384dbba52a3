"""A real OpenAI-compatible HTTP server on 127.0.0.1 that answers after a fixed latency (tests, benches).

Plain asyncio streams in a background thread (stdlib only; HTTP/1.1 keep-alive), so hundreds of requests
can wait out their latency at once. Configurable: ``latency`` (seconds per chat request), errors
(``error_rate`` with a seeded RNG, or exactly the next ``fail_next`` requests, answered ``error_status``),
``die_after`` (the server kills itself, in-flight requests included, when request N+1 arrives), and the
reply ``shape``:

- ``qa``: a valid qa reply built from the passage in the prompt (each pair quotes one of its sentences
  as answer and evidence), so the same request gets the same reply from any server;
- ``truncated``: that reply cut in half, ``finish_reason: length``;
- ``empty``: an empty message; ``prose``: a sentence no task can use;
- or any callable ``body -> str``.

It counts chat requests (``requests``), probes (``gets``) and the most in flight (``max_inflight``).
:meth:`kill` drops the listener and every connection (the port refuses), :meth:`revive` listens on the
same port again. Run as a script (``python tests/support/fixedlatency.py --latency 0.2``) it prints its
``/v1`` URL and serves until killed; :func:`spawn` does that from Python (a process of its own, for benches).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

SEPARATOR = "\n\n---\n\n"  # between the passage and the request (generate/prompts/common.*.yaml)
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def passage_sentences(text: str) -> list[str]:
    """The sentences of the passage at the head of a user message (its ``Source:`` line dropped)."""
    head = text.split(SEPARATOR, 1)[0]
    body = "\n".join(line for line in head.splitlines() if not line.startswith("Source:"))
    return [s.strip() for s in _SENTENCE.split(body) if len(s.strip()) > 3]


def qa_reply(body: dict[str, Any]) -> str:
    """A qa reply grounded in the prompt's passage: up to n pairs, one per sentence."""
    user = next((m["content"] for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
    found = re.search(r"(?:Write|写)\s*(\d+)", user)
    n = int(found.group(1)) if found else 2
    pairs = []
    for s in passage_sentences(user)[:n]:
        words = " ".join(s.split()[:6]).rstrip(".,;:")
        pairs.append({"question": f"What does the passage say about {words}?", "answer": s, "evidence": s})
    return json.dumps({"pairs": pairs}, ensure_ascii=False)


SHAPES: dict[str, Callable[[dict[str, Any]], str]] = {
    "qa": qa_reply,
    "truncated": lambda body: (t := qa_reply(body))[: len(t) // 2],
    "empty": lambda body: "",
    "prose": lambda body: "Sorry, I can only chat about the weather today.",
}


class FixedLatencyServer:
    """See the module docstring. Use as a context manager, or :meth:`start` / :meth:`close`."""

    def __init__(
        self,
        latency: float = 0.0,
        *,
        shape: str | Callable[[dict[str, Any]], str] = "qa",
        error_rate: float = 0.0,
        error_status: int = 500,
        fail_next: int = 0,
        die_after: int = 0,
        seed: int = 0,
        port: int = 0,
    ):
        self.latency, self.shape = latency, shape
        self.error_rate, self.error_status, self.fail_next = error_rate, error_status, fail_next
        self.die_after = die_after
        self.port = port
        self.rng = random.Random(seed)
        self.requests = self.gets = self.errors = self.inflight = self.max_inflight = 0
        self.alive = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._conns: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """The ``/v1`` base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FixedLatencyServer:
        """Start the loop thread and listen."""
        self._thread.start()
        self.revive()
        return self

    def revive(self) -> None:
        """Listen (again) on the same port."""
        self._call(self._listen())

    def kill(self) -> None:
        """Stop listening and drop every connection, requests in flight included."""
        self._call(self._kill())

    def close(self) -> None:
        """Kill and stop the loop thread."""
        if self._thread.is_alive():
            self.kill()
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> FixedLatencyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, coro: Any) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True, backlog=1024
        )  # hundreds of clients connect at once: a short accept queue would stall them for seconds
        self.port = self._server.sockets[0].getsockname()[1]
        self.alive = True

    async def _kill(self) -> None:
        self.alive = False
        if self._server is not None:
            self._server.close()
            self._server = None
        for w in list(self._conns):
            w.transport.abort()
        self._conns.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._conns.add(writer)
        try:
            while self.alive:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                headers = {
                    k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)
                }
                raw = await reader.readexactly(int(headers.get("content-length", 0) or 0))
                status, obj = await self._answer(method, path, raw)
                if status == 0:  # killed meanwhile
                    return
                data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._conns.discard(writer)
            writer.transport.abort()

    async def _answer(self, method: str, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        if method == "GET":
            self.gets += 1
            return 200, {"object": "list", "data": [{"id": "fixed", "object": "model"}]}
        self.requests += 1
        if self.die_after and self.requests > self.die_after:
            await self._kill()
            return 0, {}
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.inflight -= 1
        if not self.alive:
            return 0, {}
        if self.fail_next > 0 or (self.error_rate and self.rng.random() < self.error_rate):
            self.fail_next = max(0, self.fail_next - 1)
            self.errors += 1
            return self.error_status, {"error": {"message": "injected failure", "type": "server_error"}}
        body = json.loads(raw or b"{}")
        make = SHAPES[self.shape] if isinstance(self.shape, str) else self.shape
        content = make(body)
        finish = "length" if self.shape == "truncated" else "stop"
        prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
        return 200, {
            "id": f"fx-{self.requests}",
            "object": "chat.completion",
            "model": body.get("model", "fixed"),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}
            ],
            "usage": {
                "prompt_tokens": prompt_chars // 4,
                "completion_tokens": len(content) // 4,
                "total_tokens": (prompt_chars + len(content)) // 4,
            },
        }


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(latency: float, *args: str) -> tuple[subprocess.Popen[str], str]:
    """This module as a server process of its own (``args``: more CLI flags); returns (process, /v1 URL)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--latency", str(latency), *args], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def main() -> None:
    """Serve until killed, printing the ``/v1`` URL first."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--shape", default="qa", choices=sorted(SHAPES))
    ap.add_argument("--error-rate", type=float, default=0.0)
    ap.add_argument("--error-status", type=int, default=500)
    a = ap.parse_args()
    srv = FixedLatencyServer(
        a.latency, shape=a.shape, error_rate=a.error_rate, error_status=a.error_status, port=a.port
    ).start()
    print(srv.url, flush=True)  # noqa: T201 (a script's output)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.close()


if __name__ == "__main__":
    main()
