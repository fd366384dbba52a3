"""Evaluation items: held-out questions with their references and provenance, read from export files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.io import read_jsonl


@dataclass(slots=True)
class EvalItem:
    """One held-out question.

    Attributes:
        prompt: the chat turns up to (not including) the reference answer.
        reference: the reference answer.
    """

    item_id: str
    task: str
    prompt: list[dict[str, str]]
    reference: str
    source: str = ""
    pages: list[int] = field(default_factory=list)
    chunk_ids: list[str] = field(default_factory=list)
    context: str = ""

    @property
    def question(self) -> str:
        """The last user turn."""
        return next((m["content"] for m in reversed(self.prompt) if m["role"] == "user"), "")


def _from_record(i: int, r: dict[str, Any]) -> EvalItem:
    if "messages" in r:
        msgs = r["messages"]
        if not msgs or msgs[-1].get("role") != "assistant":
            raise ValueError(f"record {i}: last message is not the assistant's answer")
        prompt, ref = msgs[:-1], msgs[-1]["content"]
    elif "instruction" in r:
        user = r["instruction"] + (f"\n\n{r['input']}" if r.get("input") else "")
        prompt, ref = [{"role": "user", "content": user}], r["output"]
    elif "question" in r:
        prompt, ref = [{"role": "user", "content": r["question"]}], r["answer"]
    else:
        raise ValueError(f"record {i}: needs messages, instruction/output or question/answer")
    return EvalItem(
        item_id=str(r.get("sample_id") or r.get("id") or i),
        task=r.get("task", "qa"),
        prompt=prompt,
        reference=ref,
        source=r.get("source", ""),
        pages=list(r.get("pages") or []),
        chunk_ids=list(r.get("chunk_ids") or ([r["chunk_id"]] if r.get("chunk_id") else [])),
        context=r.get("context", ""),
    )


def load_items(path: str | Path, limit: int = 0) -> list[EvalItem]:
    """Read the test split: ``messages`` JSONL, alpaca JSON/JSONL, or question/answer JSONL.

    Raises:
        ValueError: naming the file and record when a record has none of those shapes.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "messages" / "test.jsonl" if (path / "messages").is_dir() else path / "test.jsonl"
    if path.suffix == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
    else:
        records = list(read_jsonl(path))
    items = []
    for i, r in enumerate(records):
        try:
            items.append(_from_record(i, r))
        except (KeyError, ValueError) as e:
            raise ValueError(f"{path}: {e}") from None
    return items[:limit] if limit else items


def load_texts(path: str | Path, limit: int = 0) -> list[str]:
    """Texts for perplexity: JSONL with a ``text`` field, or a plain text file split on blank lines."""
    path = Path(path)
    if path.suffix in {".jsonl", ".json"}:
        texts = [r["text"] for r in read_jsonl(path) if r.get("text", "").strip()]
    else:
        texts = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return texts[:limit] if limit else texts


def general_text_path() -> Path:
    """The small general (non-domain) text shipped for measuring forgetting."""
    return Path(__file__).parent / "data" / "general.txt"
