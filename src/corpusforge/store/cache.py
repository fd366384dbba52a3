"""The LLM response cache (``llm_cache`` table): one row per request key."""

from __future__ import annotations

import json
import time
from typing import Any

from corpusforge.store.base import StoreBase
from corpusforge.store.codec import dump


class CacheMixin(StoreBase):
    """Reads and writes of cached LLM replies."""

    def cache_get(self, key: str) -> dict[str, Any] | None:
        """A cached LLM reply by request key, or None."""
        r = self.conn.execute("SELECT * FROM llm_cache WHERE key=?", (key,)).fetchone()
        if r is None:
            return None
        d = dict(r)
        d["request"], d["response"] = json.loads(d["request"]), json.loads(d["response"])
        return d

    def cache_reply(self, key: str) -> dict[str, Any] | None:
        """A cached reply by request key without its request (not decoded): what a cache hit needs."""
        r = self.conn.execute(
            "SELECT backend, model, response, finish_reason, tokens_in, tokens_out FROM llm_cache WHERE key=?",
            (key,),
        ).fetchone()
        if r is None:
            return None
        d = dict(r)
        d["response"] = json.loads(d["response"])
        return d

    def cache_put(
        self,
        key: str,
        *,
        backend: str,
        model: str,
        request: Any,
        response: Any,
        finish_reason: str | None,
        tokens_in: int,
        tokens_out: int,
        duration: float,
    ) -> None:
        """Store one LLM request/reply (the request must hold no secret)."""
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO llm_cache (key, backend, model, request, response, finish_reason,"
                " tokens_in, tokens_out, duration, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    key,
                    backend,
                    model,
                    dump(request),
                    dump(response),
                    finish_reason,
                    tokens_in,
                    tokens_out,
                    duration,
                    time.time(),
                ),
            )
