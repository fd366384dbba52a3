"""Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, SGLang, DeepSeek, DashScope) over HTTP.

Requests are spread over the servers of ``llm.openai.base_url`` by :class:`EndpointPool` (least loaded
first, per-server weight and concurrency cap; a retry goes to a server not tried yet; a server that keeps
failing is taken out and probed with ``GET /models`` later).
The API key is read from the environment variable named by ``llm.openai.api_key_env`` when the client is built and
kept only inside the HTTP client's headers: it never reaches the cache, the logs or an error message.
Requests go out as plain JSON POSTs to ``<base_url>/chat/completions`` (:mod:`.httpjson`), the body the
``openai`` SDK would send.

A JSON schema is sent as ``response_format``. In ``auto`` mode a server that refuses ``json_schema``
(HTTP 400/422, or an error naming response_format) is asked again with ``json_object`` + schema (llama-cpp-python's server), then with no
response format (the reply is then parsed and repaired); the working mode is remembered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import weakref
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from corpusforge.configbase import Section
from corpusforge.llm.backends.base import Backend, BackendError, ChatRequest, RawReply
from corpusforge.llm.backends.endpoints import Endpoint, EndpointPool, EndpointState
from corpusforge.llm.backends.httpjson import make_client, request_json, short
from corpusforge.redact import remember

if TYPE_CHECKING:
    from corpusforge.llm.config import LLMConfig

log = logging.getLogger(__name__)

_MODES = ["json_schema", "json_object", "none"]
SHARD = 16  # connections per HTTP connection pool (see OpenAIBackend._client)


class OpenAIOptions(Section):
    """``llm.openai``: options of the OpenAI-compatible HTTP backend."""

    base_url: list[Endpoint] = Field(
        default_factory=list,
        description="OpenAI-compatible base URLs: one string, or a list of URLs or of {url, weight, "
        "max_concurrency}; each request goes to the least-loaded server (in flight / weight).",
    )
    api_key_env: str = Field(
        "OPENAI_API_KEY", description="Environment variable holding the API key (never stored or logged)."
    )
    response_format: Literal["auto", "json_schema", "json_object", "none"] = Field(
        "auto",
        description="How a JSON schema is sent: auto tries json_schema, then json_object with "
        "schema, then none (parse and repair) when the server refuses.",
    )
    eject_after: int = Field(
        3,
        ge=1,
        description="Failures in a row (connection error, timeout, 5xx) after which a server is taken "
        "out of rotation; the run goes on with the others.",
    )
    probe_after: float = Field(
        10.0,
        gt=0,
        le=300,
        description="Seconds before a server out of rotation is probed (GET /models); the delay "
        "doubles after each failed probe, up to 300 s.",
    )

    @field_validator("base_url", mode="before")
    @classmethod
    def _urls(cls, v: Any) -> Any:
        """A single string is a list of one; a string entry is ``{url: <string>}``."""
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, (list, tuple)):
            return v
        for e in v:
            if not isinstance(e, (str, dict, Endpoint)):
                raise PydanticCustomError(
                    "endpoint",
                    "each entry is a URL or {url, weight, max_concurrency}, not {got}",
                    {"got": repr(e)},
                )
        return [{"url": e} if isinstance(e, str) else e for e in v]


class OpenAIBackend(Backend):
    """Chat completions over HTTP (httpx), as the official ``openai`` SDK sends them."""

    name = "openai"
    client_timeout = False  # the HTTP client enforces llm.timeout per request

    def __init__(self, cfg: LLMConfig):
        super().__init__(cfg)
        self.opts: OpenAIOptions = cfg.openai
        if not self.opts.base_url:
            raise ValueError("llm.openai.base_url: the openai backend needs at least one base URL")
        self.pool = EndpointPool.build(self.opts.base_url, self.opts.eject_after, self.opts.probe_after)
        self.urls = [e.url for e in self.pool.endpoints]
        self._probes: set[asyncio.Task[None]] = set()
        # event loop -> {url: [httpx AsyncClient, ...]}; an HTTP client belongs to the loop it was made in
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, list[Any]]] = (
            weakref.WeakKeyDictionary()
        )
        self._turn = 0
        self.mode: str = "json_schema" if self.opts.response_format == "auto" else self.opts.response_format

    @property
    def model(self) -> str:
        """The configured model name (``default`` when empty: single-model servers ignore it)."""
        return self.cfg.model or "default"

    def _client(self, url: str) -> Any:
        """An HTTP client for ``url``: requests take the server's :data:`SHARD`-connection pools in turn.

        httpx's pool looks at every one of its connections for each request it sends: one pool of 128
        connections costs about 0.3 ms of CPU a request more than eight pools of 16 (bench/generate.py --fleet).
        """
        clients = self._clients.setdefault(asyncio.get_running_loop(), {})
        shards = clients.get(url)
        if shards is None:
            api_key = os.environ.get(self.opts.api_key_env) or "no-key"
            remember(api_key)
            n = max(1, -(-self.cfg.concurrency // SHARD))
            per = -(-self.cfg.concurrency // n)
            shards = clients[url] = [make_client(self.cfg.timeout, api_key, per) for _ in range(n)]
        if len(shards) == 1:
            return shards[0]
        self._turn += 1
        return shards[self._turn % len(shards)]

    def _response_format(self, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema is None or self.mode == "none":
            return None
        if self.mode == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}}

    async def complete(self, req: ChatRequest) -> RawReply:
        """Send one request to the least-loaded server in rotation (one not in ``req.tried`` if possible)."""
        self._start_probes()
        async with self.pool.slot(req.tried) as ep:
            req.tried.append(ep.url)
            while True:
                mode = self.mode
                try:
                    reply = await self._send(ep.url, req)
                except BackendError as e:
                    # llama-cpp-python's server answers a refused response_format with 500, not 400/422
                    refused = (
                        req.schema is not None
                        and mode != "none"
                        and e.status is not None
                        and (e.status in (400, 422) or "response_format" in str(e))
                    )
                    if refused and self.opts.response_format == "auto":
                        if self.mode == mode:  # another request may have downgraded already
                            self.mode = _MODES[_MODES.index(mode) + 1]
                            log.warning("%s refused response_format %s; using %s", ep.url, mode, self.mode)
                        continue
                    if e.retryable and (e.status is None or e.status >= 500):
                        self.pool.failed(ep, str(e))
                    raise
                self.pool.succeeded(ep)
                return reply

    def _start_probes(self) -> None:
        """Probe, in the background, each server out of rotation whose back-off is over."""
        for ep in self.pool.due():
            ep.probing = True
            task = asyncio.get_running_loop().create_task(self._probe(ep))
            self._probes.add(task)
            task.add_done_callback(self._probes.discard)

    async def _probe(self, ep: EndpointState) -> None:
        """``GET /models`` at ``ep``: any answer below 500 puts it back in rotation."""
        try:
            await request_json(
                self._client(ep.url), "GET", ep.url + "/models", "probe", min(self.cfg.timeout, 10.0)
            )
        except BackendError as e:
            if e.status is not None and e.status < 500:
                self.pool.succeeded(ep)  # it answers; /models may just not exist there
            else:
                self.pool.failed(ep, f"probe: HTTP {e.status}" if e.status else f"probe: {short(e, 80)}")
        except (OSError, ValueError) as e:
            self.pool.failed(ep, f"probe: {short(e, 80)}")
        else:
            self.pool.succeeded(ep)
        finally:
            ep.probing = False

    def _body(self, req: ChatRequest) -> bytes:
        """The JSON body of a chat completions request (the keys the SDK sent)."""
        body: dict[str, Any] = {
            "messages": req.messages,
            "model": self.model,
            "max_tokens": req.max_tokens,
        }
        rf = self._response_format(req.schema)
        if rf is not None:
            body["response_format"] = rf
        if req.seed is not None:
            body["seed"] = req.seed
        body["temperature"] = req.temperature
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    async def _send(self, url: str, req: ChatRequest) -> RawReply:
        where = f"openai {url}"
        out = await request_json(
            self._client(url), "POST", url + "/chat/completions", where, self.cfg.timeout, self._body(req)
        )
        return self._reply(where, out)

    @staticmethod
    def _reply(where: str, out: Any) -> RawReply:
        choices = out.get("choices") if isinstance(out, dict) else None
        first = choices[0] if isinstance(choices, list) and choices else None
        message = first.get("message") if isinstance(first, dict) else None
        if not isinstance(message, dict):
            raise BackendError(f"{where}: invalid response body (no choices)", retryable=True)
        usage = out.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        return RawReply(
            text=message.get("content") or "",
            finish_reason=first.get("finish_reason") or "stop",  # type: ignore[union-attr]
            tokens_in=int(usage.get("prompt_tokens") or 0),
            tokens_out=int(usage.get("completion_tokens") or 0),
        )

    async def aclose(self) -> None:
        """Close the HTTP clients that belong to the running event loop (and cancel its probes)."""
        loop = asyncio.get_running_loop()
        for task in [t for t in self._probes if t.get_loop() is loop]:
            task.cancel()
        for shards in self._clients.pop(asyncio.get_running_loop(), {}).values():
            for client in shards:
                await client.aclose()
