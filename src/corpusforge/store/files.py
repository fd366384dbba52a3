"""Ingested files: the state of each path (``files`` table)."""

from __future__ import annotations

import time
from typing import Any

from corpusforge.redact import redact
from corpusforge.store.base import StoreBase


class FilesMixin(StoreBase):
    """Reads and writes of the ``files`` table."""

    def get_file(self, path: str) -> dict[str, Any] | None:
        """The stored state of an ingested path, or None."""
        r = self.conn.execute("SELECT * FROM files WHERE path=?", (path,)).fetchone()
        return dict(r) if r else None

    def put_file(
        self,
        path: str,
        *,
        status: str,
        sha256: str | None = None,
        size: int | None = None,
        mtime: float | None = None,
        doc_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record the outcome of reading one file (``ok``, ``failed``, ``skipped``); secrets in ``error`` redacted."""
        error = None if error is None else redact(error)
        self.conn.execute(
            "INSERT OR REPLACE INTO files (path, sha256, size, mtime, doc_id, status, error, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (path, sha256, size, mtime, doc_id, status, error, time.time()),
        )

    def failed_files(self) -> list[dict[str, Any]]:
        """Every file whose last read failed, with its reason."""
        return [
            dict(r)
            for r in self.conn.execute("SELECT path, error FROM files WHERE status='failed' ORDER BY path")
        ]

    def count_other_files(self, doc_id: str, path: str) -> int:
        """How many paths other than ``path`` were read successfully into document ``doc_id``."""
        return int(
            self.conn.execute(
                "SELECT COUNT(*) FROM files WHERE doc_id=? AND path<>? AND status='ok'", (doc_id, path)
            ).fetchone()[0]
        )
