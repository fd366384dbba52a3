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

from corpusforge.corpus.boilerplate import SharedLines
from corpusforge.corpus.chunker import Span, chunk_spans
from corpusforge.corpus.decontam import OverlapIndex, index_files
from corpusforge.corpus.document import CleanedDoc, DocumentCleaner, Indexes
from corpusforge.corpus.lsh import DedupIndex
from corpusforge.corpus.normalize import normalize_text
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
CONTAMINATED_FILE = "corpus_contaminated.jsonl"
BOILERPLATE_FILE = "corpus_boilerplate.jsonl"
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
    shared = shared_lines(ws, docs)
    cleaner = DocumentCleaner(cfg, ws.config.project.languages, indexes, shared)
    lf = out / LLAMAFACTORY_DIR
    with ExitStack() as stack:
        stack.callback(tmp.cleanup)
        stack.callback(indexes.close)
        f_corpus = stack.enter_context(atomic_open(out / CORPUS_FILE))
        f_lf = stack.enter_context(atomic_open(lf / f"{cfg.llamafactory_name}.jsonl"))
        f_cont = stack.enter_context(atomic_open(out / CONTAMINATED_FILE))
        decon = contamination_index(ws)
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
            if decon is not None:
                chunks = _decontaminate(chunks, decon, cfg.decontam.action, stats, f_cont)
            ws.store.put_chunks(doc.doc_id, chunks)
            _record_removed(ws, doc, cleaned, stats)
            _count_boilerplate(cleaned, stats)
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
    with atomic_open(out / BOILERPLATE_FILE) as f:
        for row in shared.report() if shared else []:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    if shared is not None:
        stats.boilerplate["distinct"] = len(shared.texts)
    stats.seconds = round(time.perf_counter() - t0, 3)
    with atomic_open(out / STATS_FILE) as f:
        json.dump(stats.to_dict(), f, ensure_ascii=False, indent=2)
    log.info("corpus: %d chunks, %d tokens from %d documents", stats.chunks, stats.tokens, stats.documents)
    return stats


def shared_lines(ws: Workspace, docs: list[Document]) -> SharedLines | None:
    """First pass: count each normalised line's documents (``corpus.shared_boilerplate``), or None if off."""
    c = ws.config.corpus.shared_boilerplate
    if not c.enabled:
        return None
    shared = SharedLines(c.min_docs, c.min_chars, list(c.allow))
    t2s = ws.config.corpus.clean.traditional_to_simplified
    for doc in docs:
        shared.add_document(
            line for p in ws.store.iter_pages(doc.doc_id) for line in normalize_text(p.text, t2s).split("\n")
        )
    log.info("corpus: %d lines shared by >= %d documents", len(shared.texts), c.min_docs)
    return shared


def _count_boilerplate(cleaned: CleanedDoc, stats: CorpusStats) -> None:
    lines = [r for r in cleaned.removed if r.reason == "shared_boilerplate"]
    b = stats.boilerplate
    if not b:
        b.update(paragraphs=0, chars=0, documents=0, distinct=0)
    if lines:
        b["paragraphs"] += len(lines)
        b["chars"] += sum(len(r.text) for r in lines)
        b["documents"] += 1


def contamination_index(ws: Workspace) -> OverlapIndex | None:
    """N-grams of the files in ``eval.contamination_files`` (paths relative to the workspace), or None."""
    d = ws.config.corpus.decontam
    files = ws.config.eval.contamination_files
    if not d.enabled or not files:
        return None
    return index_files([ws.root / f for f in files], d.char_ngram, d.word_ngram, d.min_overlaps)


def _decontaminate(
    chunks: list[Chunk], idx: OverlapIndex, action: str, stats: CorpusStats, f: Any
) -> list[Chunk]:
    """Chunks overlapping held-out text are counted, listed in ``f`` and (``drop``) left out."""
    kept = []
    for ch in chunks:
        hit = idx.check(ch.text)
        if hit is None:
            kept.append(ch)
            continue
        stats.count(stats.contaminated, action, len(ch.text))
        row = {"chunk_id": ch.chunk_id, "source": ch.source, "overlaps": hit[0], "held_out": hit[1]}
        f.write(json.dumps({**row, "action": action, "text": ch.text[:300]}, ensure_ascii=False) + "\n")
        if action == "flag":
            ch.metadata["contaminated"] = hit[1]
            kept.append(ch)
    return kept


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
