"""``claim``: a plausible but wrong claim about a passage, and its correction grounded in the passage."""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string, text


class ClaimTask(Task):
    """Instruction: is this claim right?; output: no, the correction, and the passage's own words."""

    name = "claim"
    question_key = "claim"

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"claim", "correction", "evidence"}``."""
        return {
            "type": "object",
            "properties": {"claim": string(cfg), "correction": string(cfg), "evidence": string(cfg)},
            "required": ["claim", "correction", "evidence"],
        }

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """All three parts present, and the claim differs from its correction."""
        if not isinstance(item, dict):
            return None
        out = {k: text(item.get(k)) for k in ("claim", "correction", "evidence")}
        if not all(out.values()) or out["claim"].lower() == out["correction"].lower():
            return None
        return out

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Closed book: the claim in the instruction, the correction and evidence in the output."""
        return prompt.fill("instruction", **item), prompt.fill("output", **item)


TASK = ClaimTask()
