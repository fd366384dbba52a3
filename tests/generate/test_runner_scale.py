"""Scheduling a large workspace: jobs are produced lazily, so memory does not grow with the corpus."""

from __future__ import annotations

import json
import time
import tracemalloc
from itertools import islice

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.context import RunContext
from corpusforge.generate.jobs import QAJob, UnitJob
from corpusforge.generate.runner import _jobs
from corpusforge.generate.units import count_work, plan_pairs

N_DOCS, PER_DOC, TEXT = 2000, 50, "The Elm Street plant treats 40,000 cubic metres of water per day. " * 3


def fill(store) -> None:
    """100k chunks in 2,000 documents, written in one transaction (test set-up only)."""
    now = time.time()
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO documents (doc_id, source, path, kind, title, lang, n_pages, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [
                (f"d{i:05d}", f"doc{i:05d}.pdf", f"doc{i:05d}.pdf", "pdf", "", "en", PER_DOC, now)
                for i in range(N_DOCS)
            ],
        )
        c.executemany(
            "INSERT INTO chunks (chunk_id, doc_id, idx, source, pages, text, lang) VALUES (?,?,?,?,?,?,?)",
            [
                (f"d{i:05d}-{j:05d}", f"d{i:05d}", j, f"doc{i:05d}.pdf", json.dumps([j + 1]), TEXT, "en")
                for i in range(N_DOCS)
                for j in range(PER_DOC)
            ],
        )


def test_100k_chunks_are_streamed_with_flat_memory(workspace):
    fill(workspace.store)
    assert count_work(workspace.store, 40, None) == (N_DOCS, N_DOCS * PER_DOC)
    assert count_work(workspace.store, 40, 10) == (10, 10 * PER_DOC)
    ctx = RunContext(ws=workspace, cfg=GenerateConfig(), client=None, gate=None)
    tracemalloc.start()
    try:
        jobs = _jobs(ctx, ["qa", "summary"], None)
        first = list(islice(jobs, 2 + PER_DOC))  # the first document's qa, then one summary per chunk
        _, peak = tracemalloc.get_traced_memory()
        for _ in islice(jobs, 20 * (1 + PER_DOC)):  # 20 more documents
            pass
        _, peak_later = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(first[0], QAJob) and first[0].state.doc.source == "doc00000.pdf"
    assert all(isinstance(j, UnitJob) for j in first[1 : 1 + PER_DOC])
    assert isinstance(first[1 + PER_DOC], QAJob) and first[1 + PER_DOC].state.doc.source == "doc00001.pdf"
    assert ctx.summary.documents == 22
    corpus_bytes = N_DOCS * PER_DOC * len(TEXT)
    assert peak < corpus_bytes / 20, (peak, corpus_bytes)  # never the whole corpus in memory
    assert peak_later < peak * 2 + 1_000_000  # and it does not grow with the documents gone over
    # a document's pairs go to a few of its chunks, one request per chunk
    assert len(plan_pairs(PER_DOC, 5)) == 5
