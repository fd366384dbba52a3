"""Gate workers (``generate.gate_workers``) change where samples are scored, never what they become.

Against the fixed-latency server: a run with a worker process gives the same samples (ids, texts,
statuses, reasons, summary counts) as one without, also when the worker is killed mid-run; the
workers' verdicts are those of the gate in process on Chinese and English samples with quotes.
"""

from __future__ import annotations

import asyncio
import copy
import os
import signal
from pathlib import Path

from test_concurrency_same import shared_questions

from corpusforge.generate.runner import gate_workers, generate
from corpusforge.generate.tasks import TASKS
from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate
from corpusforge.quality.workers import GateWorkers
from corpusforge.records import Sample
from corpusforge.workspace import open_workspace
from support.fixedlatency import FixedLatencyServer
from support.workspaces import endpoint_config, sample_rows, synthetic_workspace

N_DOCS = 48
ZH = "青溪市水务公司的北郊泵站每小时提升1200立方米的水。泵站由王建国负责，2019年完成改造。"
EN = "The Elm pumping station of the Qingxi City Water Utility lifts 40 cubic metres of water per hour."


def _sample(i: int, q: str, a: str, quote: str, lang: str) -> Sample:
    return Sample(
        sample_id=f"s{i}",
        task="qa",
        instruction=q,
        input="",
        output=a,
        source="x.txt",
        doc_id="d",
        pages=[1],
        chunk_ids=["d-00000"],
        metadata={"lang": lang, "question": q, "qa": {"question": q, "answer": a, "evidence": quote}},
    )


CASES = [
    _sample(0, "北郊泵站每小时提升多少水？", "每小时提升1200立方米。", "泵站每小时提升1200立方米的水", "zh"),
    _sample(1, "北郊泵站由谁负责？", "由李明华负责。", "泵站由王建国负责", "zh"),  # invented name
    _sample(2, "泵站哪一年完成改造？", "2018年。", "2019年完成改造", "zh"),  # invented number
    _sample(
        3, "How much water does the Elm station lift?", "40 cubic metres per hour.", "lifts 40 cubic", "en"
    ),
    _sample(4, "Who runs the Elm station?", "Harold Birch of Cedar Works runs it.", "not in the text", "en"),
    _sample(5, "What?", "", "", "en"),
]


def _contexts(s: Sample) -> str:
    return ZH if s.metadata["lang"] == "zh" else EN


def test_workers_give_the_in_process_verdicts():
    cfg = QualityConfig()
    gate = QualityGate(cfg, tasks=TASKS)
    want = []
    for s in CASES:
        t = copy.deepcopy(s)
        v = gate.verdict(t, _contexts(t))
        want.append((v.verdict, v.grounding, v.reasons, v.scores, v.relevance, t.evidence))

    async def main() -> list:
        w = GateWorkers(cfg.model_dump(mode="json"))
        await w.start()
        try:
            assert w.usable  # started: the verdicts wait for it to be ready
            items = [(s, _contexts(s), None) for s in CASES]
            return await w.verdicts(items, {"qa": gate.traits("qa")})
        finally:
            await w.aclose()

    got = asyncio.run(main())
    assert all(r is not None for r in got)
    got = [(v.verdict, v.grounding, v.reasons, v.scores, v.relevance, ev) for v, ev in got]
    assert got == want
    assert {w[0] for w in want} >= {"passed", "dropped"}  # the cases differ in verdict


def test_auto_starts_a_worker_only_for_large_runs_without_a_judge():
    assert gate_workers(0, 10_000, False) == 0
    assert gate_workers(2, 10, False) == 2
    assert gate_workers(3, 10_000, True) == 0
    assert gate_workers("auto", 10, False) == 0
    assert gate_workers("auto", 10_000, False) == (1 if (os.cpu_count() or 1) >= 2 else 0)


def _run(tmp: Path, name: str, url: str, workers: int) -> tuple:
    extra = f"generate:\n  gate_workers: {workers}\n"
    cfg = endpoint_config([url], concurrency=8).replace("generate:\n", extra, 1)
    ws = synthetic_workspace(tmp / name, N_DOCS, cfg)
    try:
        s = generate(ws)
        assert s.requests == N_DOCS and s.n_errors == 0
        return sample_rows(ws), s.by_task, s.dropped_by_reason, s.flagged_by_reason, s.gated_by_workers
    finally:
        ws.close()


def test_a_worker_gives_the_same_samples_also_when_killed(tmp_path: Path, monkeypatch):
    verdicts = GateWorkers.verdicts
    killed: list[int] = []

    def verdicts_then_kill(self: GateWorkers, items: list, traits: dict) -> asyncio.Future:
        fut = verdicts(self, items, traits)
        if kill and self.items >= 16 and not killed:  # it has gated some; this batch is on its way
            for p in self._procs:
                os.kill(p.pid, signal.SIGKILL)
            killed.append(self.items)
        return fut

    monkeypatch.setattr(GateWorkers, "verdicts", verdicts_then_kill)
    with FixedLatencyServer(0.05, shape=shared_questions) as server:
        kill = False
        inline = _run(tmp_path, "inline", server.url, 0)
        worker = _run(tmp_path, "worker", server.url, 1)
        kill = True
        dead = _run(tmp_path, "dead", server.url, 1)
    assert inline[4] == 0 and worker[4] == 2 * N_DOCS  # every sample waited for the worker to start
    assert killed and 0 < dead[4] < worker[4]  # it gated until it was killed; the run went on without it
    rows = inline[0]
    assert len(rows) == 2 * N_DOCS and sum(r[1] != "dropped" for r in rows) == 8
    assert worker[:4] == inline[:4]
    assert dead[:4] == inline[:4]


def _workers_of(pid: int) -> list[int]:
    """The gate worker processes whose parent is ``pid``."""
    found = []
    for p in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if p.isdigit() and stat[1] == str(pid) and b"corpusforge.quality.workers" in cmd:
            found.append(int(p))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigkill_of_a_run_ends_its_worker_and_the_rerun_gives_the_same_samples(tmp_path: Path):
    import subprocess
    import sys
    import time

    n = 300
    with FixedLatencyServer(0.1, shape=shared_questions) as server:
        cfg = endpoint_config([server.url], concurrency=16).replace(
            "generate:\n", "generate:\n  gate_workers: 1\n"
        )
        clean = synthetic_workspace(tmp_path / "clean", n, cfg.replace("gate_workers: 1", "gate_workers: 0"))
        try:
            generate(clean)
            want = sample_rows(clean)
        finally:
            clean.close()
        synthetic_workspace(tmp_path / "killed", n, cfg).close()
        cmd = [
            sys.executable,
            "-m",
            "corpusforge",
            "-w",
            str(tmp_path / "killed"),
            "generate",
            "--no-progress",
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers: list[int] = []
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            workers = workers or _workers_of(proc.pid)
            if workers and server.requests >= n + n // 2:  # the clean run sent n
                break
            time.sleep(0.02)
        assert proc.poll() is None and workers, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers)  # its stdin closed with the run: the worker ended
        again = open_workspace(tmp_path / "killed")
        try:
            s = generate(again)
            assert s.n_errors == 0 and s.cached > 0  # what was answered before the kill came from the cache
            assert sample_rows(again) == want
        finally:
            again.close()
