"""LLM backends behind one interface (:class:`~corpusforge.generate.backends.base.Backend`).

A new backend is one module plus one line in :data:`BACKENDS`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from corpusforge.generate.backends.base import Backend, BackendError, ChatRequest, RawReply

if TYPE_CHECKING:
    from corpusforge.generate.backends.config import LLMConfig

#: backend name -> "module:Class"
BACKENDS: dict[str, str] = {
    "llamacpp": "corpusforge.generate.backends.llamacpp:LlamaCppBackend",
    "openai": "corpusforge.generate.backends.openai_compat:OpenAIBackend",
}

__all__ = ["BACKENDS", "Backend", "BackendError", "ChatRequest", "RawReply", "get_backend"]


def get_backend(cfg: LLMConfig) -> Backend:
    """Build the backend named by ``cfg.backend``.

    Raises:
        ValueError: unknown backend name (one line, listing the known ones).
    """
    try:
        target = BACKENDS[cfg.backend]
    except KeyError:
        raise ValueError(f"llm.backend: unknown backend {cfg.backend!r} (known: {', '.join(BACKENDS)})") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)(cfg)
