"""The dataset card names every exported column, one line each with its type and meaning."""

from __future__ import annotations

import re

from corpusforge.export.config import ExportConfig
from corpusforge.export.context import ExportContext
from corpusforge.export.formats.hf import build, features
from corpusforge.export.hf_card import FIELD_DOCS, render_card, type_name
from corpusforge.records import Sample
from corpusforge.workspace import init_workspace


def _ctx(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    s = Sample(
        sample_id="s1",
        task="qa",
        instruction="How much water does the plant treat?",
        input="",
        output="40,000 cubic metres a day.",
        source="plant.txt",
        doc_id="d1",
        pages=[1],
        chunk_ids=["d1-00000"],
        status="passed",
        tags={"topic": "treatment"},
        evidence=[{"quote": "40,000", "chunk_id": "d1-00000", "start": 3, "end": 9, "page": 1, "score": 1.0}],
    )
    s.messages = s.default_messages()
    return ws, ExportContext(
        ws=ws, cfg=ExportConfig(), out_dir=tmp_path / "out", samples={"train": [s]}, pairs={}
    )


def test_card_has_one_typed_line_per_exported_column(tmp_path):
    ws, ctx = _ctx(tmp_path)
    try:
        columns = build(ctx)["train"].column_names
        card = render_card(ctx, dict(features()))
    finally:
        ws.close()
    fields = card.split("## Fields", 1)[1]
    lines = {m.group(1): m for m in re.finditer(r"^- `(\w+)` \(([^)]*(?:\)[^:]*)?)\): (.+)$", fields, re.M)}
    assert set(lines) == set(columns) == set(features()), (sorted(lines), columns)
    for col in columns:
        assert fields.count(f"- `{col}` (") == 1, col
        assert lines[col].group(3) == FIELD_DOCS[col], col
    assert "- `pages` (list of int64):" in fields
    assert "- `tags` (string): JSON object" in fields
    assert "`evidence` (list of {quote: string, chunk_id: string, start: int64, end: int64" in fields


def test_type_names_of_nested_features():
    feats = features()
    assert type_name(feats["messages"]) == "list of {role: string, content: string}"
    assert type_name(feats["instruction"]) == "string"
