"""The quickstart's English FAQ with the real embedded model: at least ``qa_min`` pairs pass the gate,
each with its evidence quoted verbatim from its chunk, and the export takes exactly the passed ones."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def faq_run(tmp_path_factory, quickstart_dir, smollm_gguf):
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.export import run_export
    from corpusforge.generate.runner import generate
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.workspace import init_workspace

    root = tmp_path_factory.mktemp("faq")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(quickstart_dir / "water_quality_faq.md", docs)
    config = (quickstart_dir.parent / "corpusforge.yaml").read_text(encoding="utf-8")  # as shipped
    ws = init_workspace(root / "ws", config)
    ingest_paths(ws, [docs])
    build_corpus(ws)
    summary = generate(ws)
    run_export(ws, ["messages"], root / "export")
    yield ws, summary, root / "export", yaml.safe_load(config)
    ws.close()


def test_the_english_faq_yields_qa_min_passed_pairs_with_verbatim_evidence(faq_run):
    ws, summary, _, config = faq_run
    samples = list(ws.store.iter_samples())
    passed = [s for s in samples if s.status == "passed"]
    assert len(passed) >= config["generate"]["qa_min"] == 3, [(s.instruction, s.reasons) for s in samples]
    assert not summary.short_docs
    chunks = {c.chunk_id: c for c in ws.store.iter_chunks()}
    for s in passed:
        [ev] = s.evidence
        assert ev["chunk_id"] in s.chunk_ids and ev["score"] == 1.0
        assert (
            chunks[ev["chunk_id"]].text[ev["start"] : ev["end"]]
            == ev["quote"]
            == s.metadata["qa"]["evidence"]
        )
        assert s.metadata["question"].endswith("?") and s.output.endswith((".", "!"))
    assert len({s.metadata["question"] for s in passed}) == len(passed)  # no repeated question kept
    assert len({s.evidence[0]["quote"] for s in samples if s.evidence}) > len(passed) // 2  # fresh sentences


def test_the_export_takes_the_passed_pairs_only(faq_run):
    ws, _, export, _ = faq_run
    rows = [
        json.loads(line)
        for f in sorted((export / "messages").glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
    ]
    passed = {s.sample_id for s in ws.store.iter_samples() if s.status == "passed"}
    assert {r["sample_id"] for r in rows} == passed
    assert all(r["evidence"] and r["evidence"][0]["quote"] for r in rows)
