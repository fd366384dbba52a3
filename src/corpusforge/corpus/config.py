"""``corpus`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class CorpusConfig(Section):
    """Cleaning, filtering, de-duplication and chunking of the continued-pretraining corpus."""

    chunk_tokens: int = Field(512, description="Target chunk size in tokens of the target model's tokenizer.")
    chunk_overlap: int = Field(64, description="Overlap between consecutive chunks, in tokens.")
