"""``build_corpus``: the continued-pretraining corpus from the pages in the store, one document at a time.

Memory stays flat as the corpus grows: pages are read per document, chunks are written to the store and
streamed to the output files per document, and the de-duplication indexes live in temporary SQLite files.
A rerun replaces each document's chunks (never duplicates them) and rebuilds the drop/duplicate records.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from corpusforge.corpus.chunker import Span, chunk_spans
from corpusforge.corpus.clusters import ChunkIndex
from corpusforge.corpus.config import CorpusConfig
from corpusforge.corpus.decontam import OverlapIndex
from corpusforge.corpus.document import CleanedDoc, DocumentCleaner, Indexes, Removed
from corpusforge.corpus.firstpass import FirstPass, first_pass
from corpusforge.corpus.lsh import DedupIndex
from corpusforge.corpus.stats import CorpusStats
from corpusforge.corpus.tokens import tokenizer_name
from corpusforge.io import atomic_open
from corpusforge.progress import NO_PROGRESS, Progress
from corpusforge.records import Chunk, Document, Page
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

CORPUS_FILE = "corpus.jsonl"
STATS_FILE = "corpus_stats.json"
REMOVED_FILE = "corpus_removed.jsonl"
CONTAMINATED_FILE = "corpus_contaminated.jsonl"
BOILERPLATE_FILE = "corpus_boilerplate.jsonl"
LLAMAFACTORY_DIR = "llamafactory"
PREVIEW = 300
PREVIEW_KEPT = 120  # characters of each kept chunk held in memory to name it when a later copy is dropped


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
            if r.reason != "shared_boilerplate":  # counted once, in stats.boilerplate
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


def make_chunks(cfg: CorpusConfig, doc: Document, cleaned: CleanedDoc) -> list[Chunk]:
    """The chunks of a cleaned document (ids ``{doc_id}-{index:05d}``), before near-copy and decontamination."""
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


Cleaned = tuple[list[Page], CleanedDoc | None, list[Chunk]]
"""A document's pages, its cleaned text (None: left out whole as a near copy) and its chunks."""
DocRunner = Callable[[Workspace, list[Document], set[int], DocumentCleaner], Iterator[Callable[[], Cleaned]]]
"""How the documents are cleaned: one step per document, in order, each called before the next is asked
for (``skip``: indexes of the near copies); engines differ here, the decisions do not."""


def local_docs(
    ws: Workspace, docs: list[Document], skip: set[int], cleaner: DocumentCleaner
) -> Iterator[Callable[[], Cleaned]]:
    """The local engine: each document cleaned and chunked in this process when its step is called."""
    for i, doc in enumerate(docs):
        yield functools.partial(clean_one, ws, cleaner, doc, i in skip)


def clean_one(ws: Workspace, cleaner: DocumentCleaner, doc: Document, near_copy: bool) -> Cleaned:
    """One document's pages, cleaned text and chunks, against the run's shared indexes."""
    pages = list(ws.store.iter_pages(doc.doc_id))
    if near_copy:
        return pages, None, []
    cleaned = cleaner.clean(doc, pages)
    return pages, cleaned, make_chunks(ws.config.corpus, doc, cleaned)


