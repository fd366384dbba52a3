"""``report``: a structured analysis of the situation a passage describes (fields from the config)."""

from __future__ import annotations

from typing import Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string, text


class ReportTask(Task):
    """One object with a text per field of ``generate.report_fields``."""

    name = "report"
    with_input = True
    budget_scale = 2.0  # one text per field
    derived_numbers = True
    item_in_metadata = True

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{<field>: "...", ...}`` with every configured field required."""
        return {
            "type": "object",
            "properties": {k: string(cfg) for k in cfg.report_fields},
            "required": list(cfg.report_fields),
        }

    def request_vars(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> dict[str, Any]:
        """The fields with their descriptions."""
        fields = "\n".join(
            prompt.fill("field_item", name=k, description=v) for k, v in cfg.report_fields.items()
        )
        return {"fields": fields, "field_names": ", ".join(cfg.report_fields)}

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """Every field filled."""
        if not isinstance(item, dict):
            return None
        out = {k: text(item.get(k)) for k in cfg.report_fields}
        return out if all(out.values()) else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Output: one ``field: text`` line per field, in the configured order."""
        lines = [prompt.fill("output_item", name=k, value=item[k]) for k in cfg.report_fields]
        return prompt.fill("instruction", field_names=", ".join(cfg.report_fields)), "\n".join(lines)


TASK = ReportTask()
