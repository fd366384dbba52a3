"""``llm`` and ``generate`` sections of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class GenerateConfig(Section):
    """What to generate from the chunks."""

    qa_min: int = Field(3, description="Minimum Q&A pairs per document (after the quality gate).")
    qa_max: int = Field(5, description="Maximum Q&A pairs per document.")
    source_in_instruction: bool = Field(False, description="Also name the source in the instruction text.")
