"""``entities``: organisations, people, places, dates and events a chunk mentions, as typed JSON.

The entities are stored on the chunk (``metadata["entities"]``) for later tasks and filters; only
names that occur in the passage are kept (the small models invent some).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.tasks.base import Task, string_list, texts

if TYPE_CHECKING:
    from corpusforge.generate.asking import Item
    from corpusforge.generate.context import RunContext
    from corpusforge.generate.units import Unit
    from corpusforge.records import Sample

KINDS = ("organizations", "people", "places", "dates", "events")
MAX_PER_KIND = 4


def grounded(entities: dict[str, list[str]], passage: str) -> dict[str, list[str]]:
    """Only the names that occur in the passage (case-insensitive), de-duplicated, in order."""
    low = passage.lower()
    out: dict[str, list[str]] = {}
    for kind, names in entities.items():
        seen: list[str] = []
        for n in names:
            if n.lower() in low and n not in seen:
                seen.append(n)
        out[kind] = seen
    return out


class EntitiesTask(Task):
    """Typed entity lists; input: the passage; output: the JSON."""

    name = "entities"
    with_input = True
    budget_scale = 2.5  # five lists of names
    grounded = False  # names, checked against the passage by grounded()
    item_in_metadata = True

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """One list of strings per kind."""
        return {
            "type": "object",
            "properties": {k: string_list(cfg, MAX_PER_KIND) for k in KINDS},
            "required": list(KINDS),
        }

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """An object; missing kinds are empty lists."""
        if not isinstance(item, dict):
            return None
        return {k: texts(item.get(k, [])) for k in KINDS}

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """Output: the entities as JSON (one key per kind)."""
        return prompt.fill("instruction"), json.dumps({k: item[k] for k in KINDS}, ensure_ascii=False)

    def on_commit(self, ctx: RunContext, unit: Unit, item: Item) -> None:
        """Keep only the names found in the passage, and store them on the unit's chunks."""
        item.data = grounded(item.data, unit.text)
        for c in unit.chunks:
            ctx.store.update_chunk_metadata(c.chunk_id, entities=item.data)
        ctx.summary.entities_chunks += len(unit.chunks)

    def gate_answer(self, sample: Sample) -> str:
        """The names, not the JSON around them."""
        return "; ".join(n for names in sample.metadata.get("entities", {}).values() for n in names)


TASK = EntitiesTask()
