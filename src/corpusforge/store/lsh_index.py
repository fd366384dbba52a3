"""The SQLite file behind an on-disk MinHash-LSH index (a throwaway database, not the workspace store).

Tables: ``exact`` (exact-hash key -> ref), ``items`` (item id -> signature bytes, ref) and ``buckets``
(band key -> item id). Journal and sync are off: the file is rebuilt on every run and deleted on close.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_SCHEMA = (
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8000;"
    "CREATE TABLE exact (key INTEGER PRIMARY KEY, ref TEXT);"
    "CREATE TABLE items (item INTEGER PRIMARY KEY, sig BLOB, ref TEXT);"
    "CREATE TABLE buckets (key INTEGER, item INTEGER, PRIMARY KEY (key, item)) WITHOUT ROWID;"
)


class LshIndexFile:
    """A fresh index file at ``path`` (an existing one is replaced).

    Args:
        path: the SQLite file; deleted again by :meth:`close`.
    """

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")  # one transaction per 1000 items: statements see their own uncommitted rows
        self.n = 0

    def get_exact(self, key: int) -> str | None:
        """The ref stored for an exact-hash key, or None."""
        r = self.db.execute("SELECT ref FROM exact WHERE key=?", (key,)).fetchone()
        return r[0] if r else None

    def put_exact(self, key: int, ref: str) -> None:
        """Store the ref of an exact-hash key (the first one stored stays)."""
        self.db.execute("INSERT OR IGNORE INTO exact VALUES (?,?)", (key, ref))

    def items_in_buckets(self, keys: list[int]) -> set[int]:
        """Ids of the items stored under any of the band keys."""
        q = f"SELECT item FROM buckets WHERE key IN ({','.join('?' * len(keys))})"
        return {r[0] for r in self.db.execute(q, keys)}

    def add_item(self, sig: bytes, ref: str, keys: list[int]) -> int:
        """Store an item (its signature bytes and ref) under its band keys; return its id (0, 1, ...)."""
        item = self.n
        self.n += 1
        self.db.execute("INSERT INTO items VALUES (?,?,?)", (item, sig, ref))
        self.db.executemany("INSERT OR IGNORE INTO buckets VALUES (?,?)", [(k, item) for k in keys])
        if self.n % 1000 == 0:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
        return item

    def signature(self, item: int) -> bytes:
        """The signature bytes of an item."""
        blob: bytes = self.db.execute("SELECT sig FROM items WHERE item=?", (item,)).fetchone()[0]
        return blob

    def ref(self, item: int) -> str:
        """The ref of an item."""
        return str(self.db.execute("SELECT ref FROM items WHERE item=?", (item,)).fetchone()[0])

    def close(self) -> None:
        """Drop what was not committed, close the connection and delete the file."""
        self.db.rollback()
        self.db.close()
        self.path.unlink(missing_ok=True)
