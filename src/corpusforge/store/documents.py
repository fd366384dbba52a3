"""Documents, their pages and their chunks (``documents``, ``pages`` and ``chunks`` tables)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

from corpusforge.records import Chunk, Document, Page
from corpusforge.store.base import StoreBase
from corpusforge.store.codec import dump, row, to_chunk, to_document


class DocumentsMixin(StoreBase):
    """Reads and writes of documents, pages and chunks."""

    # ---------------------------------------------------------------- documents and pages
    def put_document(self, doc: Document, pages: Iterable[Page]) -> None:
        """Insert or replace a document and all its pages in one transaction."""
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO documents (doc_id, source, path, kind, title, lang, n_pages, tags,"
                " metadata, stale, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,0,?)",
                (
                    doc.doc_id,
                    doc.source,
                    doc.path,
                    doc.kind,
                    doc.title,
                    doc.lang,
                    doc.n_pages,
                    dump(doc.tags),
                    dump(doc.metadata),
                    time.time(),
                ),
            )
            c.execute("DELETE FROM pages WHERE doc_id=?", (doc.doc_id,))
            c.executemany(
                "INSERT INTO pages (doc_id, page, source, text, metadata) VALUES (?,?,?,?,?)",
                [(p.doc_id, p.page, p.source, p.text, dump(p.metadata)) for p in pages],
            )

    def mark_stale(self, doc_id: str) -> None:
        """Mark a document and everything derived from it (chunks, samples) as stale."""
        with self.transaction() as c:
            for table in ("documents", "chunks", "samples"):
                c.execute(f"UPDATE {table} SET stale=1 WHERE doc_id=?", (doc_id,))

    def get_document(self, doc_id: str) -> Document | None:
        """Load one document by id."""
        r = self.conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return to_document(r) if r else None

    def is_current_document(self, doc_id: str) -> bool:
        """Whether document ``doc_id`` is stored and not stale."""
        r = self.conn.execute("SELECT stale FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return r is not None and r[0] == 0

    def iter_documents(self, include_stale: bool = False) -> Iterator[Document]:
        """All (current) documents, ordered by source name."""
        q = (
            "SELECT * FROM documents"
            + ("" if include_stale else " WHERE stale=0")
            + " ORDER BY source, doc_id"
        )
        for r in self.conn.execute(q).fetchall():
            yield to_document(r)

    def document_ids_after(self, after: tuple[str, str], limit: int) -> list[str]:
        """Ids of the next ``limit`` current documents after ``(source, doc_id)`` in that order (keyset page)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT doc_id FROM documents WHERE stale=0 AND (source, doc_id) > (?, ?)"
                " ORDER BY source, doc_id LIMIT ?",
                (*after, limit),
            ).fetchall()
        ]

    def count_documents_and_chunks(self, min_chars: int, limit_docs: int | None) -> tuple[int, int]:
        """(documents, chunks of at least ``min_chars`` stripped characters) of the first ``limit_docs`` documents.

        Documents are current ones in (source, doc_id) order; None counts all of them.
        """
        docs = "SELECT doc_id FROM documents WHERE stale=0 ORDER BY source, doc_id"
        if limit_docs is not None:
            docs += f" LIMIT {int(limit_docs)}"
        n_docs = self.conn.execute(f"SELECT COUNT(*) FROM ({docs})").fetchone()[0]
        n_chunks = self.conn.execute(
            f"SELECT COUNT(*) FROM chunks WHERE stale=0 AND length(trim(text)) >= ? AND doc_id IN ({docs})",
            (min_chars,),
        ).fetchone()[0]
        return int(n_docs), int(n_chunks)

    def iter_pages(self, doc_id: str | None = None) -> Iterator[Page]:
        """Pages of one document, or of all current documents, in page order."""
        if doc_id:
            cur = self.conn.execute("SELECT * FROM pages WHERE doc_id=? ORDER BY page", (doc_id,))
        else:
            cur = self.conn.execute(
                "SELECT p.* FROM pages p JOIN documents d USING (doc_id) WHERE d.stale=0"
                " ORDER BY d.source, p.doc_id, p.page"
            )
        for r in cur:
            d = row(r)
            yield Page(
                doc_id=d["doc_id"], source=d["source"], page=d["page"], text=d["text"], metadata=d["metadata"]
            )

    # ---------------------------------------------------------------- chunks
    def put_chunks(self, doc_id: str, chunks: Iterable[Chunk]) -> int:
        """Replace the chunks of one document; return how many were written."""
        rows = [
            (
                c.chunk_id,
                c.doc_id,
                c.index,
                c.source,
                dump(c.pages),
                c.text,
                c.start,
                c.end,
                c.tokens,
                c.lang,
                dump(c.tags),
                dump(c.metadata),
            )
            for c in chunks
        ]
        with self.transaction() as c:
            c.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            c.executemany(
                'INSERT INTO chunks (chunk_id, doc_id, idx, source, pages, text, start, "end", tokens, lang,'
                " tags, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        return len(rows)

    def iter_chunks(self, doc_id: str | None = None, include_stale: bool = False) -> Iterator[Chunk]:
        """Chunks of one document or of all documents, streamed in (source, index) order."""
        where, args = [], []
        if doc_id:
            where.append("doc_id=?")
            args.append(doc_id)
        if not include_stale:
            where.append("stale=0")
        q = (
            "SELECT * FROM chunks"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY source, doc_id, idx"
        )
        for r in self.conn.execute(q, args):
            yield to_chunk(r)

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """Load one chunk by id."""
        r = self.conn.execute("SELECT * FROM chunks WHERE chunk_id=?", (chunk_id,)).fetchone()
        return to_chunk(r) if r else None

    def update_chunk_metadata(self, chunk_id: str, **values: Any) -> None:
        """Merge keys into a chunk's metadata (e.g. ``entities`` from the entities task)."""
        with self.transaction() as c:
            r = c.execute("SELECT metadata FROM chunks WHERE chunk_id=?", (chunk_id,)).fetchone()
            if r is None:
                return
            meta = json.loads(r[0])
            meta.update(values)
            c.execute("UPDATE chunks SET metadata=? WHERE chunk_id=?", (dump(meta), chunk_id))
