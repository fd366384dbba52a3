"""Passages the knowledge base indexes: the workspace's chunks, and any JSONL of ``id``, ``text``, ``source``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.records import content_hash
from corpusforge.store import Store


@dataclass(slots=True)
class Passage:
    """One indexed passage with its provenance.

    Attributes:
        id: chunk id (or the JSONL ``id``); source: file name; pages: 1-based pages (may be empty).
    """

    id: str
    text: str
    source: str
    pages: list[int] = field(default_factory=list)
    doc_id: str = ""
    lang: str = ""

    @property
    def hash(self) -> str:
        """Hash of the text (embeddings are reused across builds when it is unchanged)."""
        return content_hash(self.text)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return asdict(self)


def from_store(store: Store) -> Iterator[Passage]:
    """The current chunks, in (source, index) order."""
    for c in store.iter_chunks():
        yield Passage(
            id=c.chunk_id, text=c.text, source=c.source, pages=list(c.pages), doc_id=c.doc_id, lang=c.lang
        )


def from_jsonl(path: str | Path, errors: list[str]) -> Iterator[Passage]:
    """Passages of a JSONL file (``id``, ``text``, ``source``; optional ``pages``).

    A bad line is skipped with a one-line reason appended to ``errors`` (``file:line: reason``).
    """
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{i}"
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: not valid JSON ({e.msg})")
                continue
            if not isinstance(r, dict):
                errors.append(f"{where}: expected an object with id, text, source")
                continue
            missing = [k for k in ("id", "text", "source") if not str(r.get(k) or "").strip()]
            if missing:
                errors.append(f"{where}: missing {', '.join(missing)}")
                continue
            pages = r.get("pages") or []
            pages = [pages] if isinstance(pages, int) else pages
            if not isinstance(pages, list) or not all(isinstance(p, int) for p in pages):
                errors.append(f"{where}: pages must be a list of integers")
                continue
            yield Passage(
                id=str(r["id"]),
                text=str(r["text"]),
                source=str(r["source"]),
                pages=pages,
                doc_id=str(r.get("doc_id", "")),
                lang=str(r.get("lang", "")),
            )
