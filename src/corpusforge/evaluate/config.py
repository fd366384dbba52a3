"""``eval`` section of corpusforge.yaml."""

from __future__ import annotations

from pydantic import Field

from corpusforge.configbase import Section


class EvalConfig(Section):
    """Evaluation of a base model against tuned models on the held-out test split."""

    max_new_tokens: int = Field(128, ge=1, description="Max new tokens per generated answer.")
    batch_size: int = Field(
        4, ge=1, description="Questions answered per forward batch (Transformers models)."
    )
    limit: int = Field(0, ge=0, description="Evaluate at most this many test questions (0 = all).")
    short_answer_chars: int = Field(
        24, ge=0, description="References up to this many characters also get exact match."
    )
    judge: bool = Field(
        False, description="Also ask the configured LLM backend to judge base vs tuned (win rate)."
    )
    perplexity_max_tokens: int = Field(256, ge=1, description="Tokens per text when computing perplexity.")
    perplexity_texts: int = Field(32, ge=0, description="At most this many domain texts for perplexity.")
    n_examples: int = Field(5, ge=0, description="Best and worst answers shown side by side in the report.")
    contamination_files: list[str] = Field(
        default_factory=list,
        description="Evaluation files (JSONL or text, relative to the workspace) whose text must not appear "
        "in training data: corpus and export drop or flag overlapping chunks/samples (corpus.decontam).",
    )
