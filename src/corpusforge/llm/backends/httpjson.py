"""JSON over HTTP for the OpenAI-compatible backend: one POST or GET, its failures as :class:`BackendError`.

The chat completions call goes straight through an httpx ``AsyncClient`` (no SDK: building a request
through the ``openai`` SDK cost about 1.4 ms of CPU, more than everything else a request costs here).
``httpx2`` is used when installed (current ``openai`` releases depend on it): the connection pool of
httpx 0.2x spends time proportional to its connections on every request, 13 ms of CPU per request at
128 connections against 1 ms for httpx2. Failures map onto the lines the SDK gave: ``timed out after
Ns``, ``cannot connect (...)``, ``HTTP <code>: <the server's error.message>``, ``invalid response body``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from corpusforge.llm.backends.base import BackendError


def httpx_module() -> Any:
    """``httpx2`` when installed, else ``httpx`` (the same API; see the module docstring). Imported on
    first use: a command that sends no request does not pay for it."""
    try:
        import httpx2

        return httpx2
    except ImportError:  # pragma: no cover - depends on the installed openai release
        import httpx

        return httpx


def short(text: Any, n: int = 160) -> str:
    """One line of at most ``n`` characters."""
    s = " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1] + "…"


@cache
def ssl_context() -> Any:
    """httpx's default TLS context (certifi, or ``SSL_CERT_FILE``), made once: it takes about 15 ms to
    build, which every new client would pay again."""
    return httpx_module().create_ssl_context()


def make_client(timeout: float, api_key: str, concurrency: int) -> Any:
    """An ``AsyncClient`` sending ``Authorization: Bearer <api_key>``, ``timeout`` seconds per phase."""
    httpx = httpx_module()
    keep = max(16, concurrency)
    return httpx.AsyncClient(
        verify=ssl_context(),
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=keep),
        headers={
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "corpusforge",
        },
    )


def status_message(resp: Any) -> str:
    """The server's ``error.message`` (or ``message``) from a JSON error body, else ``Error code: N``."""
    try:
        body = json.loads(resp.text.strip())
    except ValueError:
        body = None
    err = body.get("error", body) if isinstance(body, dict) else None
    msg = err.get("message") if isinstance(err, dict) else None
    return msg if isinstance(msg, str) and msg else f"Error code: {resp.status_code}"


async def request_json(
    client: Any, method: str, url: str, where: str, timeout: float, body: bytes | None = None
) -> Any:
    """Send one request and return the decoded JSON reply.

    Raises:
        BackendError: timeouts, connection failures, 408/409/429/5xx and garbled bodies are retryable;
            other HTTP statuses are not (``status`` set for every HTTP status).
    """
    httpx = httpx_module()
    headers = {"Content-Type": "application/json"} if body is not None else None
    try:
        resp = await client.request(
            method, url, content=body, headers=headers, timeout=httpx.Timeout(timeout)
        )
    except httpx.TimeoutException:
        raise BackendError(f"{where}: timed out after {timeout:g}s", retryable=True) from None
    except httpx.HTTPError as e:  # connection refused, reset, closed without a reply, protocol errors
        raise BackendError(f"{where}: cannot connect ({short(e)})", retryable=True) from None
    code = resp.status_code
    if code >= 400:
        msg = re.sub(r"^Error code: \d+ - ", "", status_message(resp))
        retry = code in (408, 409, 429) or code >= 500
        raise BackendError(f"{where}: HTTP {code}: {short(msg)}", retryable=retry, status=code)
    try:
        return json.loads(resp.content)
    except ValueError as e:
        raise BackendError(f"{where}: invalid response body ({short(e)})", retryable=True) from None
