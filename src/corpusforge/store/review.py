"""Queries of the review app: the filtered, paginated sample list, neighbours, progress and bulk-accept.

All orderings match an index of migration ``m005_review``, so a page or a neighbour costs an index walk,
not a sort of every sample, even at 100k samples.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from corpusforge.store.base import StoreBase

#: statuses still waiting for a reviewer's decision
PENDING = ("generated", "passed", "flagged")
#: the list orders by name: the columns (index order) each one sorts by
ORDERS = {
    "doc": ("source", "doc_id", "task", "sample_id"),
    "score": ("COALESCE(grounding, -1.0)", "sample_id"),
}
_LIST_COLS = (
    "sample_id, task, doc_id, source, pages, substr(instruction, 1, 160) AS question,"
    " substr(output, 1, 160) AS answer, status, grounding, reasons, version,"
    " (SELECT COUNT(*) FROM candidates c WHERE c.sample_id = samples.sample_id) AS n_cands,"
    " (SELECT COUNT(*) FROM candidates c WHERE c.sample_id = samples.sample_id"
    "  AND (c.rating IS NOT NULL OR c.rank IS NOT NULL)) AS n_rated"
)


@dataclass(slots=True)
class SampleFilter:
    """Which current samples a list shows: one document, task, status, a score range, and the order.

    Attributes:
        doc: a ``doc_id`` (empty: every document).
        task: a task name (empty: every task).
        status: a sample status (empty: every status).
        min_score: lowest grounding score, or None.
        max_score: highest grounding score, or None.
        sort: a key of :data:`ORDERS`.
        cands: ``any`` (samples with candidates), ``unrated`` (with candidates to rate) or empty.
    """

    doc: str = ""
    task: str = ""
    status: str = ""
    min_score: float | None = None
    max_score: float | None = None
    sort: str = "doc"
    cands: str = ""

    def order_keys(self) -> tuple[str, ...]:
        """The list order; within one document, its own index order (same rows, same sequence)."""
        if self.sort == "doc" and self.doc:
            return ("task", "sample_id")
        return ORDERS[self.sort]

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition and arguments for these filters (current samples only)."""
        conds: list[str] = ["stale=0"]
        args: list[Any] = []
        for col, val in (("doc_id", self.doc), ("task", self.task), ("status", self.status)):
            if val:
                conds.append(f"{col}=?")
                args.append(val)
        if self.min_score is not None:
            conds.append("grounding >= ?")
            args.append(self.min_score)
        if self.max_score is not None:
            conds.append("grounding <= ?")
            args.append(self.max_score)
        if self.cands:
            unrated = " AND c.rating IS NULL AND c.rank IS NULL" if self.cands == "unrated" else ""
            conds.append(
                f"EXISTS (SELECT 1 FROM candidates c WHERE c.sample_id = samples.sample_id{unrated})"
            )
        return " AND ".join(conds), args


def page_query(f: SampleFilter, page: int, size: int) -> tuple[str, list[Any]]:
    """SQL and arguments of one page (1-based) of the list."""
    where, args = f.where()
    order = ", ".join(f.order_keys())
    return (
        f"SELECT {_LIST_COLS} FROM samples WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*args, size, max(page - 1, 0) * size],
    )


def neighbour_query(f: SampleFilter, key: tuple[Any, ...], forward: bool = True) -> tuple[str, list[Any]]:
    """SQL and arguments of the sample after (or before) the one whose order key is ``key`` (keyset)."""
    keys = f.order_keys()
    where, args = f.where()
    op, direction = (">", "") if forward else ("<", " DESC")
    order = ", ".join(k + direction for k in keys)
    return (
        f"SELECT sample_id FROM samples WHERE {where} AND ({', '.join(keys)}) {op}"
        f" ({', '.join('?' * len(keys))}) ORDER BY {order} LIMIT 1",
        [*args, *key],
    )


class ReviewMixin(StoreBase):
    """The review app's reads (list, neighbours, progress) and its bulk write."""

    def change_key(self) -> tuple[int, int]:
        """Changes whenever the database does: ``PRAGMA data_version`` (commits by other connections) and
        this connection's ``total_changes`` (its own writes)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0]), self.conn.total_changes

    def list_samples(self, f: SampleFilter, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
        """One page (1-based) of samples matching ``f``, and the number of matches."""
        where, args = f.where()
        total = int(self.conn.execute(f"SELECT COUNT(*) FROM samples WHERE {where}", args).fetchone()[0])
        out = []
        for r in self.conn.execute(*page_query(f, page, size)).fetchall():
            d = dict(r)
            d["pages"], d["reasons"] = json.loads(d["pages"] or "[]"), json.loads(d["reasons"] or "[]")
            out.append(d)
        return out, total

    def neighbour(self, f: SampleFilter, sample_id: str, forward: bool = True) -> str | None:
        """The id of the sample after (or before) ``sample_id`` in the list order of ``f``, or None."""
        cur = self.conn.execute(
            f"SELECT {', '.join(f.order_keys())} FROM samples WHERE sample_id=?", (sample_id,)
        ).fetchone()
        if cur is None:
            return None
        r = self.conn.execute(*neighbour_query(f, tuple(cur), forward)).fetchone()
        return r[0] if r else None

    def review_progress(self, limit: int = 200) -> list[dict[str, Any]]:
        """Per document: source, total, accepted, rejected, dropped, pending, and the share reviewed."""
        docs: dict[str, dict[str, Any]] = {}
        for doc_id, status, n in self.conn.execute(
            "SELECT doc_id, status, COUNT(*) FROM samples WHERE stale=0 GROUP BY doc_id, status"
        ):
            d = docs.setdefault(
                doc_id,
                {"doc_id": doc_id, "total": 0, "accepted": 0, "rejected": 0, "dropped": 0, "pending": 0},
            )
            d["total"] += n
            key = "pending" if status in PENDING else status
            d[key] = d.get(key, 0) + n
        for doc_id, d in docs.items():
            r = (
                self.conn.execute("SELECT source FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
                or self.conn.execute(
                    "SELECT source FROM samples WHERE doc_id=? LIMIT 1", (doc_id,)
                ).fetchone()
            )
            d["source"] = r[0] if r else doc_id
            d["reviewed"] = d["accepted"] + d["rejected"]
        return sorted(docs.values(), key=lambda d: (d["source"], d["doc_id"]))[:limit]

    def bulk_accept(self, f: SampleFilter, min_score: float, reviewer: str) -> int:
        """Accept every pending sample matching ``f`` whose grounding is at least ``min_score``; return how many.

        Flagged samples are only included when the filter asks for status ``flagged``: the gate had a reason
        beyond grounding to hold them. One history entry (action ``bulk_accept``) is written per sample, in the
        same transaction.
        """
        where, args = f.where()
        statuses = [f.status] if f.status in PENDING else ([] if f.status else ["generated", "passed"])
        if not statuses:
            return 0
        cond = f"{where} AND grounding >= ? AND status IN ({', '.join('?' * len(statuses))})"
        cargs = [*args, min_score, *statuses]
        with self.transaction() as c:
            c.execute(
                "INSERT INTO reviews (sample_id, action, reviewer, before, after, at)"
                " SELECT sample_id, 'bulk_accept', ?, json_object('status', status, 'version', version),"
                " json_object('status', 'accepted', 'version', version + 1), ?"
                f" FROM samples WHERE {cond}",
                [reviewer, time.time(), *cargs],
            )
            n = c.execute(
                f"UPDATE samples SET status='accepted', version=version+1 WHERE {cond}", cargs
            ).rowcount
        return int(n)
