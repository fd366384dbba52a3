"""Read queries of the review app: the filtered, paginated sample list, neighbours and progress per document.

All orderings match an index of migration ``m005_review``, so a page or a neighbour costs an index walk,
not a sort of every sample, even at 100k samples.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, fields
from typing import Any

PENDING = ("generated", "passed", "flagged")
STATUSES = ("generated", "passed", "flagged", "dropped", "accepted", "rejected")
CANDS = {"any": "with candidates", "unrated": "with candidates to rate"}
ORDERS = {
    "doc": ("source", "doc_id", "task", "sample_id"),
    "score": ("COALESCE(grounding, -1.0)", "sample_id"),
}
_LIST_COLS = ("sample_id, task, doc_id, source, pages, substr(instruction, 1, 160) AS question,"
              " substr(output, 1, 160) AS answer, status, grounding, reasons, version,"
              " (SELECT COUNT(*) FROM candidates c WHERE c.sample_id = samples.sample_id) AS n_cands,"
              " (SELECT COUNT(*) FROM candidates c WHERE c.sample_id = samples.sample_id"
              "  AND (c.rating IS NOT NULL OR c.rank IS NOT NULL)) AS n_rated")


@dataclass(slots=True)
class Filters:
    """What the list shows: one document, task, status, a score range, and the order."""

    doc: str = ""
    task: str = ""
    status: str = ""
    min_score: float | None = None
    max_score: float | None = None
    sort: str = "doc"
    cands: str = ""

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        """Build from query parameters (a mapping of strings); unknown or malformed values are ignored."""
        def num(key: str) -> float | None:
            try:
                return float(params.get(key)) if params.get(key) not in (None, "") else None
            except ValueError:
                return None

        sort = params.get("sort") or "doc"
        status = params.get("status") or ""
        cands = params.get("cands") or ""
        return cls(doc=params.get("doc") or "", task=params.get("task") or "",
                   status=status if status in STATUSES else "", min_score=num("min_score"),
                   max_score=num("max_score"), sort=sort if sort in ORDERS else "doc",
                   cands=cands if cands in CANDS else "")

    def params(self) -> dict[str, str]:
        """The non-default filters as query parameters (for links that keep the filter)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v not in (None, "") and not (f.name == "sort" and v == "doc"):
                out[f.name] = str(v)
        return out

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
            conds.append(f"EXISTS (SELECT 1 FROM candidates c WHERE c.sample_id = samples.sample_id{unrated})")
        return " AND ".join(conds), args


