"""Every export format's records carry the document's ingest ``tags`` (and samples their ``evidence``)."""

from __future__ import annotations

import json

from corpusforge.export import run_export
from corpusforge.export.formats import FORMATS

JSONL_FORMATS = [f for f in FORMATS if f != "hf"]


def test_every_jsonl_record_carries_its_documents_tags(export_ws, tmp_path, tags_of, doc_sources):
    out = tmp_path / "out"
    run_export(export_ws, JSONL_FORMATS, out)
    seen: dict[str, int] = {}
    for path in sorted(out.rglob("*.jsonl")):
        fmt = path.parent.name
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            assert r["tags"] == tags_of(r["source"]), (path, r["source"])
            if fmt != "pretrain":  # chunks have no evidence; samples and pairs do
                assert isinstance(r["evidence"], list), path
                for e in r["evidence"]:
                    assert set(e) == {"quote", "chunk_id", "start", "end", "page", "score"}
                    assert e["chunk_id"] in r["chunk_ids"] and e["end"] > e["start"]
            seen[fmt] = seen.get(fmt, 0) + 1
    assert set(seen) == {"messages", "alpaca", "sharegpt", "preference", "pretrain"}
    tagged = {s for s in doc_sources if tags_of(s)}
    assert len(tagged) == 3  # and five documents with no tags: `{}`
    # the preference pairs (qa samples) carry their sample's evidence
    pairs = [
        json.loads(x) for x in (out / "preference" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert pairs and all(p["evidence"] for p in pairs)
