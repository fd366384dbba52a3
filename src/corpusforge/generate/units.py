"""What one request is about (a :class:`Unit`: a passage of one document), and how work is spread.

Documents are streamed from the store a page at a time (keyset pagination), and a document's chunks are
read only when its turn comes, so memory stays flat however large the workspace is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpusforge.records import Chunk, Document
from corpusforge.store import Store

PAGE = 200


@dataclass(slots=True)
class Unit:
    """A passage (one chunk, or several chunks of one document) that one request is about."""

    doc: Document
    chunks: list[Chunk]
    lang: str

    @property
    def text(self) -> str:
        """The passage text."""
        return "\n\n".join(c.text for c in self.chunks)

    @property
    def pages(self) -> list[int]:
        """The 1-based pages the passage comes from."""
        return sorted({p for c in self.chunks for p in c.pages})

    @property
    def chunk_ids(self) -> list[str]:
        """Ids of the passage's chunks."""
        return [c.chunk_id for c in self.chunks]

    @property
    def title(self) -> str:
        """The document title (its file name without extension when it has none)."""
        return self.doc.title or Path(self.doc.source).stem


def pages_label(pages: list[int]) -> str:
    """``3``, ``3-5`` or ``3, 7`` for a list of pages (``?`` when unknown)."""
    if not pages:
        return "?"
    if pages == list(range(pages[0], pages[-1] + 1)):
        return str(pages[0]) if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"
    return ", ".join(str(p) for p in pages)


def prompt_lang(chunk_lang: str, doc_lang: str, default: str = "en") -> str:
    """``zh`` or ``en``: the prompt language for a chunk (its language, else its document's)."""
    for lang in (chunk_lang, doc_lang):
        lang = (lang or "").lower()
        if lang.startswith("zh"):
            return "zh"
        if lang.startswith("en"):
            return "en"
    return default


def iter_documents(store: Store, limit: int | None = None) -> Iterator[Document]:
    """Current documents in (source, doc_id) order, read a page at a time."""
    last: tuple[str, str] = ("", "")
    seen = 0
    while True:
        ids = store.document_ids_after(last, PAGE)
        if not ids:
            return
        for doc_id in ids:
            doc = store.get_document(doc_id)
            if doc is None:
                continue
            last = (doc.source, doc.doc_id)
            yield doc
            seen += 1
            if limit is not None and seen >= limit:
                return


def doc_chunks(store: Store, doc_id: str, min_chars: int = 0) -> list[Chunk]:
    """The current chunks of one document long enough to ask about, in order."""
    return [c for c in list(store.iter_chunks(doc_id)) if len(c.text.strip()) >= min_chars]


def count_work(store: Store, min_chars: int, limit_docs: int | None) -> tuple[int, int]:
    """(documents, chunks) that a run will go over, for the progress bar's total."""
    return store.count_documents_and_chunks(min_chars, limit_docs)


def plan_pairs(n_chunks: int, n: int, round_: int = 0) -> list[tuple[int, int]]:
    """Spread ``n`` items over a document's ``n_chunks`` chunks: ``[(chunk position, items), ...]``.

    With more chunks than items, ``n`` evenly spaced chunks get one item each, and each later round
    shifts the choice so that asking again looks at other parts of the document; with fewer, every
    chunk gets its share (one request per chunk either way).
    """
    if n_chunks <= 0 or n <= 0:
        return []
    plan: dict[int, int] = {}
    if n >= n_chunks:
        for i in range(n_chunks):
            pos = (i + round_) % n_chunks
            plan[pos] = n // n_chunks + (1 if i < n % n_chunks else 0)
    else:
        step = n_chunks / n
        shift = round_ * max(1, int(step // 2))
        for i in range(n):
            pos = (int((i + 0.5) * step) + shift) % n_chunks
            plan[pos] = plan.get(pos, 0) + 1
    return sorted((p, k) for p, k in plan.items() if k > 0)
