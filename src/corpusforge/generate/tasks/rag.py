"""``rag``: a question and answer from one chunk C, later shown among retrieved distractor passages.

The generate run asks for one question/answer pair per chunk (the gate checks the answer against C,
kept as the sample's input for now). ``corpusforge kb build`` (or ``kb rag``) then completes each kept
sample in place: C plus ``kb.rag_distractors`` passages retrieved from the knowledge base, in random
order, an answer that cites C's file and pages, and for a share of the questions a second sample
without C answered "the passages do not say" (see ``corpusforge.kb.rag``).
"""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, text


class RAGTask(Task):
    """One question/answer pair per chunk; the passages and the citation are added by the kb stage."""

    name = "rag"
    with_input = True
    question_key = "question"

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"question": "...", "answer": "..."}``."""
        return {
            "type": "object",
            "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
            "required": ["question", "answer"],
        }

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """Both question and answer must be non-empty text."""
        if not isinstance(item, dict):
            return None
        q, a = text(item.get("question")), text(item.get("answer"))
        return {"question": q, "answer": a} if q and a else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """The question is the instruction, the answer the output (the citation comes with the passages)."""
        return prompt.fill("instruction", **item), prompt.fill("output", **item)


TASK = RAGTask()
