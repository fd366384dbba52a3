"""``summary``: a short summary of a chunk or (``generate.summary_scope: document``) a whole document."""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string, text


class SummaryTask(Task):
    """Instruction: summarise; input: the passage; output: its summary."""

    name = "summary"
    with_input = True

    def scope(self, cfg: GenerateConfig) -> str:
        """As configured by ``generate.summary_scope``."""
        return cfg.summary_scope

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"summary": "..."}``."""
        return {"type": "object", "properties": {"summary": string(cfg)}, "required": ["summary"]}

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """A non-empty summary."""
        s = text(item.get("summary")) if isinstance(item, dict) else ""
        return {"summary": s} if s else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Fixed instruction, the summary as output."""
        return prompt.fill("instruction"), prompt.fill("output", **item)


TASK = SummaryTask()
