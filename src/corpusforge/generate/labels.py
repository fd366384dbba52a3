"""Document tags on samples: which tags a unit carries, and the instruction prefix that names them.

The prefix wording is one small table per prompt language (``TAG_PREFIX``), used when
``generate.tags_in_instruction`` is on: ``来源：topic=水务，authority=官方。<instruction>``.
"""

from __future__ import annotations

from typing import Any

from corpusforge.generate.units import Unit

# lang -> (lead, separator between tags, end before the instruction)
TAG_PREFIX: dict[str, tuple[str, str, str]] = {
    "zh": ("来源：", "，", "。"),
    "en": ("Source: ", ", ", ". "),
}


def unit_tags(unit: Unit) -> dict[str, Any]:
    """The document's tags overlaid with its chunks' tags and classify labels (a chunk's tag wins)."""
    tags = dict(unit.doc.tags or {})
    for c in unit.chunks:
        tags.update(c.tags or {})
        labels = (c.metadata or {}).get("labels")
        if isinstance(labels, dict):
            tags.update(labels)
    return tags


def tag_prefix(tags: dict[str, Any], lang: str) -> str:
    """``来源：k=v，k2=v2。`` / ``Source: k=v, k2=v2. `` in the prompt language (``""`` without tags)."""
    if not tags:
        return ""
    lead, sep, end = TAG_PREFIX.get(lang, TAG_PREFIX["en"])
    return lead + sep.join(f"{k}={v}" for k, v in sorted(tags.items())) + end
