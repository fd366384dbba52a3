"""OpenAI/Qwen chat JSONL: ``{"messages": [system, user, assistant], provenance...}`` per split.

TRL's SFTTrainer reads it as a conversational dataset; Qwen's fine-tuning scripts and the OpenAI
fine-tuning API read the ``messages`` field; the extra fields are ignored by all of them.
"""

from __future__ import annotations

from corpusforge.export.context import ExportContext
from corpusforge.export.formats.base import Format, labels
from corpusforge.export.selection import chat_turns, provenance

LF_TAGS = {
    "role_tag": "role",
    "content_tag": "content",
    "user_tag": "user",
    "assistant_tag": "assistant",
    "system_tag": "system",
}


def write(ctx: ExportContext) -> None:
    """Write messages/<split>.jsonl and the matching LLaMA-Factory entries (non-empty splits only)."""
    for split, samples in ctx.samples.items():
        rel = f"messages/{split}.jsonl"
        records = (  # a generator: the samples stream from the store to the file
            {"messages": chat_turns(s, ctx.cfg.system_prompt), **provenance(s), **labels(s)} for s in samples
        )
        if ctx.write_jsonl(rel, records):
            ctx.lf_entries[ctx.lf_name("messages", split)] = {
                "file_name": rel,
                "formatting": "sharegpt",
                "columns": {"messages": "messages"},
                "tags": LF_TAGS,
            }


FORMAT = Format(
    help="OpenAI/Qwen/TRL chat JSONL (messages with a system prompt): messages/{train,validation,test}.jsonl",
    write=write,
)
