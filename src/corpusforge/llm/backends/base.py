"""The one small interface every LLM backend implements.

A backend turns a :class:`ChatRequest` into a :class:`RawReply`. It does no caching, retrying or
rate limiting (:class:`corpusforge.llm.client.CachedClient` does); it only maps its library's failures onto
:class:`BackendError`, saying whether retrying could help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpusforge.redact import redact

if TYPE_CHECKING:
    from corpusforge.llm.config import LLMConfig


@dataclass(slots=True)
class ChatRequest:
    """One chat request, backend-neutral."""

    messages: list[dict[str, str]]
    temperature: float
    max_tokens: int
    schema: dict[str, Any] | None = None
    seed: int | None = None
    #: servers this request was sent to so far (a backend with several sends a retry elsewhere)
    tried: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawReply:
    """What a backend got back."""

    text: str
    finish_reason: str
    tokens_in: int = 0
    tokens_out: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


class BackendError(RuntimeError):
    """A request failed. ``retryable`` is True for timeouts, 429, 5xx, connection and garbled replies."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(redact(message))
        self.retryable = retryable
        self.status = status


class Backend:
    """Base class of backends. Subclasses set ``name`` and implement :meth:`complete`.

    A backend is built as ``Backend(cfg)`` from the whole ``llm`` section (``LLMConfig``); it reads the
    common keys there and its own options from its sub-section (``cfg.openai``, ``cfg.llamacpp``).
    """

    name: str = ""
    #: whether the client should enforce ``LLMConfig.timeout`` around :meth:`complete` itself
    client_timeout: bool = True

    def __init__(self, cfg: LLMConfig) -> None:
        self.cfg = cfg

    @property
    def model(self) -> str:
        """The model name that goes into cache keys and samples."""
        raise NotImplementedError

    async def complete(self, req: ChatRequest) -> RawReply:
        """Send one request and return the reply.

        Raises:
            BackendError: on any failure, flagged retryable or not.
        """
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release connections (no-op by default)."""
