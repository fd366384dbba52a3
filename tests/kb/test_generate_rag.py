"""The generate task ``rag`` through the real runner and embedded model, then completed by ``kb build``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.generate.tasks import TASKS


def test_rag_task_is_registered_and_parses_replies():
    task = TASKS["rag"]
    cfg = __import__("corpusforge.generate.config", fromlist=["GenerateConfig"]).GenerateConfig()
    assert task.with_input and task.question_key == "question"
    assert set(task.schema(cfg, 1)["required"]) == {"question", "answer"}
    assert task.valid({"question": " Why is my water cloudy? ", "answer": "Air bubbles."}, cfg) == {
        "question": "Why is my water cloudy?",
        "answer": "Air bubbles.",
    }
    assert task.valid({"question": "", "answer": "x"}, cfg) is None and task.valid(["x"], cfg) is None


@pytest.mark.slow
def test_generate_rag_then_kb_build_completes_the_samples(workspace, quickstart_dir):
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.generate.runner import generate
    from corpusforge.ingest.pipeline import ingest_paths

    ingest_paths(workspace, [quickstart_dir / "water_quality_faq.md"])
    build_corpus(workspace)
    summary = generate(workspace, tasks=["rag"])  # real embedded SmolLM2 through llama.cpp
    made = list(workspace.store.iter_samples(task="rag"))
    assert made and summary.requests + summary.cached >= 1
    assert all(s.input and s.chunk_ids and s.metadata.get("question") for s in made)
    # the tiny model's samples are often dropped by the gate: complete whatever it made, for the plumbing
    (workspace.root / "corpusforge.yaml").write_text(
        "kb:\n  embedding_model: none\n  rag_distractors: 1\n  rag_statuses: [passed, flagged, dropped]\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["-w", str(workspace.root), "kb", "build"])
    assert res.exit_code == 0, res.output
    for s in made:
        done = workspace.store.get_sample(s.sample_id)
        meta = done.metadata["rag"]
        assert meta["oracle"] == s.chunk_ids[0] and len(meta["shown"]) == 2
        assert s.input in done.input and "[water_quality_faq.md, p. 1]" in done.output
