"""The one interface every stage talks to a model through: :class:`LLMClient`, and what it returns.

Stages type their clients as :class:`LLMClient` and get one from :func:`corpusforge.llm.get_client`;
anything with the same methods (a test double, a wrapper) fits where a client is expected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from corpusforge.redact import redact

if TYPE_CHECKING:
    from corpusforge.llm.config import LLMConfig


class LLMError(RuntimeError):
    """A request failed for good (retries exhausted or not retryable). ``str()`` is one line, secrets redacted."""

    def __init__(self, message: object = ""):
        super().__init__(redact(message))


@dataclass(slots=True)
class Completion:
    """One reply. ``cached`` is True when it came from the store without a request."""

    text: str
    finish_reason: str
    tokens_in: int
    tokens_out: int
    cached: bool
    key: str
    backend: str = ""
    model: str = ""


@dataclass(slots=True)
class LLMStats:
    """Counters for the progress bar and the summary (requests sent, not counting cache hits)."""

    requests: int = 0
    cached: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    errors: int = 0
    retries: int = 0
    seconds: float = 0.0

    def cost(self, cfg: LLMConfig) -> float:
        """Estimated cost of the tokens sent and received, from the configured prices."""
        return self.tokens_in / 1000 * cfg.price_in_per_1k + self.tokens_out / 1000 * cfg.price_out_per_1k

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict."""
        return asdict(self)


class LLMClient(Protocol):
    """Chat completions, cached in the workspace store, retried and counted.

    Attributes:
        cfg: the ``llm`` config section the client was built from.
        stats: counters of the requests sent and the cache hits.
    """

    cfg: LLMConfig
    stats: LLMStats

    @property
    def model(self) -> str:
        """The model name that goes into cache keys and samples."""
        ...

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
        """One chat completion (None arguments take the configured defaults).

        Raises:
            LLMError: one line naming the backend and the failure.
        """
        ...

    def chat_sync(self, messages: list[dict[str, str]], **kwargs: Any) -> Completion:
        """Blocking :meth:`chat` (same arguments)."""
        ...

    async def aclose(self) -> None:
        """Close the backend's connections for the running event loop."""
        ...

    def close(self) -> None:
        """Release what :meth:`chat_sync` holds (its private event loop and connections)."""
        ...
