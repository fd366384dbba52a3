"""What the corpus stage removed (``corpus_drops``, ``corpus_duplicates``; rebuilt on every run)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from corpusforge.store.base import StoreBase

DROP_COLS = ("doc_id", "source", "unit", "pages", "reason", "chars", "text")
DUPLICATE_COLS = (
    "doc_id",
    "source",
    "unit",
    "pages",
    "kind",
    "similarity",
    "chars",
    "text",
    "kept_doc_id",
    "kept_source",
    "kept_pages",
    "kept_text",
)
_LISTS = {"pages", "kept_pages"}


def _values(rec: Mapping[str, Any], cols: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(json.dumps(rec[k]) if k in _LISTS else rec[k] for k in cols)


class CorpusMixin(StoreBase):
    """Reads and writes of the corpus stage's drop and duplicate records."""

    def clear_corpus_removed(self) -> None:
        """Delete every drop and duplicate record (a corpus run starts afresh), in one transaction."""
        with self.transaction() as c:
            c.execute("DELETE FROM corpus_drops")
            c.execute("DELETE FROM corpus_duplicates")

    def add_corpus_removed(
        self, drops: Iterable[Mapping[str, Any]], duplicates: Iterable[Mapping[str, Any]]
    ) -> None:
        """Record what the filters dropped and which duplicates were removed, in one transaction.

        Args:
            drops: one mapping per dropped unit with the keys of :data:`DROP_COLS` (``pages`` a list).
            duplicates: one mapping per duplicate with the keys of :data:`DUPLICATE_COLS` (``pages`` and
                ``kept_pages`` lists).
        """
        drop_rows = [_values(d, DROP_COLS) for d in drops]
        dup_rows = [_values(d, DUPLICATE_COLS) for d in duplicates]
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO corpus_drops (doc_id, source, unit, pages, reason, chars, text)"
                " VALUES (?,?,?,?,?,?,?)",
                drop_rows,
            )
            c.executemany(
                "INSERT INTO corpus_duplicates (doc_id, source, unit, pages, kind, similarity, chars, text,"
                " kept_doc_id, kept_source, kept_pages, kept_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                dup_rows,
            )

    def iter_corpus_drops(self) -> Iterator[dict[str, Any]]:
        """Dropped units in the order they were recorded: source, unit, pages, reason, chars, text."""
        for r in self.conn.execute(
            "SELECT source, unit, pages, reason, chars, text FROM corpus_drops ORDER BY id"
        ):
            yield {
                "source": r[0],
                "unit": r[1],
                "pages": json.loads(r[2]),
                "reason": r[3],
                "chars": r[4],
                "text": r[5],
            }

    def iter_corpus_duplicates(self) -> Iterator[dict[str, Any]]:
        """Removed duplicates in the order they were recorded, each with ``kept_source/pages/text``."""
        for r in self.conn.execute(
            "SELECT source, unit, pages, kind, similarity, chars, text, kept_source, kept_pages, kept_text"
            " FROM corpus_duplicates ORDER BY id"
        ):
            yield {
                "source": r[0],
                "unit": r[1],
                "pages": json.loads(r[2]),
                "kind": r[3],
                "similarity": r[4],
                "chars": r[5],
                "text": r[6],
                "kept_source": r[7],
                "kept_pages": json.loads(r[8]),
                "kept_text": r[9],
            }
