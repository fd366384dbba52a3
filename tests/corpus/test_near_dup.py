"""Near copies (``corpus.near_dup``): edited copies and excerpts of fixture novels, at document and chunk
level, and unrelated text left alone."""

from __future__ import annotations

import numpy as np
import pytest
from corpus_testlib import add_text, edited, novel

from corpusforge.corpus.clusters import cluster_documents, doc_sample
from corpusforge.corpus.config import NearDupConfig
from corpusforge.corpus.neardup import SampleIndex, fold, sampled_shingles
from corpusforge.corpus.pipeline import build_corpus
from corpusforge.io import read_jsonl


def _chunks_of(ws) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in read_jsonl(ws.out_dir / "corpus.jsonl"):
        out.setdefault(row["source"], []).append(row)
    return out


def _near(ws, unit: str) -> list[dict]:
    return [
        r
        for r in read_jsonl(ws.out_dir / "corpus_removed.jsonl")
        if r["removed_by"] == "dedup" and r["kind"] == "near" and r["unit"] == unit
    ]


@pytest.mark.parametrize("share", [0.02, 0.05])
def test_edited_copy_of_excerpt_removed_whole(workspace, fixtures_dir, share):
    text = novel(fixtures_dir, "sanguoyanyi", 60_000, start=100_000)
    add_text(workspace, "original.txt", [text])
    add_text(workspace, "copy.txt", [edited(text, share)])
    stats = build_corpus(workspace)
    (kept,) = _chunks_of(workspace)  # one of the two (the longer) is kept, with all its chunks
    assert len(_chunks_of(workspace)[kept]) > 50
    assert stats.duplicates["document_near"]["items"] == 1
    (row,) = _near(workspace, "document")
    assert {row["source"], row["kept"]["source"]} == {"copy.txt", "original.txt"} and row["source"] != kept
    assert row["similarity"] >= 0.6


def test_edited_passage_inside_other_text_removed_by_chunk(workspace, fixtures_dir):
    """A 5%-edited 20,000-character passage pasted between 40,000 characters of another novel: the document
    is not a near copy (containment < 0.6) but the passage's chunks are dropped and the rest kept."""
    passage = novel(fixtures_dir, "sanguoyanyi", 20_000, start=200_000)
    add_text(workspace, "sanguo.txt", [novel(fixtures_dir, "sanguoyanyi", 60_000, start=180_000)])
    head = novel(fixtures_dir, "shuihuzhuan", 20_000, start=300_000)
    tail = novel(fixtures_dir, "shuihuzhuan", 20_000, start=400_000)
    add_text(workspace, "mixed.txt", [head + "\n" + edited(passage, 0.05, seed=3) + "\n" + tail])
    stats = build_corpus(workspace)
    kept = "".join(r["text"] for r in _chunks_of(workspace)["mixed.txt"])
    assert "document_near" not in stats.duplicates
    dropped = _near(workspace, "chunk")
    assert dropped and all({r["source"], r["kept"]["source"]} == {"sanguo.txt", "mixed.txt"} for r in dropped)
    assert sum(r["chars"] for r in dropped) >= 0.9 * len(passage)  # the passage is kept once, not twice
    chunks = [c for v in _chunks_of(workspace).values() for c in v]
    assert stats.chars_out <= sum(r["end"] - r["start"] for r in chunks)  # dropped chunks not counted
    left = sampled_shingles(kept, 6, 5, 1)
    for part in (head, tail):  # precision: the other novel's text all kept
        assert np.isin(sampled_shingles(part[200:-200], 6, 5, 1), left).mean() > 0.95


def test_excerpt_clusters_with_source_longest_kept(workspace, fixtures_dir):
    source = novel(fixtures_dir, "shuihuzhuan", 150_000, start=50_000)
    add_text(workspace, "excerpt.txt", [source[40_000:100_000]])  # first in the store, shorter
    add_text(workspace, "book.txt", [source])
    build_corpus(workspace)
    chunks = _chunks_of(workspace)
    assert set(chunks) == {"book.txt"}
    (row,) = _near(workspace, "document")
    assert row["source"] == "excerpt.txt" and row["kept"]["source"] == "book.txt"


