"""``llm`` section of corpusforge.yaml: which LLM backend writes the instruction data."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from corpusforge.configbase import Section


class LLMConfig(Section):
    """Which LLM writes the instruction data, and how hard to push it."""

    backend: Literal["llamacpp", "openai"] = Field("llamacpp", description="LLM backend.")
    model: str = Field("", description="Model name (openai) or GGUF path (llamacpp; empty = embedded SmolLM2).")
    base_url: list[str] = Field(default_factory=list,
                                description="OpenAI-compatible base URLs; requests are spread over them.")
    api_key_env: str = Field("OPENAI_API_KEY",
                             description="Environment variable holding the API key (never stored or logged).")
    temperature: float = Field(0.3, description="Sampling temperature.")
    max_tokens: int = Field(768, description="Max new tokens per request.")
    concurrency: int = Field(4, ge=1, description="Requests in flight at once.")
    timeout: float = Field(120.0, gt=0,
                           description="Seconds before one HTTP request is abandoned and retried (time queued at "
                                       "a single-slot server counts: raise it for slow local servers).")
    retries: int = Field(4, ge=0, description="Retries after a timeout, 429, 5xx or connection error.")
    backoff: float = Field(1.0, ge=0, description="First retry delay in seconds; doubles each retry, with jitter.")
    backoff_max: float = Field(30.0, ge=0, description="Longest delay between two retries, in seconds.")
    rpm: int = Field(0, ge=0, description="Requests per minute limit (0 = no limit).")
    response_format: Literal["auto", "json_schema", "json_object", "none"] = Field(
        "auto", description="How a JSON schema is sent (openai): auto tries json_schema, then json_object "
                            "with schema, then none (parse and repair) when the server refuses.")
    n_ctx: int = Field(4096, ge=256, description="Context length for the in-process llamacpp model.")
    n_threads: int = Field(0, ge=0, description="CPU threads for llamacpp (0 = half the cores, llama.cpp's default).")
    seed: int | None = Field(None, description="Default sampling seed (None = backend default).")
    price_in_per_1k: float = Field(0.0, ge=0, description="Price per 1k prompt tokens, for the cost estimate.")
    price_out_per_1k: float = Field(0.0, ge=0, description="Price per 1k completion tokens, for the cost estimate.")
