"""``llm`` section of corpusforge.yaml: which LLM backend writes the instruction data."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from corpusforge.configbase import Section


class LLMConfig(Section):
    """Which LLM writes the instruction data."""

    backend: Literal["llamacpp", "openai"] = Field("llamacpp", description="LLM backend.")
    model: str = Field("", description="Model name (openai) or GGUF path (llamacpp; empty = embedded SmolLM2).")
    base_url: list[str] = Field(default_factory=list,
                                description="OpenAI-compatible base URLs; requests are spread over them.")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key.")
    temperature: float = Field(0.3, description="Sampling temperature.")
    max_tokens: int = Field(768, description="Max new tokens per request.")
    concurrency: int = Field(4, description="Requests in flight at once.")
