"""The generate runner with the real embedded model (in-process llama.cpp): provenance, gate, cache."""

from __future__ import annotations

import asyncio
import json

import pytest
from gen_helpers import DOCS, make_workspace

from corpusforge.generate.runner import NothingToDo, generate

pytestmark = pytest.mark.slow

# the embedded model is weak: flag rather than drop most faults, so that some pairs are kept to work on
LENIENT_GATE = """
quality:
  below_threshold: flag
  actions: {repeats_question: flag, invented_number: flag, misplaced_number: flag, too_short: flag,
            repetition: flag, unfinished: flag, not_a_question: flag, truncated: flag}
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A workspace after one qa run over two documents (three chunks) with the embedded model."""
    docs = {k: DOCS[k] for k in ("mains_2023.txt", "plant.txt")}
    ws = make_workspace(tmp_path_factory.mktemp("gen") / "ws", docs, extra=LENIENT_GATE)
    summary = generate(ws)
    yield ws, summary
    ws.close()


def test_qa_samples_cite_their_source_pages_and_chunks(generated):
    ws, s = generated
    assert s.requests > 0 and s.documents == 2
    samples = list(ws.store.iter_samples())
    assert samples and {x.task for x in samples} == {"qa"}
    assert s.samples == len(samples) == s.new_samples
    chunks = {c.chunk_id: c for c in ws.store.iter_chunks()}
    for x in samples:
        [cid] = x.chunk_ids
        chunk = chunks[cid]
        assert (x.source, x.doc_id, x.pages) == (chunk.source, chunk.doc_id, chunk.pages)
        assert x.instruction and x.output and x.input == ""
        assert x.messages[-1] == {"role": "assistant", "content": x.output}
        assert x.backend == "llamacpp" and x.model.startswith("embedded:") and x.prompt_version == "qa.en.v4"
        assert x.status in ("passed", "flagged", "dropped") and x.grounding is not None
        assert ws.store.cache_get(x.request_key) is not None  # the reply it came from is in the cache
    for doc in ws.store.iter_documents():
        kept = [x for x in samples if x.doc_id == doc.doc_id and x.status != "dropped"]
        assert len(kept) <= 2 * 2  # qa_max per round, 2 rounds at most
        passed = [x for x in kept if x.status == "passed"]  # qa_min counts passed pairs (exports take them)
        short = [d for d in s.short_docs if d[0] == doc.source]
        assert bool(short) == (len(passed) < 1), (doc.source, kept, s.short_docs)
    reasons = {r.split(":")[0] for x in samples if x.status == "dropped" for r in x.reasons}
    assert sum(s.dropped_by_reason.values()) >= s.dropped and set(s.dropped_by_reason) == reasons


def test_rerun_is_answered_from_the_cache_and_adds_nothing(generated):
    ws, first = generated
    before = ws.store.counts()
    ids = sorted(x.sample_id for x in ws.store.iter_samples())
    again = generate(ws)
    assert again.requests == 0 and again.cached >= first.requests
    assert again.new_samples == 0 and again.samples == first.samples
    assert sorted(x.sample_id for x in ws.store.iter_samples()) == ids
    assert ws.store.counts()["llm_cache"] == before["llm_cache"]
    assert again.short_docs == first.short_docs


def test_cli_generate_prints_the_summary(generated):
    from typer.testing import CliRunner

    from corpusforge.cli.app import app

    ws, first = generated
    res = CliRunner().invoke(app, ["-w", str(ws.root), "generate", "--no-progress"])
    # exit 1 exactly when the run kept nothing (the summary is printed first either way)
    nothing_kept = "no sample kept" in res.output
    assert res.exit_code == (1 if nothing_kept else 0), res.output
    assert "LLM requests sent" in res.output and "answered from cache" in res.output
    assert "samples by task" in res.output
    assert "estimated cost" not in res.output  # no prices configured
    cfg = ws.root / "corpusforge.yaml"
    text = cfg.read_text()
    cfg.write_text(text.replace("llm:\n", "llm:\n  price_in_per_1k: 0.001\n  price_out_per_1k: 0.002\n", 1))
    try:
        priced = CliRunner().invoke(app, ["-w", str(ws.root), "generate", "--no-progress"])
    finally:
        cfg.write_text(text)
    assert priced.exit_code == res.exit_code and "estimated cost" in priced.output
    bad = CliRunner().invoke(app, ["-w", str(ws.root), "generate", "--task", "poem"])
    assert bad.exit_code == 1 and "unknown task 'poem'" in bad.output


