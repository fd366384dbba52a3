"""A rerun answered from the cache keeps the stored verdicts (no re-gating) unless a gate setting changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpusforge.generate.runner import generate
from corpusforge.quality.gate import QualityGate
from corpusforge.workspace import open_workspace
from support.fixedlatency import FixedLatencyServer, qa_reply
from support.workspaces import endpoint_config, synthetic_workspace


def same_questions(body: dict) -> str:
    """qa replies whose pairs all ask the same question, each later document's answers better grounded
    (less invented text): duplicates are dropped and kept copies superseded, in a batch and in the store."""
    reply = json.loads(qa_reply(body))
    user = body["messages"][-1]["content"]
    station = int(re.search(r" (\d+) pumping", user).group(1))
    for p in reply["pairs"]:
        p["question"] = "What does the passage say about the station?"
        p["answer"] += " The mayor closed it" * max(0, 8 - station)
    return json.dumps(reply)


def rows(ws) -> list[tuple]:
    """Every gate output of every sample, sorted by id."""
    return sorted(
        (s.sample_id, s.status, tuple(s.reasons), s.grounding, s.relevance, repr(s.scores), repr(s.evidence))
        for s in ws.store.iter_samples(include_stale=True)
    )


@pytest.fixture
def scored(monkeypatch) -> list[int]:
    """Counts calls of QualityGate.score (one per sample gated)."""
    calls = [0]
    score = QualityGate.score

    def counting(self, *a, **k):
        calls[0] += 1
        return score(self, *a, **k)

    monkeypatch.setattr(QualityGate, "score", counting)
    return calls


def test_a_cached_rerun_is_not_gated_again_until_a_gate_setting_changes(tmp_path: Path, scored):
    with FixedLatencyServer(0.0, shape=same_questions) as server:
        config = endpoint_config([server.url])
        ws = synthetic_workspace(tmp_path / "ws", 20, config)
        first = generate(ws)
        before = rows(ws)
        n = len(before)
        assert n == first.samples == scored[0] and first.reused == 0
        dup = [r for row in before for r in row[2] if r.startswith("duplicate_question:")]
        assert len(dup) >= 20 and len(set(dup)) >= 3  # duplicates of kept copies, and superseded ones
        requests = server.requests

        scored[0] = 0
        again = generate(ws)
        assert scored[0] == 0 and again.reused == n and again.cached >= requests
        assert rows(ws) == before and server.requests == requests
        assert again.by_task == first.by_task
        ws.close()

        # one gate setting changed: every sample is gated again (and their stored hash no longer matches)
        (tmp_path / "ws" / "corpusforge.yaml").write_text(
            config + "  min_answer_chars: 3\n", encoding="utf-8"
        )
        ws = open_workspace(tmp_path / "ws")
        scored[0] = 0
        changed = generate(ws)
        assert scored[0] == n and changed.reused == 0
        ws.close()
