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


def edited(text: str, share: float, seed: int = 0) -> str:
    """``text`` with ``share`` of its characters edited (60% substituted, 20% deleted, 20% inserted), the
    new characters drawn from the text's own Han characters."""
    import random

    rng = random.Random(seed)
    pool = [c for c in text[:5000] if "\u4e00" <= c <= "\u9fff"] or list("的一是了")
    chars = list(text)
    for j in sorted(rng.sample(range(len(chars)), int(len(chars) * share)), reverse=True):
        r = rng.random()
        if r < 0.6:
            chars[j] = rng.choice(pool)
        elif r < 0.8:
            del chars[j]
        else:
            chars.insert(j, rng.choice(pool))
    return "".join(chars)
