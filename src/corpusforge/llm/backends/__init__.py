"""LLM backends behind one interface (:class:`~corpusforge.llm.backends.base.Backend`).

A new backend is one module plus one line in :data:`BACKENDS`::

    BACKENDS.register("echo", "mypackage.echo:EchoBackend")

The name is then accepted by ``llm.backend`` in corpusforge.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpusforge.llm.backends.base import Backend, BackendError, ChatRequest, RawReply
from corpusforge.registry import Registry, UnknownName

if TYPE_CHECKING:
    from corpusforge.llm.config import LLMConfig

#: backend name -> "module:Class" (a subclass of :class:`Backend`, built as ``Class(cfg)``)
BACKENDS: Registry[type[Backend]] = Registry(
    "backend",
    {
        "llamacpp": "corpusforge.llm.backends.llamacpp:LlamaCppBackend",
        "openai": "corpusforge.llm.backends.openai_compat:OpenAIBackend",
    },
)

__all__ = ["BACKENDS", "Backend", "BackendError", "ChatRequest", "RawReply", "get_backend"]


def get_backend(cfg: LLMConfig) -> Backend:
    """Build the backend named by ``cfg.backend``.

    Raises:
        ValueError: unknown backend name (one line naming ``llm.backend`` and listing the known ones).
    """
    try:
        cls = BACKENDS.get(cfg.backend)
    except UnknownName as e:
        raise ValueError(f"llm.backend: {e}") from None
    return cls(cfg)
