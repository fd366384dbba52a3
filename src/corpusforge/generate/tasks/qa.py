"""``qa``: question/answer pairs about a passage; the answers use only the passage's facts."""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string, text


class QATask(Task):
    """N pairs per document, spread over its chunks (one request per chunk gives all its pairs)."""

    name = "qa"
    list_key = "pairs"
    question_key = "question"

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"pairs": [{"question", "answer"}, ...]}`` with at most ``n`` pairs."""
        pair = {"type": "object", "properties": {"question": string(cfg), "answer": string(cfg)},
                "required": ["question", "answer"]}
        return {"type": "object", "properties": {"pairs": {"type": "array", "items": pair, "maxItems": n}},
                "required": ["pairs"]}

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """Both question and answer must be non-empty text."""
        if not isinstance(item, dict):
            return None
        q, a = text(item.get("question")), text(item.get("answer"))
        return {"question": q, "answer": a} if q and a else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """The question is the instruction, the answer the output."""
        return prompt.fill("instruction", **item), prompt.fill("output", **item)


TASK = QATask()
