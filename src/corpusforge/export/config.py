"""``export`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class ExportConfig(Section):
    """Export formats and splits."""

    system_prompt: str = Field("You are a helpful assistant.", description="System prompt for chat formats.")
    seed: int = Field(42, description="Seed of the train/validation/test split.")
