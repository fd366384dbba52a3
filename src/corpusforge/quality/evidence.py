"""Evidence: the quote a sample gives for its answer, looked up in the chunk it came from.

A found quote becomes ``Sample.evidence`` (``{"quote", "chunk_id", "start", "end", "page", "score"}``,
``text[start:end]`` being the matched span of the chunk); the gate drops a sample whose quote is not
in its source (``evidence_not_found``). The folded text of a chunk (what the fuzzy match compares,
about a millisecond per chunk) is cached, since every pair of a chunk is checked against it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from corpusforge.quality.align import find_quote, fold, page_at


class EvidenceFinder:
    """Finds quotes in chunk texts, caching each chunk's folded text (least recently used first out).

    Args:
        max_cached: how many folded chunk texts to keep.
    """

    def __init__(self, max_cached: int = 256):
        self.max_cached = max_cached
        self._folded: OrderedDict[tuple[str, int], tuple[str, list[int]]] = OrderedDict()

    def folded(self, text: str, chunk_id: str = "") -> tuple[str, list[int]]:
        """``fold(text)``, from the cache when this chunk was folded before."""
        key = (chunk_id, hash(text))
        hit = self._folded.get(key)
        if hit is None:
            hit = self._folded[key] = fold(text)
            if len(self._folded) > self.max_cached:
                self._folded.popitem(last=False)
        else:
            self._folded.move_to_end(key)
        return hit

    def find(
        self, quote: str, text: str, chunk_id: str = "", pages: list[int] | None = None
    ) -> dict[str, Any] | None:
        """The evidence record of ``quote`` in ``text``, or None when it is not there.

        Args:
            quote: the quote the model gave.
            text: the chunk text (offsets are into it).
            chunk_id: the chunk's id, recorded with the evidence.
            pages: the chunk's pages (the first is the quote's page).
        """
        quote = quote.strip()
        if not quote or not text:
            return None
        m = (
            find_quote(quote, text)
            if quote in text
            else find_quote(quote, text, folded=self.folded(text, chunk_id))
        )
        if m is None:
            return None
        return {
            "quote": quote,
            "chunk_id": chunk_id,
            "start": m.start,
            "end": m.end,
            "page": page_at(m.start, list(pages or [])),
            "score": m.score,
        }
