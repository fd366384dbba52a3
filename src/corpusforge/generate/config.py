"""``llm`` and ``generate`` sections of corpusforge.yaml."""

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


class GenerateConfig(Section):
    """What to generate from the chunks."""

    qa_min: int = Field(3, description="Minimum Q&A pairs per document (after the quality gate).")
    qa_max: int = Field(5, description="Maximum Q&A pairs per document.")
    source_in_instruction: bool = Field(False, description="Also name the source in the instruction text.")