def test_candidates_and_entities(generated):
    ws, _ = generated
    s = generate(ws, tasks=["qa"], candidates=1, limit_docs=1)  # pairs from the cache; candidates are new
    kept = [x for x in ws.store.iter_samples(task="qa", source="mains_2023.txt") if x.status != "dropped"]
    assert kept, "the gate kept no pair of mains_2023.txt"
    for x in kept:
        cands = ws.store.iter_candidates(x.sample_id)
        assert [c.idx for c in cands] == [0, 1] and cands[0].output == x.output
        assert cands[1].output and cands[1].temperature == 0.2 and cands[1].output != x.output
    assert s.candidates == len(kept) and s.new_samples == 0
    s = generate(ws, tasks=["entities"], limit_docs=1)
    # entities are stored on the chunks of the first document: typed lists of names found in the chunk
    chunks = list(ws.store.iter_chunks(next(iter(ws.store.iter_documents())).doc_id))
    with_entities = [c for c in chunks if "entities" in c.metadata]
    assert s.entities_chunks == len(with_entities) >= 1, s.errors
    for c in with_entities:
        ents = c.metadata["entities"]
        assert set(ents) == {"organizations", "people", "places", "dates", "events"}
        assert all(name.lower() in c.text.lower() for names in ents.values() for name in names)
    assert len(with_entities) + sum("entities" in e for e in s.errors) == len(chunks)


def test_no_chunks_is_a_clear_error(workspace):
    with pytest.raises(NothingToDo, match="no chunks to generate from"):
        generate(workspace)


def test_cut_off_reply_is_asked_again_with_a_bigger_budget(generated):
    from corpusforge.generate.asking import SEED_STEP, ask
    from corpusforge.generate.config import GenerateConfig
    from corpusforge.generate.prompts import load_prompt
    from corpusforge.generate.tasks import get_task
    from corpusforge.generate.units import Unit
    from corpusforge.llm import get_client

    ws, _ = generated
    doc = next(d for d in ws.store.iter_documents() if d.source == "plant.txt")
    unit = Unit(doc=doc, chunks=list(ws.store.iter_chunks(doc.doc_id)), lang="en")
    cfg = GenerateConfig(max_tokens=12, retry_budget_factor=8, truncation_retries=1, max_field_chars=60)
    client = get_client(ws.config.llm, ws.store)
    asked = asyncio.run(ask(client, get_task("qa"), unit, load_prompt("qa", "en"), cfg, 1, seed=5))
    sent = [json.loads(r[0])["params"] for r in ws.store.conn.execute("SELECT request FROM llm_cache")]
    sent = [p for p in sent if p["seed"] in (5, 5 + SEED_STEP)]
    assert sorted(p["max_tokens"] for p in sent) == [12, 96]  # cut off at 12 tokens, asked again with 8x
    assert client.stats.requests == 2
    for item in asked.items:  # what it kept came from the second, larger request
        assert ws.store.cache_get(item.key)["request"]["params"]["max_tokens"] == 96


def test_server_down_ends_in_one_clear_error_line(tmp_path):
    import socket

    from typer.testing import CliRunner

    from corpusforge.cli.app import app

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = (
        f"llm:\n  backend: openai\n  model: smollm\n  base_url: ['http://127.0.0.1:{port}/v1']\n"
        "  retries: 1\n  backoff: 0.01\n"
    )
    make_workspace(tmp_path / "ws", {"plant.txt": DOCS["plant.txt"]}, config=config).close()
    res = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "generate", "--no-progress"])
    assert res.exit_code == 1
    assert "giving up: every LLM request failed" in res.output and "qa plant.txt p.1" in res.output
    assert "Traceback" not in res.output
