"""Find a quoted piece of evidence in a chunk: exact, else after normalisation, else by fuzzy alignment.

Normalisation maps each character of the chunk to a comparable form (NFKC so full-width punctuation and
digits become ASCII, lower case, traditional to simplified Chinese, whitespace and punctuation dropped) and
keeps the offset of every kept character, so a match in the normalised text maps back to exact character
offsets in the original chunk. The quote's page comes from the page marks of the chunk.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

MIN_SCORE = 0.9


@dataclass(slots=True)
class Match:
    """Where a quote lies in a chunk: ``text[start:end]`` is the matched span, ``score`` 1.0 when exact."""

    start: int
    end: int
    score: float


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    try:
        import opencc  # optional: opencc-python-reimplemented
    except ImportError:  # pragma: no cover - the extra is installed in CI
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _fold(ch: str) -> str:
    """One character in comparable form ('' for whitespace and punctuation)."""
    out = unicodedata.normalize("NFKC", ch).lower()
    conv = _t2s()
    if conv is not None and out and not out.isascii():
        out = conv.convert(out)
    return "".join(c for c in out if c.isalnum())


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` normalised, with the original offset of each character of the result."""
    chars: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold(ch):
            chars.append(c)
            offs.append(i)
    return "".join(chars), offs


def _span(offs: list[int], a: int, b: int) -> tuple[int, int]:
    return offs[a], offs[b - 1] + 1


def _best_starts(hay: str, needle: str, k: int = 3) -> list[int]:
    """Window starts in ``hay`` sharing the most character bigrams with ``needle``."""
    n = len(needle)
    want = Counter(needle[i : i + 2] for i in range(n - 1))
    grams = [hay[i : i + 2] for i in range(len(hay) - 1)]
    hits = [1 if g in want else 0 for g in grams]
    w = max(1, n - 1)
    cur = sum(hits[:w])
    scores = [(cur, 0)]
    for s in range(1, max(1, len(grams) - w + 1)):
        cur += hits[s + w - 1] - hits[s - 1]
        scores.append((cur, s))
    scores.sort(key=lambda t: (-t[0], t[1]))
    return [s for _, s in scores[:k]]


def find_quote(
    quote: str,
    text: str,
    min_score: float = MIN_SCORE,
    folded: tuple[str, list[int]] | None = None,
) -> Match | None:
    """Locate ``quote`` in ``text``; None when no span aligns with at least ``min_score``.

    Args:
        quote: the supporting quote the model gave.
        text: the chunk text.
        min_score: least share of the quote's normalised characters that must align.
        folded: ``fold(text)`` when the caller caches it (it is the costly part for a long chunk).
    """
    quote = (quote or "").strip()
    if not quote or not text:
        return None
    at = text.find(quote)
    if at >= 0:
        return Match(at, at + len(quote), 1.0)
    nq, _ = fold(quote)
    nt, offs = folded if folded is not None else fold(text)
    if not nq or not nt:
        return None
    at = nt.find(nq)
    if at >= 0:
        return Match(*_span(offs, at, at + len(nq)), 1.0)
    if len(nq) < 4:
        return None
    best: Match | None = None
    pad = max(2, len(nq) // 4)
    for s in _best_starts(nt, nq):
        lo, hi = max(0, s - pad), min(len(nt), s + len(nq) + pad)
        sm = SequenceMatcher(None, nq, nt[lo:hi], autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size]
        if not blocks:
            continue
        score = sum(b.size for b in blocks) / len(nq)
        if score >= min_score and (best is None or score > best.score):
            a, b = lo + blocks[0].b, lo + blocks[-1].b + blocks[-1].size
            best = Match(*_span(offs, a, b), round(score, 4))
    return best


def page_at(offset: int, pages: list[int], marks: list[list[int]] | None = None) -> int:
    """The 1-based page holding chunk character ``offset``.

    Args:
        offset: offset into the chunk text.
        pages: the chunk's pages (the first is used when there are no marks).
        marks: ``[chunk_offset, page]`` pairs where each page's text begins inside the chunk.
    """
    page = pages[0] if pages else 1
    for off, pg in sorted(marks or []):
        if off <= offset:
            page = pg
        else:
            break
    return page
