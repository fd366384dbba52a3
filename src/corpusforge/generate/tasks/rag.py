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
from corpusforge.generate.tasks.qa import PairTask


class RAGTask(PairTask):
    """One question/answer pair per chunk (one object, not a list); the passages and the citation are added
    by the kb stage. Validation and fields are those of ``qa``."""

    name = "rag"
    with_input = True

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"question": "...", "answer": "..."}``."""
        return {
            "type": "object",
            "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
            "required": ["question", "answer"],
        }


TASK = RAGTask()
