"""``build_corpus``: the continued-pretraining corpus from the pages in the store, one document at a time.

Memory stays flat as the corpus grows: pages are read per document, chunks are written to the store and
streamed to the output files per document, and the de-duplication indexes live in temporary SQLite files.
A rerun replaces each document's chunks (never duplicates them) and rebuilds the drop/duplicate records.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from corpusforge.corpus.chunker import Span, chunk_spans
from corpusforge.corpus.document import CleanedDoc, DocumentCleaner, Indexes
from corpusforge.corpus.lsh import DedupIndex
from corpusforge.corpus.stats import CorpusStats
from corpusforge.corpus.tokens import tokenizer_name
from corpusforge.io import atomic_open
from corpusforge.progress import NO_PROGRESS, Progress
from corpusforge.records import Chunk, Document
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

CORPUS_FILE = "corpus.jsonl"
STATS_FILE = "corpus_stats.json"
REMOVED_FILE = "corpus_removed.jsonl"
LLAMAFACTORY_DIR = "llamafactory"


def _record_removed(ws: Workspace, doc: Document, cleaned: CleanedDoc, stats: CorpusStats) -> None:
    drops: list[dict[str, Any]] = []
    dups: list[dict[str, Any]] = []
    for r in cleaned.removed:
        base = {
            "doc_id": doc.doc_id,
            "source": doc.source,
            "unit": r.unit,
            "pages": r.pages,
            "chars": len(r.text),
            "text": r.text[:300],
        }
        if r.reason:
            stats.count(stats.filtered, r.reason, len(r.text))
            drops.append({**base, "reason": r.reason})
        else:
            stats.count(stats.duplicates, f"{r.unit}_{r.kind}", len(r.text))
            dups.append(
                {
                    **base,
                    "kind": r.kind,
                    "similarity": r.similarity,
                    "kept_doc_id": r.kept["doc_id"],
                    "kept_source": r.kept["source"],
                    "kept_pages": r.kept["pages"],
                    "kept_text": r.kept["text"],
                }
            )
    ws.store.add_corpus_removed(drops, dups)


def _chunks(ws: Workspace, doc: Document, cleaned: CleanedDoc) -> list[Chunk]:
    cfg = ws.config.corpus
    spans = chunk_spans(
        cleaned.text, cleaned.blocks, cfg.chunk_tokens, min(cfg.chunk_overlap, cfg.chunk_tokens // 2)
    )
    return [
        Chunk(
            chunk_id=f"{doc.doc_id}-{i:05d}",
            doc_id=doc.doc_id,
            source=doc.source,
            pages=s.pages,
            text=cleaned.text[s.start : s.end],
            index=i,
            start=s.start,
            end=s.end,
            tokens=s.tokens,
            lang=s.lang,
            tags=dict(doc.tags),
            metadata=_meta(s),
        )
        for i, s in enumerate(spans)
    ]


def _meta(s: Span) -> dict[str, object]:
    meta: dict[str, object] = {}
    if s.heading:
        meta["heading"] = s.heading
    if s.cut:
        meta["cut_sentence"] = True
    return meta


def build_corpus(
    ws: Workspace, out_dir: str | Path | None = None, progress: Progress | None = None
) -> CorpusStats:
    """Clean, filter, de-duplicate and chunk every current document; write chunks and output files.

    Args:
        ws: the workspace (documents and pages come from its store; chunks go back to it).
        out_dir: folder for ``corpus.jsonl``, ``llamafactory/``, ``corpus_stats.json`` and
            ``corpus_removed.jsonl`` (what was dropped and why; default ``ws.out_dir``).
        progress: where to report documents done; None: silent.

    Returns:
        The run's statistics (also written to ``corpus_stats.json``).
    """
    t0 = time.perf_counter()
    out = Path(out_dir) if out_dir else ws.out_dir
    cfg = ws.config.corpus
    stats = CorpusStats(tokenizer=tokenizer_name(), out_dir=str(out))
    docs = list(ws.store.iter_documents())
    ws.store.clear_corpus_removed()
    _remove_stale_indexes(ws.root / ".corpusforge")
    tmp = tempfile.TemporaryDirectory(prefix="corpus-dedup-", dir=ws.root / ".corpusforge")
    d = cfg.dedup
    indexes = Indexes(
        DedupIndex(d.threshold, d.num_perm, Path(tmp.name) / "pages.db", d.recall_weight),
        DedupIndex(d.threshold, d.num_perm, Path(tmp.name) / "paragraphs.db", d.recall_weight),
    )
    cleaner = DocumentCleaner(cfg, ws.config.project.languages, indexes)
    lf = out / LLAMAFACTORY_DIR
    with ExitStack() as stack:
        stack.callback(tmp.cleanup)
        stack.callback(indexes.close)
        f_corpus = stack.enter_context(atomic_open(out / CORPUS_FILE))
        f_lf = stack.enter_context(atomic_open(lf / f"{cfg.llamafactory_name}.jsonl"))
        bar = progress or NO_PROGRESS
        bar.start("corpus", total=len(docs))
        stack.callback(bar.stop)
        for doc in docs:
            stats.documents += 1
            try:
                pages = list(ws.store.iter_pages(doc.doc_id))
                cleaned = cleaner.clean(doc, pages)
                chunks = _chunks(ws, doc, cleaned)
            except Exception as e:  # noqa: BLE001 - one bad document must not stop the run
                log.error("%s: cannot build corpus chunks: %s", doc.source, e)
                stats.failed.append((doc.source, f"{type(e).__name__}: {e}"))
                bar.advance(1, note=doc.source)
                continue
            ws.store.put_chunks(doc.doc_id, chunks)
            _record_removed(ws, doc, cleaned, stats)
            stats.pages += len(pages)
            stats.chars_in += cleaned.chars_in
            stats.lines_removed += cleaned.lines_removed
            stats.chars_out += len(cleaned.text)
            for b in cleaned.blocks:
                stats.languages[b.lang] = stats.languages.get(b.lang, 0) + b.end - b.start
            if chunks:
                stats.documents_kept += 1
            for ch in chunks:
                stats.chunks += 1
                stats.tokens += ch.tokens
                row = {
                    "text": ch.text,
                    "source": ch.source,
                    "pages": ch.pages,
                    "chunk_id": ch.chunk_id,
                    "tokens": ch.tokens,
                    "doc_id": ch.doc_id,
                    "lang": ch.lang,
                    "start": ch.start,
                    "end": ch.end,
                    "tags": ch.tags,
                }
                f_corpus.write(json.dumps(row, ensure_ascii=False) + "\n")
                f_lf.write(json.dumps({"text": ch.text}, ensure_ascii=False) + "\n")
            bar.advance(1, note=doc.source)
    _write_dataset_info(lf, cfg.llamafactory_name)
    _write_removed(ws, out / REMOVED_FILE)
    stats.seconds = round(time.perf_counter() - t0, 3)
    with atomic_open(out / STATS_FILE) as f:
        json.dump(stats.to_dict(), f, ensure_ascii=False, indent=2)
    log.info("corpus: %d chunks, %d tokens from %d documents", stats.chunks, stats.tokens, stats.documents)
    return stats


def _remove_stale_indexes(folder: Path, max_age_s: float = 6 * 3600) -> None:
    """Delete dedup index folders left behind by runs that were killed (older than ``max_age_s``)."""
    for d in folder.glob("corpus-dedup-*"):
        if time.time() - d.stat().st_mtime > max_age_s:
            shutil.rmtree(d, ignore_errors=True)


def _write_removed(ws: Workspace, path: Path) -> None:
    """Stream what the filters dropped and each duplicate with its kept copy to a JSONL file, for reading."""
    with atomic_open(path) as f:
        for r in ws.store.iter_corpus_drops():
            f.write(json.dumps({"removed_by": "filter", **r}, ensure_ascii=False) + "\n")
        for r in ws.store.iter_corpus_duplicates():
            row = {
                "removed_by": "dedup",
                "source": r["source"],
                "unit": r["unit"],
                "pages": r["pages"],
                "kind": r["kind"],
                "similarity": r["similarity"],
                "chars": r["chars"],
                "text": r["text"],
                "kept": {"source": r["kept_source"], "pages": r["kept_pages"], "text": r["kept_text"]},
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_dataset_info(lf: Path, name: str) -> None:
    """LLaMA-Factory's dataset_info.json entry for a pretraining dataset (one ``text`` column)."""
    path = lf / "dataset_info.json"
    info = {}
    if path.exists():
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            log.warning("%s: not valid JSON; rewriting it", path)
    info[name] = {"file_name": f"{name}.jsonl", "columns": {"prompt": "text"}}
    with atomic_open(path) as f:
        json.dump(info, f, ensure_ascii=False, indent=2)
