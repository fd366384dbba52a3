"""rag samples: the oracle chunk among hard-negative distractors, cited answers, "passages do not say"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpusforge.kb.build import open_kb
from corpusforge.kb.rag import build_rag_samples
from corpusforge.records import Sample, content_hash

DATA = Path(__file__).with_name("data")


@pytest.fixture(scope="module")
def seeded(kb_ws):
    """kb_ws with a gated seed per hand-written question: qa samples, and every third one a `rag` sample."""
    kb = open_kb(kb_ws)
    qs = [
        json.loads(x) for x in (DATA / "quickstart_questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    seeds = []
    for i, q in enumerate(qs):
        oracle = next(p for p in kb.passages if p.source == q["source"] and q["answer"] in p.text)
        task = "rag" if i % 3 == 0 else "qa"
        seeds.append(
            Sample(
                sample_id=content_hash(f"seed:{i}"),
                task=task,
                instruction=q["question"],
                input=oracle.text if task == "rag" else "",
                output=q["answer"],
                source=oracle.source,
                doc_id=oracle.doc_id,
                pages=oracle.pages,
                chunk_ids=[oracle.id],
                status="passed",
                grounding=0.9,
                metadata={"question": q["question"], "lang": "zh" if q["question"][0] > "\u3000" else "en"},
            )
        )
    seeds.append(
        Sample(
            sample_id="flagged-seed",
            task="qa",
            instruction="Q?",
            input="",
            output="A.",
            source=seeds[0].source,
            doc_id=seeds[0].doc_id,
            chunk_ids=seeds[0].chunk_ids,
            status="flagged",
        )
    )
    kb_ws.store.add_samples(seeds)
    kb_ws.config.kb.rag_negative_share = 0.5
    summary = build_rag_samples(kb_ws, kb)
    return kb_ws, kb, {s.sample_id: (s, q) for s, q in zip(seeds, qs, strict=False)}, summary


def _rag(ws):
    return [s for s in ws.store.iter_samples(task="rag") if s.metadata.get("rag")]


def test_every_seed_becomes_a_rag_sample_with_oracle_and_distractors(seeded):
    ws, kb, seeds, summary = seeded
    positives = [s for s in _rag(ws) if not s.metadata["rag"]["negative"]]
    assert len(positives) == len(seeds) and summary.completed == 8 and summary.added == 14 + summary.negatives
    by_id = {p.id: p for p in kb.passages}
    positions = set()
    for s in positives:
        meta = s.metadata["rag"]
        seed, q = seeds[meta["seed_sample"]]
        oracle = by_id[meta["oracle"]]
        assert s.chunk_ids[0] == oracle.id == seed.chunk_ids[0]
        assert len(meta["shown"]) == 4 and oracle.id in meta["shown"]  # C + 3 distractors
        for n, pid in enumerate(meta["shown"], 1):
            assert f"[{n}] {by_id[pid].source}" in s.input and by_id[pid].text in s.input
        # hard negatives first: every retrieved passage other than C (up to 3) is among the distractors
        hard = [h.passage.id for h in kb.search(q["question"], 3, exclude={oracle.id})]
        assert set(hard) <= set(meta["shown"])
        assert q["answer"] in s.output and f"[{oracle.source}, " in s.output
        assert s.messages[0]["content"].startswith(s.instruction) and q["question"] in s.instruction
        positions.add(meta["oracle_position"])
    assert len(positions) >= 3  # the source passage is not always first


def test_rag_task_seeds_are_completed_in_place(seeded):
    ws, _, seeds, _ = seeded
    for sid, (seed, _) in seeds.items():
        s = ws.store.get_sample(sid)
        if seed.task == "rag":
            assert s.metadata["rag"]["seed_sample"] == sid and s.input != seed.input and s.status == "passed"
        else:
            assert s.task == "qa" and s.input == "" and ws.store.get_sample(content_hash(f"rag:{sid}"))


def test_negatives_leave_out_the_source_and_say_so(seeded):
    ws, kb, seeds, summary = seeded
    negatives = [s for s in _rag(ws) if s.metadata["rag"]["negative"]]
    assert len(negatives) == summary.negatives and 4 <= len(negatives) <= 18  # ~half of 22, seeded
    for s in negatives:
        meta = s.metadata["rag"]
        seed, q = seeds[meta["seed_sample"]]
        assert meta["oracle"] not in meta["shown"] and len(meta["shown"]) >= 3
        assert q["answer"] not in s.input
        assert s.output.startswith(("The passages do not say", "这些段落没有提到"))


def test_rerun_adds_nothing_and_skips_unexported_statuses(seeded):
    ws, kb, _, _ = seeded
    before = {s.sample_id: s.version for s in ws.store.iter_samples(task="rag")}
    again = build_rag_samples(ws, kb)
    assert (again.completed, again.added) == (0, 0)
    assert {s.sample_id: s.version for s in ws.store.iter_samples(task="rag")} == before
    assert ws.store.get_sample(content_hash("rag:flagged-seed")) is None
