"""``quality`` section of corpusforge.yaml: the gate every generated sample passes before export."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from corpusforge.configbase import Section

Action = Literal["drop", "flag", "ignore"]

DEFAULT_ACTIONS: dict[str, Action] = {
    "empty_answer": "drop",
    "too_short": "drop",
    "too_long": "flag",
    "repeats_question": "drop",
    "repetition": "drop",
    "refusal": "drop",
    "prompt_leak": "drop",
    "language_mismatch": "flag",
    "not_a_question": "flag",
    "question_off_source": "flag",
    "unbalanced_brackets": "flag",
    "unfinished": "flag",
    "truncated": "drop",
    "invented_number": "drop",
    "misplaced_number": "flag",
    "invented_entity": "flag",
    "duplicate_question": "drop",
    "judge_low": "flag",
    "evidence_not_found": "drop",  # generate.evidence_choices makes quotes verbatim (0 of 26 not found, quickstart)
    "evidence_missing": "ignore",
    "low_relevance": "drop",
}


class JudgeConfig(Section):
    """Optional LLM judge: asks the workspace's LLM backend whether the answer is supported."""

    enabled: bool = Field(False, description="Ask the LLM backend (section llm) to score support 1-5.")
    weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Weight of the judge score in the combined grounding (rest: lexical).",
    )
    min_score: int = Field(3, ge=1, le=5, description="Judge scores below this add the reason judge_low.")
    max_tokens: int = Field(64, ge=1, description="Max new tokens for one judge reply.")


class QualityConfig(Section):
    """The quality gate for generated samples."""

    grounding_threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Samples whose grounding score is below this get the reason low_grounding.",
    )
    below_threshold: Literal["drop", "flag"] = Field(
        "drop",
        description="What happens to a sample below the grounding threshold: drop it or flag it for review.",
    )
    relevance_min: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="Samples of tasks that ask a grounded question (has_question, e.g. qa) whose relevance "
        "(does the answer answer this question, in [0, 1]) is below this get the reason low_relevance; "
        "quality.actions.low_relevance says what it does (default drop; flag or ignore); 0 turns it off. "
        "CMRC 2018 trial (bench/grounding.py), chosen on the tuning half: at 0.15, 2.5% of right answers "
        "and 71% of answers to another question about the same passage are below (held-out half: 3.3% "
        "and 72%).",
    )
    ungrounded_tasks: list[str] | None = Field(
        None,
        description="Tasks whose answers are labels, not text from the source: no grounding threshold "
        "(null: the tasks that declare grounded = False).",
    )
    question_tasks: list[str] | None = Field(
        None,
        description="Tasks whose instruction must be a question or a request (else the reason "
        "not_a_question; null: the tasks that declare has_question).",
    )
    question_min_support: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Questions whose words/characters the source supports less than this "
        "get the reason question_off_source (CMRC 2018: 1% of real questions are below 0.26, a question "
        "asked of another article is below 0.33 in 99% of cases).",
    )
    check_numbers: bool = Field(True, description="Numbers and dates in the answer must occur in the source.")
    derived_number_tasks: list[str] | None = Field(
        None,
        description="Tasks whose answers may compute numbers: a sum, difference, product, ratio or "
        "percentage of two source numbers is not invented there (null: the tasks that declare "
        "derived_numbers).",
    )
    check_entities: bool = Field(
        True,
        description="Latin names, quoted titles and (zh) person/place/organisation names must occur in the source.",
    )
    min_answer_chars: int = Field(
        2, ge=0, description="Answers shorter than this (after trimming) are too_short."
    )
    max_answer_chars: int = Field(4000, ge=1, description="Answers longer than this are too_long.")
    repeat_question_novelty: float = Field(
        0.1,
        ge=0,
        le=1,
        description="An answer of which fewer than this share of words/characters are new to the question "
        "repeats the question.",
    )
    repetition_ratio: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of an answer covered by repeated 4-word (or 4-character) sequences above which "
        "it is a runaway repetition.",
    )
    check_language: bool = Field(
        True, description="Question, answer and source must be in the same language."
    )
    dedup: Literal["off", "document", "workspace"] = Field(
        "workspace", description="Where questions are de-duplicated (the best-grounded copy is kept)."
    )
    dedup_similarity: float = Field(
        0.7,
        ge=0.0,
        le=1.0,
        description="Character-bigram Jaccard similarity at which two questions are near duplicates.",
    )
    actions: dict[str, Action] = Field(
        default_factory=lambda: dict(DEFAULT_ACTIONS),
        description="What each reason does to a sample: drop, flag (for review) or ignore. Missing reasons flag.",
    )
    judge: JudgeConfig = Field(default_factory=JudgeConfig, description="Optional LLM judge.")
