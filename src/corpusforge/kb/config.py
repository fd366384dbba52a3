"""``kb`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class KBConfig(Section):
    """Knowledge base and retrieval."""

    k: int = Field(5, description="Passages retrieved per question.")
