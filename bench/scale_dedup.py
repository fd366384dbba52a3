"""Section ``dedup`` of bench/scale.py: memory of the corpus build's de-duplication per chunk and item.

A text folder (bench/scale_ray.py:text_folder) is ingested and built locally; then, from its chunks and
documents, the in-memory structures are rebuilt under ``tracemalloc``: the near-copy chunk index
(:class:`~corpusforge.corpus.clusters.ChunkIndex`: sampled shingles plus a short reference per kept
chunk) and the first pass's document samples and their index. The SQLite LSH and exact indexes are
measured on disk (bench/scale_ray.py:index_bytes).
"""

from __future__ import annotations

import json
import tempfile
import tracemalloc
from pathlib import Path

from scale_ray import index_bytes, text_folder


def measure(docs: int) -> dict[str, float]:
    """Bytes per chunk (chunk index), per document (first pass) and per index item (disk)."""
    from corpusforge.corpus.clusters import ChunkIndex, cluster_documents, doc_sample
    from corpusforge.corpus.config import CorpusConfig
    from corpusforge.scale.engine import run_corpus, run_ingest
    from corpusforge.workspace import init_workspace

    with tempfile.TemporaryDirectory(prefix="bench-dedup-", dir="/tmp") as t:
        tmp = Path(t)
        text_folder(tmp / "text", docs)
        ws = init_workspace(tmp / "ws")
        run_ingest(ws, [tmp / "text"])
        run_corpus(ws)
        rows = [json.loads(x) for x in (ws.out_dir / "corpus.jsonl").read_text("utf-8").splitlines()]
        texts = ["\n".join(p.text for p in ws.store.iter_pages(d.doc_id)) for d in ws.store.iter_documents()]
        ws.close()
        nd = CorpusConfig().near_dup
        tracemalloc.start()
        idx = ChunkIndex(nd)
        n_samples = 0
        for r in rows:
            s = idx.sample(r["text"])
            n_samples += len(s)
            ref = {"doc_id": r["doc_id"], "source": r["source"], "pages": r["pages"], "text": r["text"][:120]}
            idx.add(s, ref)
        chunk_bytes = tracemalloc.get_traced_memory()[0] / len(rows)
        del idx
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        samples = [doc_sample(nd, x) for x in texts]
        cluster_documents(nd, samples, [len(x) for x in texts])
        doc_bytes = (tracemalloc.get_traced_memory()[1] - base) / len(texts)
        tracemalloc.stop()
        lsh_item, exact_item, bands = index_bytes(tmp)
    return {
        "chunks": len(rows),
        "docs": len(texts),
        "samples_per_chunk": n_samples / len(rows),
        "chunk_bytes": chunk_bytes,
        "doc_bytes": doc_bytes,
        "lsh_item": lsh_item,
        "exact_item": exact_item,
        "bands": bands,
        "chars_per_chunk": sum(len(r["text"]) for r in rows) / len(rows),
        "paragraphs_per_chunk": 6 * docs / len(rows),
    }


def table(m: dict[str, float], docs: int) -> list[str]:
    """The markdown rows of the section."""
    return [
        f"Command: `python bench/scale.py --sections dedup --text-docs {docs} --write`",
        "",
        f"{m['docs']:.0f} documents -> {m['chunks']:.0f} chunks of {m['chars_per_chunk']:.0f} characters "
        f"({m['paragraphs_per_chunk']:.1f} paragraphs per chunk); default corpus settings",
        "",
        "| structure | where | bytes | per |",
        "|---|---|---|---|",
        f"| near-copy chunk index ({m['samples_per_chunk']:.0f} sampled shingles + reference) | RAM | "
        f"{m['chunk_bytes']:.0f} | kept chunk |",
        f"| first pass: document samples + cluster index | RAM | {m['doc_bytes']:.0f} | document |",
        f"| MinHash LSH item (128 x uint32 signature, {m['bands']} band keys, reference) | SQLite file | "
        f"{m['lsh_item']:.0f} | page or paragraph (dedup.near) |",
        f"| exact key + reference | SQLite file | {m['exact_item']:.0f} | document, page, paragraph |",
    ]
