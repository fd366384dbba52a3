"""``--engine ray`` on a real two-node cluster gives the local engine's rows, also after kill -9.

The documents (txt, md, html, docx, pdf, image-only scans, an exact copy, near copies, a broken file) are
ingested and built into a corpus by the local engine in this process, and by the ray engine through the
CLI; every row of the ingest and corpus tables (times and row ids aside) must be the same.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from raylib import Cluster, node_workers
from scale_docs import store_rows, write_docs

from corpusforge.scale.engine import run_corpus, run_ingest
from corpusforge.workspace import init_workspace

STORE = Path(".corpusforge") / "store.db"


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "docs"
    write_docs(folder, scans=2)
    return folder


@pytest.fixture(scope="module")
def local(docs, tmp_path_factory) -> dict[str, dict]:
    """Rows of the local engine: after ingest + corpus, and after a corpus with LSH dedup of paragraphs."""
    ws = init_workspace(tmp_path_factory.mktemp("local") / "ws")
    run_ingest(ws, [docs], engine="local")
    run_corpus(ws, engine="local")
    default = store_rows(ws.root / STORE)
    ws.config.corpus.near_dup.enabled = False
    run_corpus(ws, engine="local")
    lsh = store_rows(ws.root / STORE)
    ws.close()
    return {"default": default, "lsh": lsh}


def _ws(tmp_path: Path) -> Path:
    init_workspace(tmp_path / "ws").close()
    return tmp_path / "ws"


def _cli(cluster: Cluster, root: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "corpusforge", *args, "--engine", "ray"]
    return subprocess.Popen(cmd, cwd=root, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _run(cluster: Cluster, root: Path, *args: str) -> str:
    proc = _cli(cluster, root, *args)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out.decode(errors="replace")[-3000:]
    return out.decode(errors="replace")


def _count(root: Path, sql: str) -> int:
    try:
        with sqlite3.connect(root / STORE, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _last_run(root: Path, command: str) -> dict:
    with sqlite3.connect(root / STORE) as conn:
        row = conn.execute("SELECT summary FROM runs WHERE command=? ORDER BY id DESC", (command,)).fetchone()
    return json.loads(row[0])


def _kill_when(proc: subprocess.Popen, ready) -> bool:  # type: ignore[no-untyped-def]
    """SIGKILL ``proc`` once ``ready()`` holds; False when it ended first."""
    while proc.poll() is None:
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.05)
    return False


def test_ray_engine_gives_the_local_rows(ray_cluster, docs, local, tmp_path):
    root = _ws(tmp_path)
    out = _run(ray_cluster, root, "ingest", str(docs))
    assert "corrupt PDF" in out  # the broken file is named with its reason, as locally
    _run(ray_cluster, root, "corpus", "--no-progress")
    rows = store_rows(root / STORE)
    assert rows == local["default"]
    assert rows["chunks"] and rows["corpus_duplicates"]
    assert any(r[0] == "failed" for r in _statuses(rows))


def _statuses(rows: dict) -> list[tuple]:
    return [(r[5],) for r in rows["files"]]


def test_ray_lsh_dedup_matches_local(ray_cluster, docs, local, tmp_path):
    """Paragraph and page MinHash LSH (near_dup off): signatures on the workers, the same decisions; one
    document per task (``ray.batch_chars: 1``; the other tests send them in batches)."""
    config = "corpus:\n  near_dup:\n    enabled: false\nray:\n  batch_chars: 1\n"
    init_workspace(tmp_path / "ws", config_text=config).close()
    root = tmp_path / "ws"
    _run(ray_cluster, root, "ingest", str(docs))
    _run(ray_cluster, root, "corpus", "--no-progress")
    rows = store_rows(root / STORE)
    assert rows == local["lsh"]
    kinds = {r[4] for r in rows["corpus_duplicates"]}
    assert {"near", "exact"} <= kinds, kinds


def test_ray_lsh_shuffle_matches_local(ray_cluster, docs, local, tmp_path):
    """``ray.lsh: shuffle``: the band keys grouped by a Ray Data shuffle, the same rows as the local engine
    (near copies across documents, so pairs are found and documents are cleaned again on the driver)."""
    config = "corpus:\n  near_dup:\n    enabled: false\nray:\n  batch_chars: 20000\n  lsh: shuffle\n"
    init_workspace(tmp_path / "ws", config_text=config).close()
    root = tmp_path / "ws"
    _run(ray_cluster, root, "ingest", str(docs))
    log = _run(ray_cluster, root, "-v", "corpus", "--no-progress")
    found = re.search(r"lsh shuffle: \d+/\d+ signatures, (\d+)/(\d+) with pairs", log)
    assert found and int(found[1]) + int(found[2]) > 0, log[-3000:]
    rows = store_rows(root / STORE)
    assert rows == local["lsh"]
    near = [r for r in rows["corpus_duplicates"] if r[4] == "near"]
    assert near, rows["corpus_duplicates"]


def test_killed_worker_loses_nothing(ray_cluster, docs, local, tmp_path):
    root = _ws(tmp_path)
    proc = _cli(ray_cluster, root, "ingest", str(docs))
    nodes = (ray_cluster.head, ray_cluster.worker)
    killed = []
    while proc.poll() is None and not killed:
        for node in nodes:
            for pid in node_workers(node, "read_task")[:1]:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        time.sleep(0.05)
    proc.communicate(timeout=600)
    assert killed, "no worker was seen reading a file"
    assert proc.returncode == 0
    _run(ray_cluster, root, "ingest", str(docs))  # the rerun finds nothing to do
    assert _last_run(root, "ingest")["read"] == 0
    _run(ray_cluster, root, "corpus", "--no-progress")
    assert store_rows(root / STORE) == local["default"]


def test_killed_driver_resumes(ray_cluster, docs, local, tmp_path):
    root = _ws(tmp_path)
    proc = _cli(ray_cluster, root, "ingest", str(docs))
    assert _kill_when(proc, lambda: _count(root, "SELECT count(*) FROM files WHERE status='ok'") >= 2)
    stored = _count(root, "SELECT count(*) FROM documents")
    _run(ray_cluster, root, "ingest", str(docs))
    n_docs = len(local["default"]["documents"])
    assert _last_run(root, "ingest")["read"] == n_docs - stored  # finished files were not read again
    proc = _cli(ray_cluster, root, "corpus", "--no-progress")
    _kill_when(proc, lambda: _count(root, "SELECT count(*) FROM chunks") > 0)  # may finish first
    _run(ray_cluster, root, "corpus", "--no-progress")
    assert store_rows(root / STORE) == local["default"]
