"""Page furniture: running headers, footers and page numbers, removed from the text, kept in metadata.

A line is furniture when it sits among the first or last ``EDGE`` lines of a page and, with its digits
masked, recurs at the page edges of at least half of the document's pages (three at least), or when it is a
bare page number (``12``, ``- 12 -``, ``Page 12 of 30``, ``第 12 页``) at a page edge and as many pages have
one there.
"""

from __future__ import annotations

import re
from collections import Counter

from corpusforge.ingest.base import PageText

EDGE = 2  # lines at the top and at the bottom of a page that may be furniture
MIN_PAGES = 3
_DIGITS = re.compile(r"\d+")
_PAGE_NO = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?\s*$"
    r"|^\s*第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?\s*$",
    re.I,
)


def _key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split()))


def _edges(lines: list[str]) -> list[int]:
    """Indexes of the non-blank lines at the top and bottom edges of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE] + filled[-EDGE:]))


def strip_furniture(pages: list[PageText]) -> None:
    """Remove headers, footers and page numbers in place; each page's removed lines go to
    ``metadata["furniture"]``. Documents of one page are left alone."""
    indexed = [
        (i, p) for i, p in enumerate(pages) if p.metadata.get("text_source", "text") == "text" and p.text
    ]
    text_pages = [p for _, p in indexed]
    index = [i for i, _ in indexed]
    if len(text_pages) < MIN_PAGES:
        return
    split = [p.text.split("\n") for p in text_pages]
    seen: Counter[str] = Counter()
    for lines in split:
        seen.update({_key(lines[i]) for i in _edges(lines)})
    need = max(MIN_PAGES, (len(text_pages) + 1) // 2)
    repeated = {k for k, n in seen.items() if n >= need and len(k.strip("# ")) >= 2}
    offset = _page_number_offset(index, split, need)
    for page, at, lines in zip(text_pages, index, split, strict=True):
        drop = [
            i
            for i in _edges(lines)
            if _key(lines[i]) in repeated or (offset is not None and _number(lines[i]) - at == offset)
        ]
        if drop and len(drop) < sum(1 for line in lines if line.strip()):  # never empty a page
            page.metadata["furniture"] = [lines[i].strip() for i in drop]
            page.text = "\n".join(line for i, line in enumerate(lines) if i not in set(drop))


def _number(line: str) -> int:
    """The page number a bare page-number line shows, or -10**6 for any other line."""
    if not _PAGE_NO.match(line):
        return -(10**6)
    return int(_DIGITS.findall(line)[0])


def _page_number_offset(index: list[int], split: list[list[str]], need: int) -> int | None:
    """Printed page number minus page index, when at least ``need`` pages agree on it (else None)."""
    offsets: Counter[int] = Counter()
    for at, lines in zip(index, split, strict=True):
        offsets.update({_number(lines[i]) - at for i in _edges(lines) if _PAGE_NO.match(lines[i])})
    if not offsets:
        return None
    best, n = offsets.most_common(1)[0]
    return best if n >= need else None
