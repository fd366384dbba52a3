"""Issue 19: runs end with a status (a killed command's run is marked ``interrupted`` at the next start, and
``corpusforge status`` shows it); a store that is damaged, busy or raced is one line, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_hardening import PUMPS, _cli

from corpusforge.ingest.pipeline import IngestInterrupted, ingest_paths
from corpusforge.store import Store, StoreError, store_error
from corpusforge.workspace import init_workspace, open_workspace


class _Hang(BaseHTTPRequestHandler):
    """An OpenAI-shaped server that never answers: the client waits until it is killed."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(30)

    def log_message(self, *args: object) -> None:
        pass


def _openai_workspace(ws: Path, url: str) -> None:
    assert _cli(ws, "init", str(ws)).returncode == 0
    (ws / "docs").mkdir(exist_ok=True)
    (ws / "docs" / "pumps.md").write_text(PUMPS)
    cfg = (ws / "corpusforge.yaml").read_text()
    cfg = cfg.replace('backend: "llamacpp"', 'backend: "openai"', 1)
    cfg = cfg.replace("base_url: []", f'base_url: ["{url}"]', 1).replace("retries: 4", "retries: 0", 1)
    (ws / "corpusforge.yaml").write_text(cfg)
    for step in (("ingest", str(ws / "docs")), ("corpus",)):
        r = _cli(ws, *step)
        assert r.returncode == 0, r.stdout + r.stderr


def test_a_generate_killed_with_sigkill_shows_as_interrupted_in_status(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hang)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ws = tmp_path / "w"
    try:
        _openai_workspace(ws, f"http://127.0.0.1:{server.server_address[1]}/v1")
        cmd = [sys.executable, "-m", "corpusforge", "--workspace", str(ws), "generate", "--task", "qa"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        con = sqlite3.connect(ws / ".corpusforge" / "store.db", timeout=30)
        q = "SELECT status, pid FROM runs WHERE command LIKE 'generate%'"
        for _ in range(600):  # until its run row is written (the request then hangs)
            row = con.execute(q).fetchone()
            if row or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert row == ("running", proc.pid), row
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert con.execute(q).fetchone()[0] == "running"  # nothing closed it: the process had no chance
        con.close()
    finally:
        server.shutdown()
    r = _cli(ws, "status", "--json")
    assert r.returncode == 0, r.stderr
    runs = {run["command"]: run["status"] for run in json.loads(r.stdout)["runs"]}
    assert runs == {"generate qa": "interrupted", "ingest": "finished"}, runs
    shown = _cli(ws, "status")
    table = shown.stdout + shown.stderr
    assert "generate qa" in table and "interrupted" in table


def test_a_run_ends_finished_failed_or_interrupted(tmp_path):
    ws = init_workspace(tmp_path / "w")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "pumps.md").write_text(PUMPS)

    def stop(_path: str) -> None:
        raise KeyboardInterrupt

    def crash(_path: str) -> None:
        raise RuntimeError("disk gone")

    ingest_paths(ws, [tmp_path / "docs"])
    with pytest.raises(IngestInterrupted):
        ingest_paths(ws, [tmp_path / "docs"], on_file=stop)
    with pytest.raises(RuntimeError):
        ingest_paths(ws, [tmp_path / "docs"], on_file=crash)
    assert [r["status"] for r in ws.store.recent_runs()] == ["failed", "interrupted", "finished"]
    assert all(r["finished_at"] for r in ws.store.recent_runs())
    with pytest.raises(ValueError, match="run status"):
        ws.store.finish_run(1, {}, status="done")
    ws.close()


def _filled_store(tmp_path: Path) -> Path:
    ws = init_workspace(tmp_path / "w")
    for i in range(3000):
        ws.store.put_file(f"docs/file-{i:05d}-" + "x" * 200 + ".md", status="failed", error="unreadable")
    ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()
    return tmp_path / "w" / ".corpusforge" / "store.db"


def test_a_store_damaged_inside_a_table_is_one_line_when_a_command_reads_it(tmp_path):
    db = _filled_store(tmp_path)
    data = bytearray(db.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 16384] = os.urandom(16384)  # the header and schema are fine, the files table is not
    db.write_bytes(bytes(data))
    r = _cli(tmp_path / "w", "status")
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out[-1500:]
    assert len(out.strip().splitlines()) == 1, out
    assert (
        str(db) in out and "is damaged (database disk image is malformed)" in out and "move it aside" in out
    )


def test_a_truncated_real_store_is_one_line_naming_the_file(tmp_path):
    db = _filled_store(tmp_path)
    data = db.read_bytes()
    for cut in (len(data) // 3, len(data) - 4096):
        db.write_bytes(data[:cut])
        with pytest.raises(StoreError) as e:
            open_workspace(tmp_path / "w")
        msg = str(e.value)
        assert msg.startswith(f"{db}: not a valid corpusforge store") and "\n" not in msg, msg


def test_busy_and_unwritable_stores_say_so_not_move_it_aside(tmp_path):
    db = tmp_path / "store.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(db, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("CREATE TABLE t (x)")
    holder.execute("ROLLBACK")
    holder.close()
    other.close()
    msg = str(store_error(db, locked.value))
    assert msg.startswith(f"{db}: the store is busy (database is locked)") and "move it aside" not in msg
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", 0o500)
    try:
        if os.access(tmp_path / "ro", os.W_OK):  # root ignores modes: use a path that cannot be a file
            target = Path("/proc/corpusforge-test/store.db")
        else:
            target = tmp_path / "ro" / "sub" / "store.db"
        with pytest.raises(StoreError, match="cannot create the store folder"):
            Store(target)
    finally:
        os.chmod(tmp_path / "ro", 0o700)


def test_an_error_message_with_brackets_is_printed_as_is(tmp_path):
    odd = tmp_path / "a[/x]b [red]"
    odd.mkdir(parents=True)
    r = _cli(odd, "status")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-800:]
    assert "a[/x]b [red]" in " ".join(r.stderr.split()) and "not a corpusforge workspace" in r.stderr
