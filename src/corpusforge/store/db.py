"""SQLite store for documents, pages, chunks, samples, candidates, reviews and the LLM response cache.

All writes go through short transactions, so an interrupted run (Ctrl-C, kill -9) leaves the database
consistent; WAL mode lets the review app read while ``generate`` writes. JSON columns are encoded in
:mod:`corpusforge.store.codec` and nowhere else. The statements live beside their tables, one module per
kind of record (files, documents, samples, cache, corpus, review, train); :class:`Store` joins them.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

from corpusforge.redact import redact_data
from corpusforge.store import migrations
from corpusforge.store.base import ConflictError
from corpusforge.store.cache import CacheMixin
from corpusforge.store.codec import dump
from corpusforge.store.corpus import CorpusMixin
from corpusforge.store.documents import DocumentsMixin
from corpusforge.store.errors import StoreError, alive, store_error
from corpusforge.store.files import FilesMixin
from corpusforge.store.review import ReviewMixin
from corpusforge.store.samples import SamplesMixin
from corpusforge.store.train import TrainMixin

__all__ = ["ConflictError", "Store", "StoreError"]

#: how a run can end (``running`` while it goes; ``interrupted`` also for a process found dead)
RUN_STATUSES = ("finished", "failed", "interrupted")


class Store(FilesMixin, DocumentsMixin, SamplesMixin, CacheMixin, CorpusMixin, ReviewMixin, TrainMixin):
    """Open (creating and migrating as needed) the SQLite database at ``path``.

    Args:
        path: database file, usually ``<workspace>/.corpusforge/store.db``.
    """

    #: the store most recently opened in this process (named by the CLI when a query fails mid-command)
    last_path: Path | None = None

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(
                f"{self.path.parent}: cannot create the store folder ({e.strerror or e})"
            ) from None
        Store.last_path = self.path
        try:
            self.conn = sqlite3.connect(
                str(self.path), timeout=60, isolation_level=None, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=60000")
            migrations.apply_all(self.conn)
            self.close_dead_runs()
        except sqlite3.DatabaseError as e:
            raise store_error(self.path, e) from None

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def schema_version(self) -> list[str]:
        """Names of the applied migrations."""
        return [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

    # ---------------------------------------------------------------- runs and counts
    def start_run(self, command: str) -> int:
        """Record the start of a command run (with this process's pid and host); returns its id."""
        self.close_dead_runs()
        cur = self.conn.execute(
            "INSERT INTO runs (command, started_at, status, pid, host) VALUES (?, ?, 'running', ?, ?)",
            (command, time.time(), os.getpid(), socket.gethostname()),
        )
        return int(cur.lastrowid or 0)

    def close_dead_runs(self) -> int:
        """Mark ``interrupted`` every open run whose process is gone (killed, crashed); return how many.

        A run started on another host is left open (its process cannot be checked from here); a run
        recorded before pids were (no pid) is closed.
        """
        host = socket.gethostname()
        dead = [
            int(r["id"])
            for r in self.conn.execute("SELECT id, pid, host FROM runs WHERE status='running'")
            if r["pid"] is None or (r["host"] == host and not alive(int(r["pid"])))
        ]
        for run_id in dead:
            self.conn.execute(
                "UPDATE runs SET status='interrupted' WHERE id=? AND status='running'", (run_id,)
            )
        return len(dead)

    def finish_run(self, run_id: int, summary: dict[str, Any], status: str = "finished") -> None:
        """Record the end of a command run with its summary (secrets redacted).

        Args:
            run_id: from :meth:`start_run`.
            summary: the run's counts and notes, stored as JSON.
            status: ``finished``, ``failed`` (an error ended it) or ``interrupted`` (Ctrl-C).
        """
        if status not in RUN_STATUSES:
            raise ValueError(f"run status must be one of {', '.join(RUN_STATUSES)}, not {status!r}")
        self.conn.execute(
            "UPDATE runs SET finished_at=?, summary=?, status=? WHERE id=?",
            (time.time(), dump(redact_data(summary)), status, run_id),
        )

    def recent_runs(self, n: int = 10) -> list[dict[str, Any]]:
        """The last ``n`` runs, newest first: id, command, status, started_at, finished_at."""
        rows = self.conn.execute(
            "SELECT id, command, status, started_at, finished_at FROM runs ORDER BY id DESC LIMIT ?", (n,)
        )
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (current records only)."""
        q = {
            "files": "SELECT COUNT(*) FROM files",
            "files_failed": "SELECT COUNT(*) FROM files WHERE status='failed'",
            "documents": "SELECT COUNT(*) FROM documents WHERE stale=0",
            "documents_stale": "SELECT COUNT(*) FROM documents WHERE stale=1",
            "pages": "SELECT COUNT(*) FROM pages p JOIN documents d USING (doc_id) WHERE d.stale=0",
            "chunks": "SELECT COUNT(*) FROM chunks WHERE stale=0",
            "samples": "SELECT COUNT(*) FROM samples WHERE stale=0",
            "candidates": "SELECT COUNT(*) FROM candidates",
            "reviews": "SELECT COUNT(*) FROM reviews",
            "llm_cache": "SELECT COUNT(*) FROM llm_cache",
        }
        return {k: int(self.conn.execute(v).fetchone()[0]) for k, v in q.items()}
