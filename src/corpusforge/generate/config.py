"""``generate`` section of corpusforge.yaml: which tasks run, how many pairs, prompts, labels, fields."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from corpusforge.configbase import Section

Temperature = Annotated[float, Field(ge=0, le=2)]

DEFAULT_LABELS = {
    "policy": "Rules, regulations or commitments the organisation sets for itself or its customers.",
    "procedure": "Step-by-step instructions: how to apply, report, pay, install or maintain something.",
    "report": "Figures, results or a review of a period (annual or quarterly reports, statistics).",
    "notice": "An announcement of an event, a change or a disruption (news, outages, works).",
    "faq": "Questions and answers for customers or staff.",
    "other": "Anything else.",
}

DEFAULT_REPORT_FIELDS = {
    "situation": "What is happening or being described, in one or two sentences.",
    "causes": "Why it happens, as far as the passage says.",
    "impact": "Who or what is affected, and how.",
    "actions": "What was done or should be done, according to the passage.",
}


class GenerateConfig(Section):
    """What to generate from the chunks, and how."""

    tasks: list[str] = Field(
        default_factory=lambda: ["qa"],
        description="Tasks `corpusforge generate` runs when no --task is given.",
    )
    qa_min: int = Field(
        3, ge=0, description="Minimum Q&A pairs per document (counted after the quality gate)."
    )
    qa_max: int = Field(5, ge=1, description="Maximum Q&A pairs per document (asked for in the first round).")
    qa_rounds: int = Field(
        3,
        ge=1,
        description="Rounds of asking per document while it is below qa_min "
        "after the gate (the first round included).",
    )
    source_in_instruction: bool = Field(
        False, description="Also name the source in the instruction text (e.g. 「根据《{title}》回答：…」)."
    )
    tags_in_instruction: bool = Field(
        False,
        description="Also name the document's tags at the start of the instruction, in the prompt's "
        "language (e.g. 「来源：authority=官方，topic=水务。…」 / 'Source: topic=water. …'). Every sample "
        "carries the tags in its `tags` field either way.",
    )
    prompts_dir: str = Field(
        "",
        description="Folder with your own prompt files (<task>.<lang>.yaml, same keys "
        "as the built-in ones; relative to the workspace). Empty = built-in.",
    )
    default_lang: Literal["zh", "en"] = Field(
        "en", description="Prompt language for chunks in other languages."
    )
    max_tokens: int = Field(
        0, ge=0, description="Token budget of one generation request (0 = llm.max_tokens)."
    )
    max_field_chars: int = Field(
        0,
        ge=0,
        description="Longest text field of a reply, in characters, sent as the "
        "schema's maxLength (0 = no limit). Keeps small models from "
        "rambling until the token budget runs out.",
    )
    truncation_retries: int = Field(
        1, ge=0, description="Times a truncated or unreadable reply is asked again for the missing items."
    )
    retry_budget_factor: float = Field(
        2.0, ge=1.0, description="Each retry of a truncated reply multiplies the token budget by this."
    )
    seed: int = Field(
        0,
        ge=0,
        description="Base sampling seed (Q&A round r uses seed + r; retries and candidates "
        "offset it), so runs are reproducible and retries are new requests.",
    )
    window: int = Field(
        0,
        ge=0,
        description="Units of work (a document's Q&A, a chunk's task) in flight at once "
        "(0 = 2 x llm.concurrency). Memory stays flat whatever the corpus size.",
    )
    min_chunk_chars: int = Field(40, ge=0, description="Chunks shorter than this (characters) are skipped.")
    summary_scope: Literal["chunk", "document"] = Field(
        "chunk",
        description="summary task: one summary per chunk, or per document (its first summary_max_chars).",
    )
    summary_max_chars: int = Field(
        6000, ge=200, description="Characters of a document a document summary reads."
    )
    labels: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_LABELS), description="classify task: label name -> description."
    )
    report_fields: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_REPORT_FIELDS),
        description="report task: field name -> what to write in it.",
    )
    candidate_tasks: list[str] | None = Field(
        None,
        description="Tasks whose kept samples get --candidates answers (null: the tasks that declare "
        "candidates).",
    )
    candidate_temperatures: tuple[Temperature, Temperature] = Field(
        (0.2, 1.2), description="Lowest and highest temperature of the K candidate answers (spread evenly)."
    )

    @model_validator(mode="after")
    def _check(self) -> GenerateConfig:
        if self.qa_min > self.qa_max:
            raise ValueError(f"qa_min ({self.qa_min}) is larger than qa_max ({self.qa_max})")
        if not self.labels:
            raise ValueError("labels: at least one label is needed")
        return self
