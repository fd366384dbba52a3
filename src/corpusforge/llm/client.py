"""The one client: cached, retried, rate limited and counted (:class:`CachedClient`, from :func:`get_client`).

``CachedClient.chat`` looks the request up in the store's ``llm_cache`` (key: hash of backend, model,
messages, parameters and prompt version) and only on a miss sends it to the backend, with at most
``llm.concurrency`` requests in flight, an optional requests-per-minute limit, and retries with
exponential backoff and jitter on timeouts, 429, 5xx, connection errors and garbled bodies. When the
retries are spent it raises :class:`LLMError` with one line saying what failed. Identical requests in
flight at the same time are sent once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
import weakref
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from corpusforge.llm.backends import Backend, BackendError, ChatRequest, get_backend
from corpusforge.llm.base import Completion, LLMClient, LLMError, LLMStats
from corpusforge.llm.config import LLMConfig

if TYPE_CHECKING:
    from corpusforge.store.db import Store

log = logging.getLogger(__name__)

__all__ = ["CachedClient", "get_client", "request_key"]


def request_key(
    backend: str, model: str, messages: list[dict[str, str]], params: dict[str, Any], prompt_version: str = ""
) -> str:
    """The cache key of a request: sha256 of its canonical JSON."""
    blob = json.dumps(
        {
            "backend": backend,
            "model": model,
            "messages": messages,
            "params": params,
            "prompt_version": prompt_version,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def get_client(cfg: LLMConfig, store: Store | None = None, backend: Backend | None = None) -> LLMClient:
    """The client every stage uses: cached in ``store``, retried and rate limited as ``cfg`` says.

    Args:
        cfg: the ``llm`` config section.
        store: where requests and replies are cached (None: no cache).
        backend: a ready backend (default: the one ``cfg.backend`` names in
            :data:`~corpusforge.llm.backends.BACKENDS`).

    Raises:
        ValueError: an unknown backend, or a backend's missing option (one line naming the key).
    """
    return CachedClient(cfg, store, backend)


class _LoopState:
    """Per-event-loop primitives (asyncio locks and semaphores belong to one loop)."""

    def __init__(self, concurrency: int):
        self.sem = asyncio.Semaphore(concurrency)
        self.rate_lock = asyncio.Lock()
        self.inflight: dict[str, asyncio.Future[Completion]] = {}


class CachedClient:
    """Cached, retried, concurrent chat completions (an :class:`~corpusforge.llm.base.LLMClient`).

    Args:
        cfg: the ``llm`` config section.
        store: where requests and replies are cached (None: no cache).
        backend: a ready backend (default: ``get_backend(cfg)``).
    """

    def __init__(self, cfg: LLMConfig, store: Store | None = None, backend: Backend | None = None):
        self.cfg = cfg
        self.store = store
        self.backend = backend or get_backend(cfg)
        self.stats = LLMStats()
        # per event loop, dropped with it (an id() could be reused by the next loop)
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )
        self._next_slot = 0.0
        self._sync_loop: asyncio.AbstractEventLoop | None = None

    @property
    def model(self) -> str:
        """The backend's model name."""
        return self.backend.model

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        if loop not in self._states:
            self._states[loop] = _LoopState(self.cfg.concurrency)
        return self._states[loop]

    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        seed: int | None = None,
        prompt_version: str = "",
    ) -> Completion:
        """One chat completion, from the cache when the same request was answered before.

        Raises:
            LLMError: one line naming the backend and the failure, after the retries are spent.
        """
        req = ChatRequest(
            messages=[dict(m) for m in messages],
            temperature=self.cfg.temperature if temperature is None else temperature,
            max_tokens=max_tokens or self.cfg.max_tokens,
            schema=schema,
            seed=self.cfg.seed if seed is None else seed,
        )
        params = {
            "temperature": req.temperature,
            "max_tokens": req.max_tokens,
            "schema": schema,
            "seed": req.seed,
        }
        key = request_key(self.backend.name, self.model, req.messages, params, prompt_version)
        hit = self._cached(key)
        if hit is not None:
            return hit
        state = self._state()
        while (pending := state.inflight.get(key)) is not None:  # the same request is already on its way
            try:
                done = await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # we were cancelled ourselves
                continue  # its sender was cancelled: send it ourselves
            self.stats.cached += 1
            return Completion(**{**asdict(done), "cached": True})
        fut: asyncio.Future[Completion] = asyncio.get_running_loop().create_future()
        state.inflight[key] = fut
        try:
            comp = await self._send(req, key, params, prompt_version)
            fut.set_result(comp)
            return comp
        except asyncio.CancelledError:
            fut.cancel()
            raise
        except BaseException as e:
            fut.set_exception(e)
            fut.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del state.inflight[key]

    def _cached(self, key: str) -> Completion | None:
        if self.store is None:
            return None
        row = self.store.cache_reply(key)
        if row is None:
            return None
        self.stats.cached += 1
        return Completion(
            text=row["response"]["text"],
            finish_reason=row["finish_reason"] or "stop",
            tokens_in=row["tokens_in"] or 0,
            tokens_out=row["tokens_out"] or 0,
            cached=True,
            key=key,
            backend=row["backend"],
            model=row["model"],
        )

    async def _send(
        self, req: ChatRequest, key: str, params: dict[str, Any], prompt_version: str
    ) -> Completion:
        state = self._state()
        attempt = 0
        while True:
            async with state.sem:
                await self._wait_rate(state)
                t0 = time.monotonic()
                self.stats.requests += 1
                try:
                    if self.backend.client_timeout:
                        reply = await asyncio.wait_for(self.backend.complete(req), self.cfg.timeout)
                    else:
                        reply = await self.backend.complete(req)
                    error = None
                except TimeoutError:
                    error = BackendError(
                        f"{self.backend.name}: timed out after {self.cfg.timeout:g}s", retryable=True
                    )
                except BackendError as e:
                    error = e
                except (
                    Exception
                ) as e:  # a backend bug or an unmapped library error: fail the request, not the run
                    error = BackendError(f"{self.backend.name}: {type(e).__name__}: {e}", retryable=False)
                duration = time.monotonic() - t0
                self.stats.seconds += duration
            if error is None:
                if state.sem.locked():  # requests wait for this slot: let the next one go out first
                    await asyncio.sleep(0)
                break
            self.stats.errors += 1
            if not error.retryable or attempt >= self.cfg.retries:
                tries = f" after {attempt + 1} attempts" if attempt else ""
                raise LLMError(f"LLM request failed{tries}: {error}") from None
            delay = min(self.cfg.backoff_max, self.cfg.backoff * 2**attempt) * random.uniform(0.5, 1.0)
            attempt += 1
            self.stats.retries += 1
            log.warning("%s; retry %d/%d in %.1fs", error, attempt, self.cfg.retries, delay)
            await asyncio.sleep(delay)
        self.stats.tokens_in += reply.tokens_in
        self.stats.tokens_out += reply.tokens_out
        if self.store is not None:
            request = {"messages": req.messages, "params": params, "prompt_version": prompt_version}
            self.store.cache_put(
                key,
                backend=self.backend.name,
                model=self.model,
                request=request,
                response={"text": reply.text},
                finish_reason=reply.finish_reason,
                tokens_in=reply.tokens_in,
                tokens_out=reply.tokens_out,
                duration=duration,
            )
        return Completion(
            text=reply.text,
            finish_reason=reply.finish_reason,
            tokens_in=reply.tokens_in,
            tokens_out=reply.tokens_out,
            cached=False,
            key=key,
            backend=self.backend.name,
            model=self.model,
        )

    async def _wait_rate(self, state: _LoopState) -> None:
        if not self.cfg.rpm:
            return
        async with state.rate_lock:
            now = time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + 60.0 / self.cfg.rpm
        if wait > 0:
            await asyncio.sleep(wait)

    def chat_sync(self, messages: list[dict[str, str]], **kwargs: Any) -> Completion:
        """Blocking :meth:`chat` (same arguments), on a private event loop kept across calls."""
        if self._sync_loop is None or self._sync_loop.is_closed():
            self._sync_loop = asyncio.new_event_loop()
        return self._sync_loop.run_until_complete(self.chat(messages, **kwargs))

    async def aclose(self) -> None:
        """Close the backend's connections for the running event loop."""
        await self.backend.aclose()

    def close(self) -> None:
        """Close the private loop used by :meth:`chat_sync` (and its connections)."""
        if self._sync_loop is not None and not self._sync_loop.is_closed():
            self._sync_loop.run_until_complete(self.backend.aclose())
            self._sync_loop.close()
        self._sync_loop = None
