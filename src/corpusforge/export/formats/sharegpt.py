"""LLaMA-Factory ShareGPT JSONL: ``conversations`` of human/gpt turns and a ``system`` field (+ provenance)."""

from __future__ import annotations

from typing import Any

from corpusforge.export.context import ExportContext
from corpusforge.export.formats.base import Format, labels
from corpusforge.export.selection import chat_turns, provenance
from corpusforge.records import Sample

ROLE_TO_FROM = {"user": "human", "assistant": "gpt"}


def _record(s: Sample, system_prompt: str) -> dict[str, Any]:
    turns = chat_turns(s, "")
    system = turns[0]["content"] if turns and turns[0]["role"] == "system" else system_prompt
    convs = [{"from": ROLE_TO_FROM[t["role"]], "value": t["content"]} for t in turns if t["role"] != "system"]
    return {"conversations": convs, "system": system, **provenance(s), **labels(s)}


def write(ctx: ExportContext) -> None:
    """Write sharegpt/<split>.jsonl and one dataset_info.json entry per split."""
    for split, samples in ctx.samples.items():
        rel = f"sharegpt/{split}.jsonl"
        records = (_record(s, ctx.cfg.system_prompt) for s in samples)  # streamed to the file
        if ctx.write_jsonl(rel, records):
            ctx.lf_entries[ctx.lf_name("sharegpt", split)] = {
                "file_name": rel,
                "formatting": "sharegpt",
                "columns": {"messages": "conversations", "system": "system"},
            }


FORMAT = Format(
    help="LLaMA-Factory ShareGPT (conversations human/gpt + system): sharegpt/{split}.jsonl + dataset_info.json",
    write=write,
)
