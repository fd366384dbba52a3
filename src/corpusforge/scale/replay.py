"""De-duplication done away from the shared indexes, then checked and replayed against them in order.

A worker cleans a document against empty in-memory indexes (:class:`RecordingIndex`), so duplicates
within the document are found there, and records every call the cleaner made. The driver, holding the
run's shared indexes, then asks :func:`conflicts`: does any recorded look-up find an earlier document's
item? If not, the worker's cleaned document is exactly what the local engine would have made (the shared
index had nothing to say) and :func:`commit` adds the document's items in the same order, so item ids and
later decisions match the local engine's too. If so, the driver cleans that document itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from corpusforge.corpus.lsh import DedupIndex

Op = tuple[Any, ...]


class RecordingIndex(DedupIndex):
    """An in-memory :class:`DedupIndex` that records each exact check, near query and insert, in order."""

    def __init__(self, threshold: float, num_perm: int, fn_weight: float) -> None:
        super().__init__(threshold, num_perm, None, fn_weight)
        self.ops: list[Op] = []

    def exact(self, key: int, ref: str) -> str | None:
        """As :meth:`DedupIndex.exact`; recorded with whether it inserted."""
        old = super().exact(key, ref)
        self.ops.append(("exact", key, ref, old is None))
        return old

    def query(self, sig: np.ndarray, keys: np.ndarray) -> tuple[str, float] | None:
        """As :meth:`DedupIndex.query`; recorded."""
        self.ops.append(("query", sig, keys))
        return super().query(sig, keys)

    def insert(self, sig: np.ndarray, keys: np.ndarray, ref: str) -> int:
        """As :meth:`DedupIndex.insert`; recorded."""
        self.ops.append(("insert", sig, keys, ref))
        return super().insert(sig, keys, ref)


def conflicts(index: DedupIndex, ops: list[Op]) -> bool:
    """Whether any recorded look-up finds an item of the shared ``index`` (which is left unchanged)."""
    for op in ops:
        if op[0] == "exact" and index.peek(op[1]) is not None:
            return True
        if op[0] == "query" and index.query(op[1], op[2]) is not None:
            return True
    return False


def commit(index: DedupIndex, ops: list[Op]) -> None:
    """Add the recorded insertions to the shared ``index``, in their order."""
    for op in ops:
        if op[0] == "exact" and op[3]:
            index.exact(op[1], op[2])
        elif op[0] == "insert":
            index.insert(op[1], op[2], op[3])
