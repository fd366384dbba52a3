"""``export`` section of corpusforge.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from corpusforge.configbase import Section


class ExportConfig(Section):
    """Export formats, filters and the train/validation/test split."""

    formats: list[str] = Field(
        default_factory=lambda: ["messages"],
        description="Formats written when `corpusforge export` gets no --format.",
    )
    out_dir: str = Field("out/export", description="Output folder, relative to the workspace.")
    system_prompt: str = Field(
        "You are a helpful assistant.", description="System prompt of chat formats (empty: no system turn)."
    )
    dataset_name: str = Field(
        "corpusforge", description="Prefix of the LLaMA-Factory dataset_info.json entries."
    )
    seed: int = Field(42, ge=0, description="Seed of the train/validation/test split.")
    validation_size: float = Field(
        0.1, ge=0, lt=1, description="Share of samples (by source document) in validation."
    )
    test_size: float = Field(0.1, ge=0, lt=1, description="Share of samples (by source document) in test.")
    statuses: list[str] = Field(
        default_factory=lambda: ["passed", "accepted"],
        description="Sample statuses exported (the quality gate's 'passed', review's 'accepted').",
    )
    tasks: list[str] = Field(default_factory=list, description="Only these tasks (empty: all).")
    sources: list[str] = Field(
        default_factory=list, description="Only these source files (glob patterns, empty: all)."
    )
    min_grounding: float | None = Field(
        None, ge=0, le=1, description="Only samples whose grounding score is at least this."
    )
    preference_style: Literal["conversational", "standard"] = Field(
        "conversational", description="TRL preference records: chat turns (conversational) or plain strings."
    )
    drop_cross_split: bool = Field(
        False,
        description="Leave out samples whose input shows a chunk of a document "
        "in another split (rag distractors), instead of only counting them.",
    )
    hf_card_title: str = Field(
        "", description="Title of the Hugging Face dataset card (default: project name)."
    )

    @model_validator(mode="after")
    def _sizes(self) -> ExportConfig:
        if self.validation_size + self.test_size >= 1:
            raise ValueError("validation_size + test_size must be below 1")
        return self
