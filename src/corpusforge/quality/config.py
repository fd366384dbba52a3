"""``quality`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class QualityConfig(Section):
    """The quality gate for generated samples."""

    grounding_threshold: float = Field(0.5, description="Samples below this grounding score are dropped.")
