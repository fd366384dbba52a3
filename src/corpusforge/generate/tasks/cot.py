"""``cot``: a question whose answer shows its reasoning steps before the conclusion."""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string, string_list, text, texts


class CoTTask(Task):
    """One question with numbered reasoning steps and a conclusion."""

    name = "cot"
    question_key = "question"
    derived_numbers = True  # its steps may compute
    candidates = True

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"question", "steps": [...], "conclusion"}``."""
        return {
            "type": "object",
            "properties": {"question": string(cfg), "steps": string_list(cfg), "conclusion": string(cfg)},
            "required": ["question", "steps", "conclusion"],
        }

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """A question, at least one step and a conclusion."""
        if not isinstance(item, dict):
            return None
        q, steps, c = text(item.get("question")), texts(item.get("steps")), text(item.get("conclusion"))
        return {"question": q, "steps": steps, "conclusion": c} if q and steps and c else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Output: the numbered steps, then the conclusion."""
        steps = "\n".join(prompt.fill("step_item", i=i, step=s) for i, s in enumerate(item["steps"], 1))
        return prompt.fill("instruction", **item), prompt.fill(
            "output", steps=steps, conclusion=item["conclusion"]
        )


TASK = CoTTask()
