"""The whole flow on the quickstart documents and the real embedded model (issue: evaluation).

documents -> ingest -> corpus -> generate (SmolLM2, llama.cpp in-process, quality gate) -> export ->
a few LoRA steps of continued pretraining and SFT on SmolLM2 through Transformers -> eval report.
"""

from __future__ import annotations

import json
from statistics import mean

import pytest
import yaml

from corpusforge.config import parse_config
from corpusforge.evaluate import metrics

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, quickstart_dir, smollm_hf_dir):
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.export import run_export
    from corpusforge.generate.runner import generate
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.workspace import init_workspace

    root = tmp_path_factory.mktemp("e2e")
    data = yaml.safe_load((quickstart_dir.parent / "corpusforge.yaml").read_text(encoding="utf-8"))
    data["generate"]["qa_rounds"] = 1  # one round keeps the test short; the quickstart asks twice
    parse_config(data)  # the shipped quickstart config is valid
    ws = init_workspace(root / "ws", yaml.safe_dump(data, allow_unicode=True))
    ingest = ingest_paths(ws, [quickstart_dir])
    corpus = build_corpus(ws)
    gen = generate(ws)
    shipped = root / "export-shipped"
    run_export(ws, ["messages"], shipped)  # the quickstart's statuses: passed and accepted only
    # the training and eval steps below need questions; the 135M model passes few in one round, so they
    # read the flagged ones too (what a reviewer would accept)
    export_dir = root / "export"
    run_export(ws, ["messages", "pretrain"], export_dir, statuses=["passed", "accepted", "flagged"])
    yield {
        "ws": ws,
        "root": root,
        "export": export_dir,
        "shipped": shipped,
        "ingest": ingest,
        "corpus": corpus,
        "generate": gen,
    }
    ws.close()


def test_pipeline_keeps_provenance_to_the_export(pipeline):
    ws, export_dir = pipeline["ws"], pipeline["export"]
    assert pipeline["ingest"].read == 5 and not pipeline["ingest"].failed
    sources = {d.source for d in ws.store.iter_documents()}
    chunks = {c.chunk_id: c for c in ws.store.iter_chunks()}
    assert chunks and {c.source for c in chunks.values()} == sources
    samples = list(ws.store.iter_samples())
    assert samples, "the embedded model produced no sample at all"
    for s in samples:
        assert s.source in sources and s.chunk_ids and all(c in chunks for c in s.chunk_ids)
        assert set(s.pages) <= {p for c in s.chunk_ids for p in chunks[c].pages}
        assert s.status in {"passed", "flagged", "dropped"}
    exported = [
        json.loads(line)
        for sp in ("train", "validation", "test")
        if (export_dir / "messages" / f"{sp}.jsonl").exists()  # an empty split is not written
        for line in (export_dir / "messages" / f"{sp}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert exported and all(r["source"] in sources and r["chunk_ids"] for r in exported)
    assert {r["sample_id"] for r in exported} <= {s.sample_id for s in samples if s.status != "dropped"}


def _records(folder):
    return [
        json.loads(line)
        for sp in ("train", "validation", "test")
        if (folder / "messages" / f"{sp}.jsonl").exists()
        for line in (folder / "messages" / f"{sp}.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_the_quickstart_exports_no_flagged_sample(pipeline):
    status = {s.sample_id: s.status for s in pipeline["ws"].store.iter_samples()}
    shipped = {r["sample_id"] for r in _records(pipeline["shipped"])}
    assert shipped == {i for i, st in status.items() if st in ("passed", "accepted")}
    assert not [i for i in shipped if status[i] == "flagged"]
    assert shipped <= {r["sample_id"] for r in _records(pipeline["export"])}


def test_continued_pretraining_lowers_domain_perplexity_and_report_recomputes(pipeline, smollm_hf_dir):
    from corpusforge.evaluate.config import EvalConfig
    from corpusforge.evaluate.run import evaluate
    from corpusforge.train.run import train

    export_dir, root = pipeline["export"], pipeline["root"]
    # Questions come from the documents that kept samples; their corpus chunks are held out of continued
    # pretraining, which reads the other documents only (the tiny model keeps too few samples for the
    # export's own test split to be reliably non-empty).
    questions = [
        line
        for sp in ("train", "validation", "test")
        if (export_dir / "messages" / f"{sp}.jsonl").exists()  # an empty split is not written
        for line in (export_dir / "messages" / f"{sp}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    eval_file = root / "questions.jsonl"
    eval_file.write_text("\n".join(questions) + "\n", encoding="utf-8")
    eval_sources = {json.loads(q)["source"] for q in questions}
    chunks = [
        json.loads(line)
        for line in (export_dir / "pretrain" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    pt_train, held_out = root / "pt_train.jsonl", root / "held_out.jsonl"
    pt_train.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in chunks if c["source"] not in eval_sources),
        encoding="utf-8",
    )
    held_out.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in chunks if c["source"] in eval_sources),
        encoding="utf-8",
    )
    assert pt_train.stat().st_size and held_out.stat().st_size
    run = train(
        "pt",
        pt_train,
        root / "pt",
        base_model=smollm_hf_dir,
        max_steps=8,
        lr=1e-3,
        max_length=128,
        per_device_train_batch_size=2,
        gradient_accumulation_steps=1,
        gradient_checkpointing=False,
        logging_steps=1,
        general_share=0.0,
    )
    assert len(run.losses) >= 2
    res = evaluate(
        eval_file,
        root / "eval",
        base=smollm_hf_dir,
        adapters=[root / "pt"],
        domain_texts=held_out,
        cfg=EvalConfig(max_new_tokens=32, batch_size=4, limit=6),
        store=pipeline["ws"].store,
    )
    rep = json.loads(res.report_json.read_text(encoding="utf-8"))
    assert res.report_html.exists() and [m["name"] for m in rep["models"]] == ["base", "pt"]
    # domain perplexity on documents the adapter never saw goes down after continued pretraining
    assert rep["perplexity"]["pt"]["domain"] < rep["perplexity"]["base"]["domain"]
    assert rep["training_loss"]["pt"], "the report carries the training loss curve"
    for name in ("base", "pt"):
        vals = [metrics.rouge_l(it["answers"][name], it["reference"]) for it in rep["items"]]
        assert rep["metrics"][name]["overall"]["rouge_l"] == pytest.approx(mean(vals), abs=1e-4)
        f1 = [metrics.char_f1(it["answers"][name], it["reference"]) for it in rep["items"]]
        assert rep["metrics"][name]["overall"]["char_f1"] == pytest.approx(mean(f1), abs=1e-4)
    html = res.report_html.read_text(encoding="utf-8")
    assert "Perplexity before/after" in html and "Training loss" in html
