"""``llm`` section of corpusforge.yaml: which LLM backend writes the instruction data.

The common keys sit in the section itself; each backend's own options are a sub-section with its own
model (``openai:``, ``llamacpp:``). The old flat keys (``llm.base_url``, ``llm.n_ctx`` ...) still load:
they are moved into their sub-section before validation.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from corpusforge.configbase import Section
from corpusforge.llm.backends import BACKENDS
from corpusforge.llm.backends.llamacpp import LlamaCppOptions
from corpusforge.llm.backends.openai_compat import OpenAIOptions

#: old flat key -> the sub-section it now lives in
FLAT_KEYS: dict[str, str] = {
    "base_url": "openai",
    "api_key_env": "openai",
    "response_format": "openai",
    "n_ctx": "llamacpp",
    "n_threads": "llamacpp",
}


class LLMConfig(Section):
    """Which LLM writes the instruction data, and how hard to push it."""

    backend: str = Field(
        "llamacpp",
        description="LLM backend: llamacpp (in-process GGUF) or openai "
        "(any OpenAI-compatible server), or one registered in "
        "corpusforge.llm.backends.BACKENDS.",
    )
    model: str = Field(
        "", description="Model name (openai) or GGUF path (llamacpp; empty = embedded SmolLM2)."
    )
    temperature: float = Field(0.3, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(768, ge=1, le=1_000_000, description="Max new tokens per request.")
    concurrency: int = Field(4, ge=1, description="Requests in flight at once.")
    timeout: float = Field(
        120.0,
        gt=0,
        description="Seconds before one HTTP request is abandoned and retried (time queued at "
        "a single-slot server counts: raise it for slow local servers).",
    )
    retries: int = Field(4, ge=0, description="Retries after a timeout, 429, 5xx or connection error.")
    backoff: float = Field(
        1.0, ge=0, description="First retry delay in seconds; doubles each retry, with jitter."
    )
    backoff_max: float = Field(30.0, ge=0, description="Longest delay between two retries, in seconds.")
    rpm: int = Field(0, ge=0, description="Requests per minute limit (0 = no limit).")
    seed: int | None = Field(None, ge=0, description="Default sampling seed (None = backend default).")
    price_in_per_1k: float = Field(
        0.0, ge=0, description="Price per 1k prompt tokens, for the cost estimate."
    )
    price_out_per_1k: float = Field(
        0.0, ge=0, description="Price per 1k completion tokens, for the cost estimate."
    )
    openai: OpenAIOptions = Field(
        default_factory=OpenAIOptions,
        description="Options of the openai backend (OpenAI-compatible servers).",
    )
    llamacpp: LlamaCppOptions = Field(
        default_factory=LlamaCppOptions,
        description="Options of the llamacpp backend (in-process GGUF model).",
    )

    @model_validator(mode="before")
    @classmethod
    def _move_flat_keys(cls, data: Any) -> Any:
        """Move the old flat keys (``base_url``, ``n_ctx`` ...) into their sub-section."""
        if not isinstance(data, dict) or not any(k in data for k in FLAT_KEYS):
            return data
        data = dict(data)
        for key, section in FLAT_KEYS.items():
            if key not in data:
                continue
            sub = data.get(section)
            if isinstance(sub, Section):
                sub = sub.model_dump(exclude_unset=True)
            sub = dict(sub) if isinstance(sub, dict) else {} if sub is None else sub
            if not isinstance(sub, dict):
                continue  # not a mapping: the sub-section's own validation reports it
            if key in sub:
                raise PydanticCustomError(
                    "flat_key_conflict",
                    "llm.{new} is also given as the old flat key llm.{old}; keep only llm.{new}",
                    {"new": f"{section}.{key}", "old": key},
                )
            sub[key] = data.pop(key)
            data[section] = sub
        return data

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, v: str) -> str:
        if v not in BACKENDS:
            raise PydanticCustomError(
                "unknown_backend",
                "unknown backend '{name}' (known: {known})",
                {"name": v, "known": ", ".join(BACKENDS.names())},
            )
        return v
