"""The connection and its write transactions, shared by the parts of :class:`~corpusforge.store.Store`."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ConflictError(RuntimeError):
    """Raised when a sample was changed by someone else since it was read (optimistic locking)."""


class StoreBase:
    """What every part of the store builds on: ``conn`` and :meth:`transaction`."""

    conn: sqlite3.Connection
    _tx_owner: int | None = None
    _tx_depth: int = 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error).

        Store calls made inside it by the same thread join it, so several of them commit (or roll back)
        together: ``with store.transaction(): store.update_sample(...); store.add_review(...)``.
        """
        if self._tx_depth and self._tx_owner == threading.get_ident():
            self._tx_depth += 1
            try:
                yield self.conn
            finally:
                self._tx_depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._tx_owner, self._tx_depth = threading.get_ident(), 1
        try:
            yield self.conn
        except BaseException:
            self._tx_owner, self._tx_depth = None, 0
            self.conn.execute("ROLLBACK")
            raise
        self._tx_owner, self._tx_depth = None, 0
        self.conn.execute("COMMIT")
