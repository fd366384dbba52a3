"""The driver's LSH index when the band keys were grouped by a shuffle (``ray.lsh: shuffle``).

:class:`ShuffleIndex` answers :meth:`~corpusforge.corpus.lsh.DedupIndex.query` as the band-table index
does, from the shuffle's verified pairs plus the items inserted so far (digest -> latest item id; the
refs go to ``base``'s file, without band keys), so no band table of the corpus is kept. Ties go to the later item, as in ``DedupIndex.query``
(``max`` over ``(similarity, item id)``). Items the shuffle did not see (a document the driver cleaned
again, whose pages or paragraphs came out differently) are kept with their band keys here, and a query
of such a signature asks ``scan`` for the items of the shuffle sharing a band with it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from corpusforge.corpus.lsh import DedupIndex
from corpusforge.scale.shuffle import digest

_NONE = np.zeros(0, dtype=np.uint32)
Scan = Callable[[np.ndarray, np.ndarray], dict[bytes, int]]


class ShuffleIndex(DedupIndex):
    """Exact keys in ``base``; near queries from ``pairs`` (digest -> {digest: matching positions}).

    Args:
        base: the run's index; keeps the exact keys and the items' refs (its band table stays empty).
        seen: digests of every signature the shuffle grouped.
        pairs: the shuffle's verified pairs, both ways.
        scan: for a signature outside ``seen``: the shuffled items sharing a band with it.
    """

    def __init__(self, base: DedupIndex, seen: set[bytes], pairs: dict[bytes, dict[bytes, int]], scan: Scan):
        self.threshold, self.num_perm = base.threshold, base.num_perm
        self.bands, self.rows = base.bands, base.rows
        self.base, self.seen, self.pairs, self.scan = base, seen, pairs, scan
        self.inserted: dict[bytes, int] = {}  # digest -> latest item id
        self.unseen: dict[int, list[bytes]] = {}  # band key -> digests of inserted items outside seen
        self.unseen_sigs: dict[bytes, np.ndarray] = {}
        self.scans = 0

    def exact(self, key: int, ref: str) -> str | None:
        """As :meth:`DedupIndex.exact` (kept in ``base``)."""
        return self.base.exact(key, ref)

    def peek(self, key: int) -> str | None:
        """As :meth:`DedupIndex.peek`."""
        return self.base.peek(key)

    def query(self, sig: np.ndarray, keys: np.ndarray) -> tuple[str, float] | None:
        """As :meth:`DedupIndex.query`: the most similar inserted item at or above the threshold."""
        d = digest(sig)
        if d in self.seen:
            counts = dict(self.pairs.get(d, {}))
        else:
            self.scans += 1
            counts = self.scan(sig, keys)
        counts[d] = self.num_perm
        sig32 = sig.astype(np.uint32)
        for k in keys.tolist():
            for other in self.unseen.get(k, ()):
                counts[other] = int(np.count_nonzero(self.unseen_sigs[other] == sig32))
        hits = []
        for other, c in counts.items():
            item = self.inserted.get(other)
            sim = float(c) / self.num_perm
            if item is not None and sim >= self.threshold:
                hits.append((sim, item))
        if not hits:
            return None
        sim, item = max(hits)
        return self.base.ref(item), sim

    def insert(self, sig: np.ndarray, keys: np.ndarray, ref: str) -> int:
        """Store an item (its digest and id here, its ref in ``base``; band keys if the shuffle missed it)."""
        d = digest(sig)
        item = self.base.insert(_NONE, _NONE, ref)
        self.inserted[d] = item
        if d not in self.seen and d not in self.unseen_sigs:
            self.unseen_sigs[d] = sig.astype(np.uint32)
            for k in set(keys.tolist()):
                self.unseen.setdefault(k, []).append(d)
        return item

    def close(self) -> None:
        """Nothing to release (``base`` is closed by its owner)."""
