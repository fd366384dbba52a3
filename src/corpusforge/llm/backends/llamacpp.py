"""In-process llama-cpp-python backend; the default model is the embedded SmolLM2 GGUF.

One ``Llama`` instance per process, shared by every client and guarded by a lock (llama.cpp contexts
are not thread-safe); the blocking generation runs in a worker thread so the event loop stays free.
A JSON schema is enforced by llama.cpp's grammar through ``response_format={"type": "json_object",
"schema": ...}``.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from corpusforge.configbase import Section
from corpusforge.llm.backends.base import Backend, BackendError, ChatRequest, RawReply

if TYPE_CHECKING:
    from corpusforge.llm.config import LLMConfig

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_LLAMA: dict[str, Any] = {}  # at most one entry: {load key: Llama}


def _release_locked() -> None:
    for llm in _LLAMA.values():
        llm.close()
    _LLAMA.clear()


@atexit.register
def _release() -> None:
    """Free the model before interpreter shutdown (llama.cpp's finaliser fails once modules are gone)."""
    with _LOCK:
        _release_locked()


def _load(path: str, n_ctx: int, n_threads: int) -> Any:
    """The process-wide Llama for (path, n_ctx, n_threads), loading it (and dropping another) if needed.

    Must be called with ``_LOCK`` held.
    """
    key = f"{path}|{n_ctx}|{n_threads}"
    if key not in _LLAMA:
        try:
            from llama_cpp import Llama
        except ModuleNotFoundError:
            raise BackendError(
                "the llamacpp backend needs llama-cpp-python: pip install 'corpusforge[local]'",
                retryable=False,
            ) from None
        if not Path(path).is_file():
            raise BackendError(f"{path}: GGUF model file not found", retryable=False)
        _release_locked()
        log.info("loading %s (n_ctx=%d)", Path(path).name, n_ctx)
        _LLAMA[key] = Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    return _LLAMA[key]


class LlamaCppOptions(Section):
    """``llm.llamacpp``: options of the in-process llama.cpp backend."""

    n_ctx: int = Field(4096, ge=256, description="Context length for the in-process llamacpp model.")
    n_threads: int = Field(
        0, ge=0, description="CPU threads for llamacpp (0 = half the cores, llama.cpp's default)."
    )


class LlamaCppBackend(Backend):
    """Chat completions from a GGUF model loaded in this process."""

    name = "llamacpp"
    client_timeout = False  # local compute cannot hang like a socket; a thread cannot be cancelled anyway

    def __init__(self, cfg: LLMConfig):
        from corpusforge.models import EMBEDDED_GGUF_NAME, resolve_model_path

        super().__init__(cfg)
        self.opts: LlamaCppOptions = cfg.llamacpp
        self.path = resolve_model_path(cfg.model) if cfg.model else ""
        self._model = cfg.model or f"embedded:{EMBEDDED_GGUF_NAME}"
        self.n_threads = self.opts.n_threads or max(1, (os.cpu_count() or 2) // 2)

    @property
    def model(self) -> str:
        """``embedded:<file>`` for the embedded model, else the configured path."""
        return self._model

    def _path(self) -> str:
        if not self.path:
            from corpusforge.models import ModelNotAvailable, embedded_gguf_path

            try:
                self.path = str(embedded_gguf_path())
            except ModelNotAvailable as e:
                raise BackendError(str(e), retryable=False) from None
        return self.path

    def _complete_blocking(self, req: ChatRequest) -> RawReply:
        kwargs: dict[str, Any] = {
            "messages": req.messages,
            "temperature": req.temperature,
            "max_tokens": req.max_tokens,
        }
        if req.seed is not None:
            kwargs["seed"] = req.seed
        if req.schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": req.schema}
        with _LOCK:
            llm = _load(self._path(), self.opts.n_ctx, self.n_threads)
            try:
                out = llm.create_chat_completion(**kwargs)
            except ValueError as e:  # e.g. prompt longer than the context window
                raise BackendError(f"llamacpp: {e}", retryable=False) from None
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return RawReply(
            text=choice["message"].get("content") or "",
            finish_reason=choice.get("finish_reason") or "stop",
            tokens_in=int(usage.get("prompt_tokens", 0)),
            tokens_out=int(usage.get("completion_tokens", 0)),
        )

    async def complete(self, req: ChatRequest) -> RawReply:
        """Run the blocking generation in a worker thread."""
        return await asyncio.to_thread(self._complete_blocking, req)
