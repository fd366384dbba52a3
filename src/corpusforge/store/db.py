"""SQLite store for documents, pages, chunks, samples, candidates, reviews and the LLM response cache.

All writes go through short transactions, so an interrupted run (Ctrl-C, kill -9) leaves the database
consistent; WAL mode lets the review app read while ``generate`` writes. JSON columns are encoded here
and nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpusforge.records import Candidate, Chunk, Document, Page, Sample
from corpusforge.store import migrations

_JSON_COLS = {"tags", "metadata", "pages", "chunk_ids", "messages", "reasons", "scores", "summary"}
_SAMPLE_FIELDS = [f for f in Sample.__slots__]  # type: ignore[attr-defined]


class ConflictError(RuntimeError):
    """Raised when a sample was changed by someone else since it was read (optimistic locking)."""


def _dump(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def _row(r: sqlite3.Row) -> dict[str, Any]:
    d = dict(r)
    for k in _JSON_COLS & d.keys():
        if isinstance(d[k], str):
            d[k] = json.loads(d[k])
    return d


class Store:
    """Open (creating and migrating as needed) the SQLite database at ``path``.

    Args:
        path: database file, usually ``<workspace>/.corpusforge/store.db``.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=60, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=60000")
        migrations.apply_all(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def schema_version(self) -> list[str]:
        """Names of the applied migrations."""
        return [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

    # ---------------------------------------------------------------- files
    def get_file(self, path: str) -> dict[str, Any] | None:
        """The stored state of an ingested path, or None."""
        r = self.conn.execute("SELECT * FROM files WHERE path=?", (path,)).fetchone()
        return dict(r) if r else None

    def put_file(self, path: str, *, status: str, sha256: str | None = None, size: int | None = None,
                 mtime: float | None = None, doc_id: str | None = None, error: str | None = None) -> None:
        """Record the outcome of reading one file (``ok``, ``failed``, ``skipped``)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO files (path, sha256, size, mtime, doc_id, status, error, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (path, sha256, size, mtime, doc_id, status, error, time.time()),
        )

    def failed_files(self) -> list[dict[str, Any]]:
        """Every file whose last read failed, with its reason."""
        return [dict(r) for r in self.conn.execute(
            "SELECT path, error FROM files WHERE status='failed' ORDER BY path")]

    # ---------------------------------------------------------------- documents and pages
    def put_document(self, doc: Document, pages: Iterable[Page]) -> None:
        """Insert or replace a document and all its pages in one transaction."""
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO documents (doc_id, source, path, kind, title, lang, n_pages, tags,"
                " metadata, stale, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,0,?)",
                (doc.doc_id, doc.source, doc.path, doc.kind, doc.title, doc.lang, doc.n_pages,
                 _dump(doc.tags), _dump(doc.metadata), time.time()),
            )
            c.execute("DELETE FROM pages WHERE doc_id=?", (doc.doc_id,))
            c.executemany(
                "INSERT INTO pages (doc_id, page, source, text, metadata) VALUES (?,?,?,?,?)",
                [(p.doc_id, p.page, p.source, p.text, _dump(p.metadata)) for p in pages],
            )

    def mark_stale(self, doc_id: str) -> None:
        """Mark a document and everything derived from it (chunks, samples) as stale."""
        with self.transaction() as c:
            for table in ("documents", "chunks", "samples"):
                c.execute(f"UPDATE {table} SET stale=1 WHERE doc_id=?", (doc_id,))

    def get_document(self, doc_id: str) -> Document | None:
        """Load one document by id."""
        r = self.conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _to_document(r) if r else None

    def iter_documents(self, include_stale: bool = False) -> Iterator[Document]:
        """All (current) documents, ordered by source name."""
        q = "SELECT * FROM documents" + ("" if include_stale else " WHERE stale=0") + " ORDER BY source, doc_id"
        for r in self.conn.execute(q).fetchall():
            yield _to_document(r)

    def iter_pages(self, doc_id: str | None = None) -> Iterator[Page]:
        """Pages of one document, or of all current documents, in page order."""
        if doc_id:
            cur = self.conn.execute("SELECT * FROM pages WHERE doc_id=? ORDER BY page", (doc_id,))
        else:
            cur = self.conn.execute(
                "SELECT p.* FROM pages p JOIN documents d USING (doc_id) WHERE d.stale=0"
                " ORDER BY d.source, p.doc_id, p.page")
        for r in cur:
            d = _row(r)
            yield Page(doc_id=d["doc_id"], source=d["source"], page=d["page"], text=d["text"],
                       metadata=d["metadata"])

    # ---------------------------------------------------------------- chunks
    def put_chunks(self, doc_id: str, chunks: Iterable[Chunk]) -> int:
        """Replace the chunks of one document; return how many were written."""
        rows = [(c.chunk_id, c.doc_id, c.index, c.source, _dump(c.pages), c.text, c.start, c.end, c.tokens,
                 c.lang, _dump(c.tags), _dump(c.metadata)) for c in chunks]
        with self.transaction() as c:
            c.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            c.executemany(
                'INSERT INTO chunks (chunk_id, doc_id, idx, source, pages, text, start, "end", tokens, lang,'
                " tags, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        return len(rows)

    def iter_chunks(self, doc_id: str | None = None, include_stale: bool = False) -> Iterator[Chunk]:
        """Chunks of one document or of all documents, streamed in (source, index) order."""
        where, args = [], []
        if doc_id:
            where.append("doc_id=?")
            args.append(doc_id)
        if not include_stale:
            where.append("stale=0")
        q = "SELECT * FROM chunks" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY source, doc_id, idx"
        for r in self.conn.execute(q, args):
            yield _to_chunk(r)

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """Load one chunk by id."""
        r = self.conn.execute("SELECT * FROM chunks WHERE chunk_id=?", (chunk_id,)).fetchone()
        return _to_chunk(r) if r else None

    def update_chunk_metadata(self, chunk_id: str, **values: Any) -> None:
        """Merge keys into a chunk's metadata (e.g. ``entities`` from the entities task)."""
        with self.transaction() as c:
            r = c.execute("SELECT metadata FROM chunks WHERE chunk_id=?", (chunk_id,)).fetchone()
            if r is None:
                return
            meta = json.loads(r[0])
            meta.update(values)
            c.execute("UPDATE chunks SET metadata=? WHERE chunk_id=?", (_dump(meta), chunk_id))

    # ---------------------------------------------------------------- samples
    def add_samples(self, samples: Iterable[Sample]) -> int:
        """Insert samples, ignoring ids already present (so re-runs never duplicate). Returns rows added."""
        rows = [_sample_row(s) for s in samples]
        if not rows:
            return 0
        cols = list(rows[0].keys())
        sql = (f"INSERT OR IGNORE INTO samples ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})")
        with self.transaction() as c:
            before = c.total_changes
            c.executemany(sql, [tuple(r[k] for k in cols) for r in rows])
            return c.total_changes - before

    def get_sample(self, sample_id: str) -> Sample | None:
        """Load one sample by id."""
        r = self.conn.execute("SELECT * FROM samples WHERE sample_id=?", (sample_id,)).fetchone()
        return _to_sample(r) if r else None

    def iter_samples(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
                     doc_id: str | None = None, source: str | None = None, include_stale: bool = False,
                     order: str = "source, doc_id, task, created_at, sample_id") -> Iterator[Sample]:
        """Stream samples matching the filters (all optional)."""
        where, args = [], []
        if task:
            where.append("task=?")
            args.append(task)
        if status is not None:
            sts = [status] if isinstance(status, str) else list(status)
            where.append(f"status IN ({', '.join('?' * len(sts))})")
            args.extend(sts)
        if doc_id:
            where.append("doc_id=?")
            args.append(doc_id)
        if source:
            where.append("source=?")
            args.append(source)
        if not include_stale:
            where.append("stale=0")
        q = "SELECT * FROM samples" + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
        for r in self.conn.execute(q, args):
            yield _to_sample(r)

    def update_sample(self, sample_id: str, expected_version: int | None = None, **fields: Any) -> int:
        """Update fields of a sample and bump its version; return the new version.

        Args:
            expected_version: when given, the update only applies if the stored version still matches
                (raises ConflictError otherwise): two review tabs cannot silently overwrite each other.
        """
        sets = ", ".join(f"{k}=?" for k in fields)
        vals = [(_dump(v) if k in _JSON_COLS else v) for k, v in fields.items()]
        with self.transaction() as c:
            r = c.execute("SELECT version FROM samples WHERE sample_id=?", (sample_id,)).fetchone()
            if r is None:
                raise KeyError(sample_id)
            if expected_version is not None and r[0] != expected_version:
                raise ConflictError(f"sample {sample_id} was changed elsewhere (version {r[0]}, "
                                    f"you edited version {expected_version})")
            c.execute(f"UPDATE samples SET {sets + ', ' if sets else ''}version=version+1 WHERE sample_id=?",
                      (*vals, sample_id))
            return int(r[0]) + 1

    def count_samples(self, by: str = "status") -> dict[str, int]:
        """Counts of current samples grouped by one column (``status``, ``task``, ``source``)."""
        assert by in {"status", "task", "source", "doc_id"}
        return {r[0]: r[1] for r in self.conn.execute(
            f"SELECT {by}, COUNT(*) FROM samples WHERE stale=0 GROUP BY {by} ORDER BY {by}")}

    def reason_counts(self) -> dict[str, int]:
        """How many current samples carry each quality-gate reason."""
        counts: dict[str, int] = {}
        for (reasons,) in self.conn.execute("SELECT reasons FROM samples WHERE stale=0 AND reasons != '[]'"):
            for reason in json.loads(reasons):
                key = str(reason).split(":")[0]
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    # ---------------------------------------------------------------- candidates and reviews
    def add_candidates(self, cands: Iterable[Candidate]) -> None:
        """Insert candidate answers (ignored when already present)."""
        with self.transaction() as c:
            c.executemany(
                "INSERT OR IGNORE INTO candidates (sample_id, idx, output, temperature, model, rating, rank)"
                " VALUES (?,?,?,?,?,?,?)",
                [(x.sample_id, x.idx, x.output, x.temperature, x.model, x.rating, x.rank) for x in cands])

    def iter_candidates(self, sample_id: str) -> list[Candidate]:
        """The candidate answers of one sample, by index."""
        return [Candidate(**dict(r)) for r in self.conn.execute(
            "SELECT * FROM candidates WHERE sample_id=? ORDER BY idx", (sample_id,))]

    def rate_candidate(self, sample_id: str, idx: int, rating: str | None, rank: int | None = None) -> None:
        """Store a rating (``good``/``fair``/``poor``) and optional rank for one candidate."""
        with self.transaction() as c:
            c.execute("UPDATE candidates SET rating=?, rank=? WHERE sample_id=? AND idx=?",
                      (rating, rank, sample_id, idx))

    def add_review(self, sample_id: str, action: str, reviewer: str, before: Any, after: Any) -> None:
        """Append one entry to a sample's review history."""
        with self.transaction() as c:
            c.execute("INSERT INTO reviews (sample_id, action, reviewer, before, after, at) VALUES (?,?,?,?,?,?)",
                      (sample_id, action, reviewer, _dump(before), _dump(after), time.time()))

    def review_history(self, sample_id: str) -> list[dict[str, Any]]:
        """Review history of one sample, oldest first."""
        out = []
        for r in self.conn.execute("SELECT * FROM reviews WHERE sample_id=? ORDER BY id", (sample_id,)):
            d = dict(r)
            d["before"], d["after"] = json.loads(d["before"]), json.loads(d["after"])
            out.append(d)
        return out

    # ---------------------------------------------------------------- LLM cache
    def cache_get(self, key: str) -> dict[str, Any] | None:
        """A cached LLM reply by request key, or None."""
        r = self.conn.execute("SELECT * FROM llm_cache WHERE key=?", (key,)).fetchone()
        if r is None:
            return None
        d = dict(r)
        d["request"], d["response"] = json.loads(d["request"]), json.loads(d["response"])
        return d

    def cache_put(self, key: str, *, backend: str, model: str, request: Any, response: Any,
                  finish_reason: str | None, tokens_in: int, tokens_out: int, duration: float) -> None:
        """Store one LLM request/reply (the request must hold no secret)."""
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO llm_cache (key, backend, model, request, response, finish_reason,"
                " tokens_in, tokens_out, duration, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (key, backend, model, _dump(request), _dump(response), finish_reason, tokens_in, tokens_out,
                 duration, time.time()))

    # ---------------------------------------------------------------- runs and counts
    def start_run(self, command: str) -> int:
        """Record the start of a command run; returns its id."""
        cur = self.conn.execute("INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, time.time()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        """Record the end of a command run with its summary."""
        self.conn.execute("UPDATE runs SET finished_at=?, summary=? WHERE id=?", (time.time(), _dump(summary), run_id))

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


def _to_document(r: sqlite3.Row) -> Document:
    d = _row(r)
    return Document(doc_id=d["doc_id"], source=d["source"], path=d["path"], kind=d["kind"], title=d["title"] or "",
                    lang=d["lang"] or "", n_pages=d["n_pages"] or 0, tags=d["tags"], metadata=d["metadata"])


def _to_chunk(r: sqlite3.Row) -> Chunk:
    d = _row(r)
    return Chunk(chunk_id=d["chunk_id"], doc_id=d["doc_id"], source=d["source"], pages=d["pages"], text=d["text"],
                 index=d["idx"], start=d["start"] or 0, end=d["end"] or 0, tokens=d["tokens"] or 0,
                 lang=d["lang"] or "", tags=d["tags"], metadata=d["metadata"])


def _sample_row(s: Sample) -> dict[str, Any]:
    return {k: (_dump(getattr(s, k)) if k in _JSON_COLS else getattr(s, k)) for k in _SAMPLE_FIELDS}


def _to_sample(r: sqlite3.Row) -> Sample:
    d = _row(r)
    return Sample(**{k: d[k] for k in _SAMPLE_FIELDS})