def test_different_text_not_removed(workspace, fixtures_dir):
    add_text(workspace, "a.txt", [novel(fixtures_dir, "sanguoyanyi", 60_000)])
    add_text(workspace, "b.txt", [novel(fixtures_dir, "sanguoyanyi", 60_000, start=400_000)])
    add_text(workspace, "c.txt", [novel(fixtures_dir, "shuihuzhuan", 60_000)])
    stats = build_corpus(workspace)
    assert set(_chunks_of(workspace)) == {"a.txt", "b.txt", "c.txt"}
    assert not _near(workspace, "document") and not _near(workspace, "chunk")
    assert "chunk_near" not in stats.duplicates


def test_fold_joins_digitisations():
    trad = "話說天下大勢，分久必合，合久必分。周末七國分爭，並入於秦。"
    simp = "话说天下大势  分久必合 合久必分——周末七国分争, 并入于秦"
    assert fold(trad) == fold(simp) == "话说天下大势分久必合合久必分周末七国分争并入于秦"
    assert fold("The  Quick, brown FOX!") == "the quick brown fox"


def test_sample_index_first_owner_and_containment():
    idx = SampleIndex()
    a = np.arange(0, 100, dtype=np.uint64)
    idx.add(a, 0)
    idx.add(np.arange(50, 150, dtype=np.uint64), 1)
    for k in range(2, 12):  # enough items to force merges of the two levels
        idx.add(np.arange(1000 * k, 1000 * k + 20_000, dtype=np.uint64), k)
    assert idx.lookup(np.array([10, 60, 120, 999], dtype=np.uint64)).tolist() == [0, 0, 1, -1]
    assert idx.best(np.arange(60, 160, dtype=np.uint64)) == (1, 0.5)  # 60-99 first had item 0
    assert idx.containment(np.arange(140, 160, dtype=np.uint64)) == 0.5


def test_cluster_documents_keep_policies():
    cfg = NearDupConfig(min_chars=10, sample_rate=1)
    base = "".join(chr(0x4E00 + (i * 7919) % 5000) for i in range(3000))
    texts = [base[:1000], base, base[1500:], base[:1000]]  # excerpt, whole, excerpt, exact copy of 0
    samples = [doc_sample(cfg, t) for t in texts]
    lengths = [len(t) for t in texts]
    out = cluster_documents(cfg, samples, lengths, [hash(t) for t in texts])
    assert out.removed.keys() == {0, 2} and out.clusters() == {1: [0, 2]}  # 3 is left to exact dedup
    cfg.keep = "first"
    out = cluster_documents(cfg, samples, lengths)
    assert out.clusters() == {0: [3], 1: [2]}  # the book is not contained in the excerpt before it


def test_test_split_document_pasted_into_training_doc_caught(workspace):
    import json
    import random

    rng = random.Random(5)
    words = ["".join(rng.choice("aeioubcdfgklmnprst") for _ in range(6)) for _ in range(3000)]

    def para(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n)) + "."

    test_text = para(120)
    add_text(workspace, "held.txt", [test_text])
    add_text(workspace, "train.txt", [para(150) + "\n\n" + test_text + "\n\n" + para(150)])
    export = workspace.root / workspace.config.export.out_dir
    export.mkdir(parents=True)
    manifest = {"split_of_source": {"held.txt": "test", "train.txt": "train"}}
    (export / "manifest.json").write_text(json.dumps(manifest))
    workspace.config.corpus.filters.languages = ["de", "sv", "en", "zh", "it", "es", "fr", "pt", "nl", "da"]
    workspace.config.corpus.near_dup.enabled = False  # test the split check alone, not the dedup
    workspace.config.corpus.dedup.exact = workspace.config.corpus.dedup.near = False
    stats = build_corpus(workspace)
    assert stats.contaminated["drop"]["items"] >= 1
    rows = list(read_jsonl(workspace.out_dir / "corpus_contaminated.jsonl"))
    assert rows and all(r["source"] == "train.txt" and r["held_out"] == "test:held.txt" for r in rows)
    assert "held.txt" in _chunks_of(workspace)  # the held-out document itself is not checked against itself
