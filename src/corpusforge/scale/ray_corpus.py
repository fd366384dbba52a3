"""The corpus build on a Ray cluster: documents cleaned, MinHashed and chunked by Ray tasks.

Each task cleans a batch of consecutive documents (``ray.batch_chars``), each one against empty
recording indexes (:mod:`corpusforge.scale.replay`), and chunks them. The driver takes the results in
store order. When none of a document's look-ups finds an earlier document's page or paragraph in the
run's shared indexes, the worker's result is the local engine's and its items are added to the indexes;
otherwise the driver cleans that document itself. So the kept set, chunk ids and every duplicate record
are those of the local engine. Near-copy chunks, decontamination and all writes stay on the driver
(:func:`~corpusforge.corpus.pipeline.build_corpus`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from corpusforge.corpus.document import CleanedDoc, DocumentCleaner, Indexes
from corpusforge.corpus.pipeline import Cleaned, clean_one, make_chunks
from corpusforge.records import Chunk, Document, Page
from corpusforge.scale.cluster import connect, in_order, window
from corpusforge.scale.config import RayConfig
from corpusforge.scale.ray_shuffle import shuffled
from corpusforge.scale.replay import Op, RecordingIndex, commit, conflicts
from corpusforge.workspace import Workspace

_SETUP: dict[str, DocumentCleaner] = {}  # per worker process: the cleaner of the current run


@dataclass(slots=True)
class Cleaning:
    """A worker's result for one document: cleaned text, chunks and the index calls behind them."""

    cleaned: CleanedDoc
    chunks: list[Chunk]
    page_ops: list[Op]
    para_ops: list[Op]


def clean_task(setup: list[Any], batch: list[tuple[Document, list[Page]]]) -> list[Cleaning | None]:
    """What a worker does with a batch of documents (None for one that raised: the driver then cleans it)."""
    import ray

    key = setup[0].hex()
    if key not in _SETUP:
        _SETUP.clear()
        cfg, languages, shared = ray.get(setup[0])
        _SETUP[key] = DocumentCleaner(cfg, languages, _fresh(cfg), shared)
    return [_clean(_SETUP[key], doc, pages) for doc, pages in batch]


def _clean(cleaner: DocumentCleaner, doc: Document, pages: list[Page]) -> Cleaning | None:
    cleaner.idx = _fresh(cleaner.cfg)
    try:
        cleaned = cleaner.clean(doc, pages)
        chunks = make_chunks(cleaner.cfg, doc, cleaned)
    except Exception:  # noqa: BLE001 - the driver repeats it to record the same failure
        return None
    idx = cleaner.idx
    assert isinstance(idx.pages, RecordingIndex) and isinstance(idx.paragraphs, RecordingIndex)
    return Cleaning(cleaned, chunks, idx.pages.ops, idx.paragraphs.ops)


def clean_sigs_task(setup: list[Any], batch: list[tuple[Document, list[Page]]]) -> tuple[Any, Any]:
    """:func:`clean_task`, plus the signatures its page and paragraph queries asked about."""
    import numpy as np

    got = clean_task(setup, batch)
    n = _num_perm(setup)
    sigs = [[op[1] for c in got if c is not None for op in ops(c) if op[0] == "query"] for ops in _OPS]
    return got, [np.stack(s) if s else np.zeros((0, n), dtype=np.uint32) for s in sigs]


_OPS = (lambda c: c.page_ops, lambda c: c.para_ops)


def _num_perm(setup: list[Any]) -> int:
    """Signature length of the run of ``setup``."""
    return int(_SETUP[setup[0].hex()].cfg.dedup.num_perm)


def _fresh(cfg: Any) -> Indexes:
    d = cfg.dedup
    return Indexes(
        RecordingIndex(d.threshold, d.num_perm, d.recall_weight),
        RecordingIndex(d.threshold, d.num_perm, d.recall_weight),
    )


Group = list[tuple[int, Document, list[Page] | None]]  # None: a near copy, or its pages failed to load


def ray_docs(cfg: RayConfig) -> Any:
    """A :data:`~corpusforge.corpus.pipeline.DocRunner` cleaning the documents on the cluster of ``cfg``."""

    def run(
        ws: Workspace, docs: list[Document], skip: set[int], cleaner: DocumentCleaner
    ) -> Iterator[Callable[[], Cleaned]]:
        ray = connect(cfg)
        task = ray.remote(num_cpus=cfg.num_cpus, max_retries=cfg.max_retries)(clean_task)
        setup = [ray.put((ws.config.corpus, cleaner.languages, cleaner.shared))]

        def submit(group: Group) -> Any:
            work = [(doc, pages) for _, doc, pages in group if pages is not None]
            return task.remote(setup, work) if work else None

        groups = _groups(ws, docs, skip, cfg.batch_chars)
        if cfg.lsh == "shuffle":
            refs = shuffled(ray, cfg, setup, groups, cleaner, clean_sigs_task)
            groups = _groups(ws, docs, skip, cfg.batch_chars)  # read again: pages are not kept meanwhile
            pairs: Any = zip(groups, refs, strict=True)
        else:
            pairs = in_order(groups, submit, window(cfg))
        for group, ref in pairs:
            results = functools.lru_cache(maxsize=1)(lambda ref=ref: ray.get(ref))
            k = 0
            for i, doc, pages in group:
                if pages is None:  # done here: the step fails the document as the local engine does
                    yield functools.partial(clean_one, ws, cleaner, doc, i in skip)
                else:
                    yield functools.partial(_finish, ws, cleaner, doc, pages, results, k)
                    k += 1

    return run


def _groups(ws: Workspace, docs: list[Document], skip: set[int], limit: int) -> Iterator[Group]:
    """Consecutive documents with their pages, in groups holding at least ``limit`` characters."""
    group: Group = []
    size = 0
    for i, doc in enumerate(docs):
        pages = None
        if i not in skip:
            try:
                pages = list(ws.store.iter_pages(doc.doc_id))
            except Exception:  # noqa: BLE001 - the step repeats it, to fail the document as local does
                pages = None
        group.append((i, doc, pages))
        size += sum(len(p.text) for p in pages or [])
        if size >= limit:
            yield group
            group, size = [], 0
    if group:
        yield group


def _finish(
    ws: Workspace, cleaner: DocumentCleaner, doc: Document, pages: list[Page], results: Any, k: int
) -> Cleaned:
    got: Cleaning | None = results()[k]
    idx = cleaner.idx
    if got is None or conflicts(idx.pages, got.page_ops) or conflicts(idx.paragraphs, got.para_ops):
        cleaned = cleaner.clean(doc, pages)  # an earlier document has a say: decided here, as locally
        return pages, cleaned, make_chunks(ws.config.corpus, doc, cleaned)
    commit(idx.pages, got.page_ops)
    commit(idx.paragraphs, got.para_ops)
    return pages, got.cleaned, got.chunks
