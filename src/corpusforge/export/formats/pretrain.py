"""Pretraining corpus: ``pretrain/corpus.jsonl`` with ``text``, provenance and ``tags``, one line per chunk.

Also ``pretrain/{train,validation,test}.jsonl``: the same chunks split by source document the way the
samples were split (sources with no exported sample go to train), so continued pretraining can leave the
evaluation documents out and ``corpusforge eval`` measures domain perplexity on held-out text.

Reads the chunks in the store (``corpusforge corpus``); when the store has none, reads the corpus step's
``out/corpus.jsonl``. Source filters apply; sample filters (task, status, score) do not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from corpusforge.export.context import ExportContext
from corpusforge.export.formats.base import Format
from corpusforge.export.selection import Filters
from corpusforge.io import read_jsonl

log = logging.getLogger(__name__)


def iter_corpus(ctx: ExportContext, filters: Filters) -> Iterator[dict[str, Any]]:
    """Chunks as pretraining records, from the store or else from out/corpus.jsonl."""
    n = 0
    for c in ctx.ws.store.iter_chunks():
        n += 1
        if filters.source_ok(c.source):
            yield {
                "text": c.text,
                "source": c.source,
                "pages": list(c.pages),
                "chunk_id": c.chunk_id,
                "tags": dict(c.tags or {}),
            }
    if n:
        return
    path = ctx.ws.out_dir / "corpus.jsonl"
    if not path.exists():
        log.warning("pretrain: no chunks in the store and no %s; run `corpusforge corpus` first", path)
        return
    for i, r in enumerate(read_jsonl(path), 1):
        if not isinstance(r.get("text"), str) or not r["text"].strip():
            log.warning("%s:%d: skipped: no 'text' field", path, i)
            continue
        if filters.source_ok(str(r.get("source", ""))):
            yield {
                "text": r["text"],
                "source": r.get("source", ""),
                "pages": list(r.get("pages") or []),
                "chunk_id": r.get("chunk_id", ""),
                "tags": dict(r.get("tags") or {}),
            }


def write(ctx: ExportContext) -> None:
    """Write pretrain/corpus.jsonl, its non-empty splits and its dataset_info.json entry."""
    filters = Filters(sources=list(ctx.cfg.sources))
    rel = "pretrain/corpus.jsonl"
    if not ctx.write_jsonl(rel, iter_corpus(ctx, filters)):
        return  # no chunk: no corpus, no split files, no dataset_info entry
    where = {s.source: split for split, samples in ctx.samples.items() for s in samples}
    for split in ("train", "validation", "test"):
        ctx.write_jsonl(
            f"pretrain/{split}.jsonl",
            (r for r in iter_corpus(ctx, filters) if where.get(r["source"], "train") == split),
        )
    ctx.lf_entries[ctx.lf_name("pretrain")] = {"file_name": rel, "columns": {"prompt": "text"}}


FORMAT = Format(
    help="Continued-pretraining text from the corpus step: pretrain/corpus.jsonl + dataset_info.json",
    write=write,
)
