"""kb build: chunks with provenance into BM25 + embeddings + JSONL; passage files; rebuilds reuse vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpusforge.kb.build import build_kb, kb_dir, open_kb
from corpusforge.kb.embed import EmbeddingUnavailable
from corpusforge.kb.index import KBMissing


def test_build_indexes_every_chunk_with_provenance(kb_ws):
    s = kb_ws.kb_summary
    chunks = list(kb_ws.store.iter_chunks())
    assert s.passages == s.from_chunks == len(chunks) > 5
    assert s.model == "all-MiniLM-L6-v2" and s.embedded == len(chunks)
    root = kb_dir(kb_ws)
    rows = [json.loads(x) for x in (root / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [c.chunk_id for c in chunks]
    assert all(r["source"] and r["pages"] and r["text"] for r in rows)
    vecs = np.load(root / "embeddings.npy")
    assert vecs.shape == (len(chunks), 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    assert json.loads((root / "kb.json").read_text())["embedding_model"] == "all-MiniLM-L6-v2"


def test_jsonl_passages_are_indexed_and_bad_lines_reported(workspace, tmp_path):
    workspace.config.kb.embedding_model = "none"
    f = tmp_path / "passages.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "p1",
                        "text": "Meters are read every two months.",
                        "source": "ops.txt",
                        "pages": [2],
                    }
                ),
                "{not json",
                json.dumps({"id": "p2", "text": "", "source": "ops.txt"}),
                json.dumps(
                    {
                        "id": "p3",
                        "text": "Leaks are fixed within 24 hours.",
                        "source": "ops.txt",
                        "pages": "x",
                    }
                ),
                json.dumps({"id": "p1", "text": "duplicate id", "source": "ops.txt"}),
                json.dumps({"id": "p4", "text": "停水超过12小时，安排送水车。", "source": "规则.docx"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    s = build_kb(workspace, jsonl=[f])
    assert (s.passages, s.from_jsonl, s.duplicates, s.model) == (2, 2, 1, "")
    assert [e.split(": ", 1)[0] for e in s.errors] == [f"{f}:2", f"{f}:3", f"{f}:4"]
    assert "missing text" in s.errors[1] and "pages" in s.errors[2]
    hit = open_kb(workspace).search("停水 送水车", 1)[0]
    assert (hit.passage.id, hit.passage.source, hit.dense) == ("p4", "规则.docx", None)


def test_rebuild_reuses_embeddings_of_unchanged_chunks(kb_ws):
    s = build_kb(kb_ws)
    assert s.embedded == 0 and s.reused == s.passages
    assert np.array_equal(np.load(kb_dir(kb_ws) / "embeddings.npy"), open_kb(kb_ws).vectors)


def test_missing_kb_and_missing_model_fail_clearly(workspace):
    with pytest.raises(KBMissing, match="kb build"):
        open_kb(workspace)
    workspace.config.kb.embedding_model = "/nowhere/model"
    with pytest.raises(EmbeddingUnavailable, match="/nowhere/model"):
        build_kb(workspace)
