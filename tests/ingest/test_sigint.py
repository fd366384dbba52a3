"""A real Ctrl-C (SIGINT) to ``corpusforge ingest`` while it OCRs: exit 130, store consistent, rerun finishes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import fitz
import pytest

from corpusforge.ingest.ocr import tesseract_available


def _count(db, sql):
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return -1


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_sigint_during_ocr(tmp_path, quickstart_dir, fixtures_dir):
    src = tmp_path / "in"
    shutil.copytree(quickstart_dir, src / "a_quickstart")
    (src / "b_scans").mkdir()
    # the scan's 2 pages five times over: OCR got fast enough (about 1 s a page) to end before the signal
    scan = fitz.open(fixtures_dir / "pdf" / "zh_mineru_scanned-book_scanned_2p.pdf")
    book = fitz.open()
    for _ in range(5):
        book.insert_pdf(scan)
    book.save(src / "b_scans" / "scan.pdf")
    ws = tmp_path / "ws"
    run = [sys.executable, "-m", "corpusforge", "--workspace", str(ws)]
    subprocess.run([*run, "init", str(ws)], check=True, capture_output=True)
    db = ws / ".corpusforge" / "store.db"
    # own process group, signalled as a whole: what a terminal does on Ctrl-C (tesseract gets it too)
    proc = subprocess.Popen(
        [*run, "ingest", "--ocr", str(src)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # a terminal's Ctrl-C default, whatever an earlier test left this process's SIGINT as (ignored
        # SIGINT is inherited, and Python then installs no KeyboardInterrupt handler)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 240
        # the five quickstart files come first (sorted); the scan then takes many seconds of OCR
        while _count(db, "SELECT COUNT(*) FROM files WHERE status='ok'") < 5 and proc.poll() is None:
            assert time.monotonic() < deadline, "ingest did not get to the scan"
            time.sleep(0.2)
        time.sleep(1.0)  # inside the OCR of the scan's first page
        os.killpg(proc.pid, signal.SIGINT)
        output, _ = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, output
    assert "interrupted" in output
    assert _count(db, "SELECT COUNT(*) FROM documents") == 5
    assert _count(db, "SELECT COUNT(*) FROM pages") == 7
    assert _count(db, "PRAGMA integrity_check") == "ok"
    rest = subprocess.run([*run, "ingest", "--no-ocr", str(src)], capture_output=True, text=True)
    assert rest.returncode == 0, rest.stderr
    status = json.loads(subprocess.run([*run, "status", "--json"], capture_output=True, text=True).stdout)
    assert status["counts"]["documents"] == 5 and status["counts"]["pages"] == 7
    assert [f["path"].endswith("scan.pdf") for f in status["failed"]] == [True]
