"""How records become rows and rows become records: the JSON columns are encoded here and nowhere else."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from corpusforge.records import Chunk, Document, Sample

JSON_COLS = {"tags", "metadata", "pages", "chunk_ids", "messages", "reasons", "scores", "summary", "evidence"}
SAMPLE_FIELDS = [f for f in Sample.__slots__]  # type: ignore[attr-defined]


def dump(v: Any) -> str:
    """JSON text of a column value (keys sorted, non-ASCII kept)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


_EMPTY: dict[str, Any] = {"[]": list, "{}": dict}


def load(v: Any) -> Any:
    """A JSON column's value decoded (``[]`` and ``{}``, the most common, without the parser)."""
    if not isinstance(v, str):
        return v
    empty = _EMPTY.get(v)
    return empty() if empty is not None else json.loads(v)


def row(r: sqlite3.Row) -> dict[str, Any]:
    """A row as a dict, its JSON columns decoded."""
    d = dict(r)
    for k in JSON_COLS & d.keys():
        d[k] = load(d[k])
    return d


def to_document(r: sqlite3.Row) -> Document:
    """A ``documents`` row as a :class:`Document`."""
    d = row(r)
    return Document(
        doc_id=d["doc_id"],
        source=d["source"],
        path=d["path"],
        kind=d["kind"],
        title=d["title"] or "",
        lang=d["lang"] or "",
        n_pages=d["n_pages"] or 0,
        tags=d["tags"],
        metadata=d["metadata"],
    )


def to_chunk(r: sqlite3.Row) -> Chunk:
    """A ``chunks`` row as a :class:`Chunk`."""
    d = row(r)
    return Chunk(
        chunk_id=d["chunk_id"],
        doc_id=d["doc_id"],
        source=d["source"],
        pages=d["pages"],
        text=d["text"],
        index=d["idx"],
        start=d["start"] or 0,
        end=d["end"] or 0,
        tokens=d["tokens"] or 0,
        lang=d["lang"] or "",
        tags=d["tags"],
        metadata=d["metadata"],
    )


def sample_row(s: Sample) -> dict[str, Any]:
    """The column values of a sample, JSON columns encoded."""
    return {k: (dump(getattr(s, k)) if k in JSON_COLS else getattr(s, k)) for k in SAMPLE_FIELDS}


def sample_of(names: list[str], values: tuple[Any, ...], json_at: list[int]) -> Sample:
    """A :class:`Sample` from the values of the columns ``names`` (those at ``json_at`` JSON text)."""
    vals = list(values)
    for i in json_at:
        vals[i] = load(vals[i])
    return Sample(**dict(zip(names, vals, strict=True)))


def to_sample(r: sqlite3.Row) -> Sample:
    """A ``samples`` row as a :class:`Sample` (fields the row lacks get their defaults)."""
    d = row(r)
    return Sample(**{k: d[k] for k in SAMPLE_FIELDS if k in d})