def page_query(f: Filters, page: int, size: int) -> tuple[str, list[Any]]:
    """SQL and arguments of one page (1-based) of the list."""
    where, args = f.where()
    order = ", ".join(f.order_keys())
    return (f"SELECT {_LIST_COLS} FROM samples WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*args, size, max(page - 1, 0) * size])


def list_samples(conn: sqlite3.Connection, f: Filters, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    """One page (1-based) of samples matching ``f``, and the number of matches."""
    where, args = f.where()
    total = int(conn.execute(f"SELECT COUNT(*) FROM samples WHERE {where}", args).fetchone()[0])
    out = []
    for r in conn.execute(*page_query(f, page, size)).fetchall():
        d = dict(r)
        d["pages"], d["reasons"] = json.loads(d["pages"] or "[]"), json.loads(d["reasons"] or "[]")
        out.append(d)
    return out, total


def neighbour_query(f: Filters, key: tuple[Any, ...], forward: bool = True) -> tuple[str, list[Any]]:
    """SQL and arguments of the sample after (or before) the one whose order key is ``key`` (keyset)."""
    keys = f.order_keys()
    where, args = f.where()
    op, direction = (">", "") if forward else ("<", " DESC")
    order = ", ".join(k + direction for k in keys)
    return (f"SELECT sample_id FROM samples WHERE {where} AND ({', '.join(keys)}) {op}"
            f" ({', '.join('?' * len(keys))}) ORDER BY {order} LIMIT 1", [*args, *key])


def neighbour(conn: sqlite3.Connection, f: Filters, sample_id: str, forward: bool = True) -> str | None:
    """The id of the sample after (or before) ``sample_id`` in the list order of ``f``, or None."""
    cur = conn.execute(f"SELECT {', '.join(f.order_keys())} FROM samples WHERE sample_id=?", (sample_id,)).fetchone()
    if cur is None:
        return None
    r = conn.execute(*neighbour_query(f, tuple(cur), forward)).fetchone()
    return r[0] if r else None


def progress(conn: sqlite3.Connection, limit: int = 200) -> list[dict[str, Any]]:
    """Per document: source, total, accepted, rejected, dropped, pending, and the share reviewed."""
    docs: dict[str, dict[str, Any]] = {}
    for doc_id, status, n in conn.execute(
            "SELECT doc_id, status, COUNT(*) FROM samples WHERE stale=0 GROUP BY doc_id, status"):
        d = docs.setdefault(doc_id, {"doc_id": doc_id, "total": 0, "accepted": 0, "rejected": 0, "dropped": 0,
                                     "pending": 0})
        d["total"] += n
        key = "pending" if status in PENDING else status
        d[key] = d.get(key, 0) + n
    for doc_id, d in docs.items():
        r = conn.execute("SELECT source FROM documents WHERE doc_id=?", (doc_id,)).fetchone() or conn.execute(
            "SELECT source FROM samples WHERE doc_id=? LIMIT 1", (doc_id,)).fetchone()
        d["source"] = r[0] if r else doc_id
        d["reviewed"] = d["accepted"] + d["rejected"]
    return sorted(docs.values(), key=lambda d: (d["source"], d["doc_id"]))[:limit]


def bulk_accept(conn: sqlite3.Connection, f: Filters, min_score: float, reviewer: str) -> int:
    """Accept every pending sample matching ``f`` whose grounding is at least ``min_score``; return how many.

    Flagged samples are only included when the filter asks for status ``flagged``: the gate had a reason
    beyond grounding to hold them. One history entry (action ``bulk_accept``) is written per sample, in the
    same transaction.
    """
    where, args = f.where()
    statuses = [f.status] if f.status in PENDING else ([] if f.status else ["generated", "passed"])
    if not statuses:
        return 0
    cond = (f"{where} AND grounding >= ? AND status IN ({', '.join('?' * len(statuses))})")
    cargs = [*args, min_score, *statuses]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO reviews (sample_id, action, reviewer, before, after, at)"
                     " SELECT sample_id, 'bulk_accept', ?, json_object('status', status, 'version', version),"
                     " json_object('status', 'accepted', 'version', version + 1), ?"
                     f" FROM samples WHERE {cond}", [reviewer, time.time(), *cargs])
        n = conn.execute(f"UPDATE samples SET status='accepted', version=version+1 WHERE {cond}", cargs).rowcount
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return int(n)


class Summary:
    """Counts by status and task and progress per document, recomputed only after the database changed.

    Paging and moving between samples then costs one page query, not three scans of every sample. A change
    is noticed through ``PRAGMA data_version`` (commits by other connections, e.g. a running ``generate``)
    and the connection's ``total_changes`` (the app's own writes).
    """

    def __init__(self, store: Any, progress_limit: int = 200):
        self.store, self.progress_limit = store, progress_limit
        self._key: tuple[int, int] | None = None
        self._memo: dict[str, Any] = {}

    def _get(self, name: str, compute: Any) -> Any:
        conn = self.store.conn
        key = (int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes)
        if key != self._key:
            self._key, self._memo = key, {}
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def by_status(self) -> dict[str, int]:
        """Current samples per status."""
        return self._get("status", lambda: self.store.count_samples("status"))

    def by_task(self) -> dict[str, int]:
        """Current samples per task."""
        return self._get("task", lambda: self.store.count_samples("task"))

    def progress(self) -> list[dict[str, Any]]:
        """Per-document progress (see :func:`progress`)."""
        return self._get("progress", lambda: progress(self.store.conn, self.progress_limit))
