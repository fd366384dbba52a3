"""``eval`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class EvalConfig(Section):
    """Evaluation of base vs tuned models."""

    max_new_tokens: int = Field(128, description="Max new tokens per answer.")
