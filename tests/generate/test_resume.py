"""Kill ``python -m corpusforge generate`` with SIGKILL at several points, re-run, compare with a clean run."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gen_helpers import CONFIG, DOCS, make_workspace

pytestmark = pytest.mark.slow

DOCS_USED = {k: DOCS[k] for k in ("billing.txt", "mains_2023.txt")}
# one round: three requests (one per chunk) plus the retries of cut-off replies
CONFIG_ONE_ROUND = CONFIG.format(max_tokens=64, concurrency=1).replace("qa_rounds: 2", "qa_rounds: 1")


def query(root: Path, sql: str) -> list[tuple]:
    """Read the workspace store through a separate read-only connection (as another process would)."""
    con = sqlite3.connect(f"file:{root / '.corpusforge' / 'store.db'}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def count(root: Path, table: str) -> int:
    return query(root, f"SELECT COUNT(*) FROM {table}")[0][0]


def start(root: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "corpusforge", "-w", str(root), "generate", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def kill_when(proc: subprocess.Popen, ready, timeout: float = 240) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` is true; False when it finished first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("generate made no progress")
        time.sleep(0.05)
    return False


def snapshot(root: Path) -> tuple[set, set]:
    samples = set(
        query(
            root,
            "SELECT sample_id, task, instruction, output, status, reasons, chunk_ids, pages,"
            " source FROM samples",
        )
    )
    keys = {k for (k,) in query(root, "SELECT key FROM llm_cache")}
    return samples, keys


def test_sigkill_at_several_points_then_rerun_gives_the_same_samples(tmp_path):
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for root in (clean, killed):
        make_workspace(root, DOCS_USED, config=CONFIG_ONE_ROUND).close()

    proc = start(clean)
    out = proc.communicate(timeout=600)[0].decode()
    assert proc.returncode == 0, out
    want_samples, want_keys = snapshot(clean)
    assert want_samples and len(want_keys) >= 3

    kills = 0
    # 1: right after the first reply is cached (before its samples are written)
    kills += kill_when(start(killed), lambda: count(killed, "llm_cache") >= 1)
    # 2: right after the first samples are written by the second process
    n0 = count(killed, "samples")
    kills += kill_when(start(killed), lambda: count(killed, "samples") > n0)
    # 3: as soon as one more reply is cached
    c0 = count(killed, "llm_cache")
    kills += kill_when(start(killed), lambda: count(killed, "llm_cache") > c0)
    assert kills >= 2, "generate finished before it could be killed"

    before = count(killed, "llm_cache")
    p = start(killed)
    out = p.communicate(timeout=600)[0].decode()
    assert p.returncode == 0, out
    got_samples, got_keys = snapshot(killed)
    assert got_samples == want_samples
    assert got_keys == want_keys  # no request was sent that the clean run did not send
    # the last run sent only what was not answered before the kills: one request per new cache row
    last = json.loads(
        query(killed, "SELECT summary FROM runs WHERE finished_at IS NOT NULL ORDER BY id DESC")[0][0]
    )
    assert last["requests"] == len(got_keys) - before
    assert last["cached"] >= before
    assert count(killed, "samples") == len(want_samples)  # nothing duplicated
