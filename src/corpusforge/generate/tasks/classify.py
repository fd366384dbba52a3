"""``classify``: one label of each of the user's label sets for a passage, with reasons.

The label sets are ``generate.classify.labels`` (named sets, e.g. ``topic`` and ``doc_type``) or, when
that is empty, the one unnamed set ``generate.labels``. The reply has one field per set (``label`` for the
unnamed set) holding a label of that set (a JSON-schema ``enum``) and the reasons. The label of each
named set is stored on the passage's chunks (``Chunk.metadata["labels"]``, also in the store), and every
sample made from those chunks carries it as a tag: ``tags[<set name>] = label`` (this task's sample and
those of the tasks listed after ``classify`` in the same run, or made in a later run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string_list, text, texts

if TYPE_CHECKING:
    from corpusforge.generate.asking import Item
    from corpusforge.generate.context import RunContext
    from corpusforge.generate.units import Unit


def label_sets(cfg: GenerateConfig) -> dict[str, dict[str, str]]:
    """Set name -> {label: description} (the unnamed set is ``label``)."""
    return cfg.classify.sets(cfg.labels)


class ClassifyTask(Task):
    """Instruction: classify with the label names; input: the passage; output: label(s) and reasons."""

    name = "classify"
    with_input = True
    grounded = False  # a label, not text from the passage
    item_in_metadata = True

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """``{"label": <one of the labels>, "reasons": [...]}`` (named sets: one field per set)."""
        sets = label_sets(cfg)
        props: dict[str, Any] = {k: {"type": "string", "enum": list(v)} for k, v in sets.items()}
        return {
            "type": "object",
            "properties": {**props, "reasons": string_list(cfg)},
            "required": [*sets, "reasons"],
        }

    def request_vars(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> dict[str, Any]:
        """The label list with descriptions (named sets: a list per set, and the reply's fields)."""
        sets = label_sets(cfg)

        def listing(labels: dict[str, str]) -> str:
            return "\n".join(
                prompt.fill("label_item", name=k, description=v) if v else f"- {k}" for k, v in labels.items()
            )

        if not cfg.classify.labels:
            return {"labels": listing(sets["label"]), "label_names": ", ".join(sets["label"])}
        blocks = "\n".join(prompt.fill("set_item", name=k) + "\n" + listing(v) for k, v in sets.items())
        fields = ", ".join(f'"{k}": "..."' for k in sets)
        return {"labels": blocks, "fields": fields, "label_names": _names(sets)}

    def request_text(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> str:
        """The prompt's ``request`` (unnamed set) or ``request_sets`` (named sets)."""
        key = "request_sets" if cfg.classify.labels else "request"
        return prompt.fill(key, **self.request_vars(cfg, prompt, n))

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """Each set's label must be one of the set (any case); at least one reason."""
        if not isinstance(item, dict):
            return None
        out: dict[str, Any] = {}
        for name, labels in label_sets(cfg).items():
            by_lower = {k.lower(): k for k in labels}
            label = by_lower.get(text(item.get(name)).lower())
            if not label:
                return None
            out[name] = label
        reasons = texts(item.get("reasons"))
        return {**out, "reasons": reasons} if reasons else None

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Instruction names the labels; output is the label (``set: label`` per named set) and the reasons."""
        reasons = "\n".join(prompt.fill("reason_item", reason=r) for r in item["reasons"])
        sets = label_sets(cfg)
        if not cfg.classify.labels:
            names, label = ", ".join(sets["label"]), item["label"]
        else:
            names, label = _names(sets), "; ".join(f"{k}: {item[k]}" for k in sets)
        return (
            prompt.fill("instruction", label_names=names),
            prompt.fill("output", label=label, reasons=reasons),
        )

    def on_commit(self, ctx: RunContext, unit: Unit, item: Item) -> None:
        """Store the named sets' labels on the unit's chunks (in memory and in the store)."""
        if not ctx.cfg.classify.labels:
            return
        labels = {k: item.data[k] for k in ctx.cfg.classify.labels}
        for c in unit.chunks:
            c.metadata["labels"] = {**c.metadata.get("labels", {}), **labels}
            ctx.store.update_chunk_metadata(c.chunk_id, labels=c.metadata["labels"])


def _names(sets: dict[str, dict[str, str]]) -> str:
    """``topic (a, b); doc_type (c, d)``."""
    return "; ".join(f"{k} ({', '.join(v)})" for k, v in sets.items())


TASK = ClassifyTask()
