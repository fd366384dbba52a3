"""The same generation at concurrency 1 and 128 against the fixed-latency server gives the same samples.

Replies come back in any order at 128 in flight; commits (gate, de-duplication, supersession, the
batched writes) follow the job order, so ids, texts, statuses and reasons must not depend on it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from corpusforge.generate.runner import generate
from support.fixedlatency import FixedLatencyServer, qa_reply
from support.workspaces import endpoint_config, sample_rows, synthetic_workspace

N_DOCS = 48
EXTRA = " It was painted blue in spring."


def shared_questions(body: dict) -> str:
    """qa replies whose questions recur across documents (four groups), the first eight documents' answers
    less grounded: later copies are dropped as duplicates, and those first kept copies superseded."""
    reply = json.loads(qa_reply(body))
    user = body["messages"][-1]["content"]
    station = int(re.search(r" (\d+) pumping", user).group(1))
    asks = [
        "How many cubic metres of water per hour does the pumping station of the water utility lift",
        "How often do crews inspect the district mains and which valves do they replace",
    ]
    for i, p in enumerate(reply["pairs"]):
        p["question"] = f"{asks[i % 2]} (group {station % 4})?"
        p["answer"] += EXTRA if station < 8 else ""  # later documents ground better
    return json.dumps(reply)


def test_concurrency_1_and_128_give_identical_samples(tmp_path: Path):
    got = {}
    with FixedLatencyServer(0.01, shape=shared_questions) as server:
        for c in (1, 128):
            ws = synthetic_workspace(tmp_path / f"c{c}", N_DOCS, endpoint_config([server.url], concurrency=c))
            try:
                s = generate(ws)
                assert s.requests == N_DOCS and s.n_errors == 0
                got[c] = (sample_rows(ws), s.by_task, s.dropped_by_reason, s.flagged_by_reason)
                got["first"] = {x.sample_id for x in ws.store.iter_samples(source="station_00000.txt")}
            finally:
                ws.close()
        assert server.max_inflight > 32  # the second run really had many requests in flight
    rows = got[1][0]
    assert len(rows) == 2 * N_DOCS
    assert sum(r[1] != "dropped" for r in rows) == 8  # one per question and group
    first = {r[0] for r in rows if r[0] in got["first"]}
    assert first and all(r[1] == "dropped" and "duplicate_question:" in r[4] for r in rows if r[0] in first)
    assert got[128] == got[1]


def test_the_question_index_moved_to_disk_gives_identical_samples(tmp_path: Path, monkeypatch):
    """Past ``SPILL_AT`` kept questions the gate's index lives on disk: the same samples either way."""
    import corpusforge.quality.gate as gate_module
    from corpusforge.quality.dedup import DiskQuestionIndex

    got = {}
    spilled = []
    spill = DiskQuestionIndex.from_memory

    def from_memory(index):  # noqa: ANN001, ANN202
        spilled.append(len(index))
        return spill(index)

    monkeypatch.setattr(DiskQuestionIndex, "from_memory", staticmethod(from_memory))
    with FixedLatencyServer(0.01, shape=shared_questions) as server:
        for at in (10**9, 3):
            monkeypatch.setattr(gate_module, "SPILL_AT", at)
            ws = synthetic_workspace(
                tmp_path / f"s{at}", N_DOCS, endpoint_config([server.url], concurrency=16)
            )
            try:
                s = generate(ws)
                got[at] = (sample_rows(ws), s.by_task, s.dropped_by_reason, s.flagged_by_reason)
            finally:
                ws.close()
    assert spilled == [3]
    assert sum(r[1] == "dropped" for r in got[3][0]) > 0  # duplicates found on disk too
    assert got[3] == got[10**9]
