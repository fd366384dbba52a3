"""The SQLite database behind an on-disk question index (a private temporary database, not the workspace store).

Tables: ``entries`` (one kept question: key, scope, its numbers and n-grams joined by ``\\x1f``, grounding)
and ``postings`` (a 63-bit hash of (scope, n-gram) -> entry; a collision only adds a candidate, which the
caller checks against the entry's own n-grams). Journal and sync are off; ``sqlite3.connect("")`` makes a
temporary file that SQLite deletes on close. Used by :class:`corpusforge.quality.dedup.DiskQuestionIndex`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable

SEP = "\x1f"
_SCHEMA = (
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4000;"
    "CREATE TABLE entries (eid INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, scope TEXT NOT NULL,"
    " nums TEXT NOT NULL, grams TEXT NOT NULL, grounding REAL NOT NULL);"
    "CREATE INDEX entries_nums ON entries (scope, nums);"
    "CREATE TABLE postings (h INTEGER, eid INTEGER, PRIMARY KEY (h, eid)) WITHOUT ROWID;"
)


class QuestionIndexFile:
    """A fresh, empty question index database (deleted by :meth:`close`)."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.db.executescript(_SCHEMA)
        # one transaction for the database's life: a commit per statement would write pages every time
        self.db.execute("BEGIN")

    def close(self) -> None:
        """Close (and so delete) the database."""
        self.db.close()

    def has(self, key: str) -> bool:
        """Whether ``key`` is kept."""
        return self.db.execute("SELECT 1 FROM entries WHERE key = ?", (key,)).fetchone() is not None

    def grounding(self, key: str) -> float | None:
        """The grounding ``key`` was kept with (None when it is not kept)."""
        row = self.db.execute("SELECT grounding FROM entries WHERE key = ?", (key,)).fetchone()
        return None if row is None else float(row[0])

    def with_nums(self, scope: str, nums: str) -> Iterable[tuple[str, str]]:
        """(key, joined n-grams) of the entries of a scope with these numbers."""
        return self.db.execute("SELECT key, grams FROM entries WHERE scope = ? AND nums = ?", (scope, nums))

    def with_grams(self, scope: str, hashes: Collection[int], nums: str) -> Iterable[tuple[str, str]]:
        """(key, joined n-grams) of the entries of a scope with these numbers holding an n-gram of one of
        these (scope, n-gram) hashes (or colliding with one)."""
        marks = ",".join("?" * len(hashes))
        return self.db.execute(
            f"SELECT e.key, e.grams FROM entries e WHERE e.eid IN (SELECT eid FROM postings WHERE h IN ({marks}))"
            " AND e.nums = ? AND e.scope = ?",
            (*hashes, nums, scope),
        )

    def put(
        self,
        key: str,
        scope: str,
        nums: str,
        grams: Collection[str],
        hashes: Collection[int],
        grounding: float,
    ) -> None:
        """Keep an entry (``key`` must not be kept) under the (scope, n-gram) ``hashes`` of its n-grams."""
        cur = self.db.execute(
            "INSERT INTO entries (key, scope, nums, grams, grounding) VALUES (?, ?, ?, ?, ?)",
            (key, scope, nums, SEP.join(sorted(grams)), grounding),
        )
        eid = cur.lastrowid
        self.db.executemany(
            "INSERT OR IGNORE INTO postings (h, eid) VALUES (?, ?)", [(h, eid) for h in hashes]
        )

    def pop(self, key: str) -> tuple[int, str, str, list[str]] | None:
        """Forget ``key``; returns its (entry id, scope, numbers, n-grams), None when it was not kept.
        Its postings are the caller's to drop (:meth:`drop_postings`: it knows the hashes)."""
        row = self.db.execute("SELECT eid, scope, nums, grams FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        eid, scope, nums, joined = row
        self.db.execute("DELETE FROM entries WHERE eid = ?", (eid,))
        return eid, scope, nums, joined.split(SEP)

    def drop_postings(self, eid: int, hashes: Collection[int]) -> None:
        """Drop an entry's postings."""
        self.db.executemany("DELETE FROM postings WHERE h = ? AND eid = ?", [(h, eid) for h in hashes])
