"""``classify``: one label of the user's label set (``generate.labels``) for a passage, with reasons."""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string_list, text, texts


class ClassifyTask(Task):
    """Instruction: classify with the label names; input: the passage; output: label and reasons."""

    name = "classify"
    with_input = True
    grounded = False  # a label, not text from the passage
    item_in_metadata = True

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"label": <one of the labels>, "reasons": [...]}``."""
        return {
            "type": "object",
            "properties": {
                "label": {"type": "string", "enum": list(cfg.labels)},
                "reasons": string_list(cfg),
            },
            "required": ["label", "reasons"],
        }

    def request_vars(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> dict[str, Any]:
        """The label list with descriptions."""
        labels = "\n".join(prompt.fill("label_item", name=k, description=v) for k, v in cfg.labels.items())
        return {"labels": labels, "label_names": ", ".join(cfg.labels)}

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """The label must be one of the set (any case); at least one reason."""
        if not isinstance(item, dict):
            return None
        by_lower = {k.lower(): k for k in cfg.labels}
        label = by_lower.get(text(item.get("label")).lower())
        reasons = texts(item.get("reasons"))
        return {"label": label, "reasons": reasons} if label and reasons else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Instruction names the labels; output is the label and the reasons."""
        reasons = "\n".join(prompt.fill("reason_item", reason=r) for r in item["reasons"])
        return (
            prompt.fill("instruction", label_names=", ".join(cfg.labels)),
            prompt.fill("output", label=item["label"], reasons=reasons),
        )


TASK = ClassifyTask()
