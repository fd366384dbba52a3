"""Helpers for corpus tests: documents put straight into the store (real text from ../shared/fixtures)."""

from __future__ import annotations

from pathlib import Path

from corpusforge.records import Document, Page, content_hash

NOVEL_SLICE = 60_000  # characters of each novel used in tests (the whole novels are for the benchmark)


def add_text(
    ws, source: str, pages: list[str], kind: str = "text", lang: str = "", tags: dict | None = None
) -> str:
    """Store a document with the given page texts; return its doc_id."""
    doc_id = content_hash("\x00".join(pages) + source)
    ws.store.put_document(
        Document(doc_id, source, source, kind, lang=lang, n_pages=len(pages), tags=tags or {}),
        [Page(doc_id, source, i + 1, t) for i, t in enumerate(pages)],
    )
    return doc_id


def pdf_pages(path: Path) -> list[str]:
    """Text of each page of a PDF by PyMuPDF (as the ingest reader would give it, without its extras)."""
    import pymupdf

    with pymupdf.open(path) as d:
        return [p.get_text() for p in d]


def add_pdf(ws, path: Path) -> str:
    """Store a real PDF's pages as a document."""
    return add_text(ws, path.name, pdf_pages(path), kind="pdf")


def novel(fixtures_dir: Path, stem: str, chars: int | None = NOVEL_SLICE, start: int = 0) -> str:
    """A slice of one of the GB18030 novels, decoded."""
    path = next((fixtures_dir / "corpus_zh").glob(f"{stem}*.txt"))
    text = path.read_text(encoding="gb18030")
    return text[start : start + chars] if chars else text