def build_corpus(
    ws: Workspace,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
    clean_docs: DocRunner | None = None,
) -> CorpusStats:
    """Clean, filter, de-duplicate and chunk every current document; write chunks and output files.

    Args:
        ws: the workspace (documents and pages come from its store; chunks go back to it).
        out_dir: folder for ``corpus.jsonl``, ``llamafactory/``, ``corpus_stats.json`` and
            ``corpus_removed.jsonl`` (what was dropped and why; default ``ws.out_dir``).
        progress: where to report documents done; None: silent.
        clean_docs: the engine (default :func:`local_docs`).

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
    fp = first_pass(ws, docs)
    shared = fp.shared
    cleaner = DocumentCleaner(cfg, ws.config.project.languages, indexes, shared)
    near_chunks = ChunkIndex(cfg.near_dup) if cfg.near_dup.enabled else None
    lf = out / LLAMAFACTORY_DIR
    with ExitStack() as stack:
        stack.callback(tmp.cleanup)
        stack.callback(indexes.close)
        f_corpus = stack.enter_context(atomic_open(out / CORPUS_FILE))
        f_lf = stack.enter_context(atomic_open(lf / f"{cfg.llamafactory_name}.jsonl"))
        f_cont = stack.enter_context(atomic_open(out / CONTAMINATED_FILE))
        decon = fp.heldout
        bar = progress or NO_PROGRESS
        bar.start("corpus", total=len(docs))
        stack.callback(bar.stop)
        steps = (clean_docs or local_docs)(ws, docs, set(fp.clusters.removed), cleaner)
        for i, (doc, step) in enumerate(zip(docs, steps, strict=True)):
            stats.documents += 1
            try:
                pages, got, chunks = step()
                if got is None:
                    cleaned = _near_copy(ws, docs, i, pages, fp)
                else:
                    cleaned = got
                    if near_chunks is not None:
                        chunks = _near_chunks(chunks, near_chunks, cleaned)
            except Exception as e:  # noqa: BLE001 - one bad document must not stop the run
                log.error("%s: cannot build corpus chunks: %s", doc.source, e)
                stats.failed.append((doc.source, f"{type(e).__name__}: {e}"))
                bar.advance(1, note=doc.source)
                continue
            if decon is not None and doc.source not in fp.split_of_source:
                chunks = _decontaminate(chunks, decon, cfg.decontam.action, stats, f_cont)
            ws.store.put_chunks(doc.doc_id, chunks)
            _record_removed(ws, doc, cleaned, stats)
            _count_boilerplate(cleaned, stats)
            stats.pages += len(pages)
            stats.chars_in += cleaned.chars_in
            stats.lines_removed += cleaned.lines_removed
            stats.chars_out += _covered(chunks)  # not the text of chunks dropped as near copies
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


def _covered(chunks: list[Chunk]) -> int:
    """Characters of the cleaned text inside the kept chunks (overlaps between chunks counted once)."""
    n, end = 0, 0
    for ch in sorted(chunks, key=lambda c: c.start):
        if ch.end > end:
            n += ch.end - max(ch.start, end)
            end = ch.end
    return n


def _count_boilerplate(cleaned: CleanedDoc, stats: CorpusStats) -> None:
    lines = [r for r in cleaned.removed if r.reason == "shared_boilerplate"]
    b = stats.boilerplate
    if not b:
        b.update(paragraphs=0, chars=0, documents=0, distinct=0)
    if lines:
        b["paragraphs"] += len(lines)
        b["chars"] += sum(len(r.text) for r in lines)
        b["documents"] += 1


def _near_copy(ws: Workspace, docs: list[Document], i: int, pages: list, fp: FirstPass) -> CleanedDoc:  # type: ignore[type-arg]
    """A document left out whole as a near copy of a kept one (``corpus.near_dup``)."""
    k, share = fp.clusters.removed[i]
    kept = docs[k]
    first = next(iter(ws.store.iter_pages(kept.doc_id)), None)
    ref = {
        "doc_id": kept.doc_id,
        "source": kept.source,
        "pages": list(range(1, kept.n_pages + 1)),
        "text": first.text[:PREVIEW] if first else "",
    }
    text = "\n".join(p.text for p in pages).strip()
    removed = [Removed("document", [p.page for p in pages], text, kind="near", similarity=share, kept=ref)]
    return CleanedDoc("", [], removed, sum(len(p.text) for p in pages), 0)


def _near_chunks(chunks: list[Chunk], idx: ChunkIndex, cleaned: CleanedDoc) -> list[Chunk]:
    """Chunks whose text is mostly contained in chunks kept from earlier documents are left out."""
    kept: list[tuple[Chunk, np.ndarray]] = []
    for ch in chunks:
        s = idx.sample(ch.text)
        hit = idx.check(s)
        if hit is None:
            kept.append((ch, s))
            continue
        cleaned.removed.append(
            Removed("chunk", ch.pages, ch.text, kind="near", similarity=hit[0], kept=dict(hit[1]))
        )
    for ch, sm in kept:  # added after the whole document: its own overlapping chunks do not count
        ref: dict[str, object] = {
            "doc_id": ch.doc_id,
            "source": ch.source,
            "pages": ch.pages,
            "text": ch.text[:PREVIEW_KEPT],
        }
        idx.add(sm, ref)
    return [ch for ch, _ in kept]


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
