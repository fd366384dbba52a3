"""The gate on replies the embedded model (SmolLM2-135M) really wrote for the quickstart documents.

``data/smollm_replies.jsonl`` was recorded by ``tests/quality/record_smollm.py`` (llama-cpp-python,
in-process, the generate stage's prompts; see data/README.md). Each check below finds its cases with a
plain, independent rule (substring counts, numbers missing from the passage, identical questions), so
the gate is tested against what the model did, not against itself.
"""

import json
import re
from pathlib import Path

import pytest

from corpusforge.generate.tasks import TASKS
from corpusforge.quality.gate import QualityGate
from corpusforge.records import Sample

DATA = Path(__file__).parent / "data" / "smollm_replies.jsonl"


@pytest.fixture(scope="module")
def gated():
    rows = [json.loads(x) for x in DATA.read_text(encoding="utf-8").splitlines()]
    gate = QualityGate(tasks=TASKS)
    out = []
    for i, r in enumerate(rows):
        s = Sample(
            sample_id=f"r{i}",
            task="qa",
            instruction=r["question"],
            input="",
            output=r["answer"],
            source=r["source"],
            doc_id=r["source"],
            metadata={"lang": r["lang"], "finish_reason": r["finish_reason"]},
        )
        out.append((r, gate.apply(s, r["context"])))
    return out


def _loops(text: str) -> bool:
    """Some 12-character stretch (spaces and punctuation ignored) occurs three times or more."""
    t = re.sub(r"[\W_]+", "", text)
    return any(t.count(t[i : i + 12]) >= 3 for i in range(0, max(0, len(t) - 12)))


def _missing_numbers(answer: str, context: str) -> list[str]:
    """Numbers of two digits or more in the answer that the passage does not contain as text."""
    ctx = context.replace(",", "")
    nums = re.findall(r"\d+(?:\.\d+)?", answer.replace(",", ""))
    return [
        n
        for n in nums
        if len(n.replace(".", "")) >= 2 and not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", ctx)
    ]


def _norm(q: str) -> str:
    return re.sub(r"[\W_]+", "", q.lower())


def test_recording_has_the_failure_kinds(gated):
    assert len(gated) >= 20
    assert sum(_loops(r["answer"]) for r, _ in gated) >= 2
    assert sum(bool(_missing_numbers(r["answer"], r["context"])) for r, _ in gated) >= 3
    assert sum(r["finish_reason"] == "length" for r, _ in gated) >= 2


def test_loops_are_caught(gated):
    loops = [(r, s) for r, s in gated if _loops(r["answer"])]
    for r, s in loops:
        assert s.status == "dropped", r["answer"][:80]
        assert any(x.startswith("repetition:") for x in s.reasons), (r["answer"][:80], s.reasons)


def test_invented_numbers_are_caught(gated):
    for r, s in gated:
        missing = _missing_numbers(r["answer"], r["context"])
        if missing:
            assert s.status == "dropped", (r["answer"][:80], s.reasons)
            named = {x.split(":", 1)[1] for x in s.reasons if x.startswith("invented_number:")}
            assert {m.rstrip("0").rstrip(".") if "." in m else m for m in missing} & named, (
                missing,
                s.reasons,
            )


def test_duplicate_questions_are_caught(gated):
    kept: dict[str, str] = {}
    dups = 0
    for r, s in gated:
        key = _norm(r["question"])
        if not key:
            continue
        if key in kept:
            assert f"duplicate_question:{kept[key]}" in s.reasons, (r["question"], s.reasons)
            assert s.status == "dropped"
            dups += 1
        elif s.status != "dropped":
            kept[key] = s.sample_id
    assert dups >= 1


def test_truncated_and_empty_replies_are_dropped(gated):
    for r, s in gated:
        if r["finish_reason"] == "length":
            assert s.status == "dropped" and "truncated" in s.reasons
        if not r["answer"].strip():
            assert s.reasons[0] == "empty_answer"


def test_what_passes_is_grounded(gated):
    passed = [(r, s) for r, s in gated if s.status == "passed"]
    for r, s in passed:
        assert (
            s.grounding >= 0.5 and not _loops(r["answer"]) and not _missing_numbers(r["answer"], r["context"])
        )


def test_generate_run_samples_regated_in_a_workspace(workspace):
    """Samples of a real `corpusforge generate` run: the looping question, the copied headings and the
    repeated question are caught; what passes is supported by its chunk."""
    from corpusforge.quality.check import check_workspace
    from corpusforge.records import Chunk

    rows = [
        json.loads(x)
        for x in (DATA.parent / "generate_run_samples.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for r in rows:
        workspace.store.put_chunks(
            r["doc_id"],
            [
                Chunk(
                    chunk_id=c["chunk_id"],
                    doc_id=r["doc_id"],
                    source=r["source"],
                    pages=[1],
                    text=c["text"],
                    lang=c["lang"],
                )
                for c in r["chunks"]
            ],
        )
    workspace.store.add_samples(
        [
            Sample(
                sample_id=r["sample_id"],
                task=r["task"],
                instruction=r["instruction"],
                input="",
                output=r["output"],
                source=r["source"],
                doc_id=r["doc_id"],
                chunk_ids=r["chunk_ids"],
                metadata=r["metadata"],
                created_at=i,
            )
            for i, r in enumerate(rows)
        ]
    )
    res = check_workspace(workspace, tasks=TASKS)
    got = {s.sample_id: s for s in workspace.store.iter_samples()}
    by_q: dict[str, list] = {}
    for s in got.values():
        by_q.setdefault(_norm(s.instruction), []).append(s)
        if _loops(s.instruction):
            assert s.status == "dropped" and any(x.startswith("repetition:question:") for x in s.reasons)
        if s.status == "passed":
            assert s.grounding >= 0.5 and not _loops(s.instruction)
    for copies in by_q.values():  # the same question asked again is kept at most once
        assert sum(s.status != "dropped" for s in copies) <= 1
        if len(copies) > 1 and any(s.status != "dropped" for s in copies):
            assert all(
                any(x.startswith("duplicate_question:") for x in s.reasons)
                for s in copies
                if s.status == "dropped"
            )
    assert res["records"] == 10 and res["reasons"]["duplicate_question"] >= 1
    assert any(_loops(s.instruction) for s in got.values())
