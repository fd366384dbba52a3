"""``generate`` section of corpusforge.yaml: which tasks run, how many pairs, prompts, labels, fields."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

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


class ClassifyConfig(Section):
    """``generate.classify``: named label sets of the classify task."""

    labels: dict[str, list[str] | dict[str, str]] = Field(
        default_factory=dict,
        description="Named label sets, e.g. {topic: [water quality, billing], doc_type: {faq: 'Questions "
        "and answers', notice: 'An announcement'}} (a list of names, or name -> description). The chosen "
        "label of each set is stored as a tag (tags[<set name>] = label) on the chunk, so the samples "
        "made from it (this task's, and those of tasks listed after classify) carry it. Empty: the one "
        "unnamed set generate.labels, stored as no tag.",
    )

    @model_validator(mode="after")
    def _check(self) -> ClassifyConfig:
        for name, labels in self.labels.items():
            if not labels:
                raise ValueError(f"labels.{name}: at least one label is needed")
            if name == "reasons":
                raise ValueError("labels.reasons: the name is taken by the reply's reasons")
        return self

    def sets(self, unnamed: dict[str, str]) -> dict[str, dict[str, str]]:
        """Set name -> {label: description}; the unnamed ``generate.labels`` is the set ``label``."""
        if not self.labels:
            return {"label": dict(unnamed)}
        return {k: v if isinstance(v, dict) else {x: "" for x in v} for k, v in self.labels.items()}


class GenerateConfig(Section):
    """What to generate from the chunks, and how."""

    tasks: list[str] = Field(
        default_factory=lambda: ["qa"],
        description="Tasks `corpusforge generate` runs when no --task is given.",
    )
    qa_min: int = Field(
        3,
        ge=0,
        description="Minimum Q&A pairs per document that pass the quality gate (flagged pairs wait for "
        "review and do not count); a document below it is asked again (qa_rounds).",
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
    evidence_choices: Literal["auto", "on", "assign", "off"] = Field(
        "auto",
        description="qa task: send the chunk's own sentences as the only values a pair's `evidence` may "
        "take (a JSON-schema enum), so a backend that enforces the schema (llama.cpp, vLLM) quotes "
        "verbatim. assign = each pair of a request is given one sentence not quoted before by the "
        "document's pairs (the model writes the question it answers and the answer). auto = assign "
        "for the llamacpp backend, on for openai servers sent a schema (llm.openai.response_format "
        "not none).",
    )
    evidence_max_sentences: int = Field(
        40,
        ge=1,
        description="Most sentences offered as evidence choices (evenly spread over a longer chunk); each "
        "is cut at max_field_chars characters (300 when 0) on a word boundary.",
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
    gate_workers: Annotated[int, Field(ge=0)] | Literal["auto"] = Field(
        "auto",
        description="Processes that score samples for the quality gate while replies keep coming "
        "(0 = in the run's own process; auto = 1 on a machine with 2 CPUs or more, for runs of at least "
        "200 units and no LLM judge). The samples are the same either way.",
    )

    @field_validator("gate_workers", mode="before")
    @classmethod
    def _gate_workers(cls, v: Any) -> Any:
        """One line for a bad value (the union would report each of its members apart)."""
        if v == "auto" or (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
            return v
        raise PydanticCustomError(
            "gate_workers", "a whole number of 0 or more, or auto; not {got}", {"got": repr(v)}
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
        default_factory=lambda: dict(DEFAULT_LABELS),
        description="classify task: label name -> description (one unnamed set; for named sets stored as "
        "tags use generate.classify.labels).",
    )
    classify: ClassifyConfig = Field(
        default_factory=ClassifyConfig, description="classify task: named label sets stored as tags."
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
        if self.classify.labels and "labels" in self.model_fields_set:
            raise ValueError(
                "labels: set either generate.labels (one unnamed set) or generate.classify.labels "
                "(named sets), not both"
            )
        return self
