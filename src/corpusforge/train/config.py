"""``train`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class TrainConfig(Section):
    """Training defaults (each stage has a recipe YAML next to the code)."""

    base_model: str = Field("", description="HF id, local folder or GGUF path (empty = embedded SmolLM2).")
