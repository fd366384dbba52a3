"""A quickstart workspace, ingested, chunked and indexed once per session (real readers, real embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).with_name("data")


@pytest.fixture(scope="session")
def kb_ws(tmp_path_factory, quickstart_dir):
    """Workspace with the quickstart docs ingested, chunked and indexed (BM25 + all-MiniLM-L6-v2)."""
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.kb.build import build_kb
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("kb") / "ws")
    ingest_paths(ws, [quickstart_dir])
    build_corpus(ws)
    summary = build_kb(ws)
    ws.kb_summary = summary  # type: ignore[attr-defined]
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def quickstart_questions() -> list[dict]:
    """Hand-written questions about the quickstart docs: question, source file, answer text in the chunk."""
    return [
        json.loads(line)
        for line in (DATA / "quickstart_questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
