"""Exact-hash and MinHash-LSH indexes, kept in memory or in a SQLite file.

The SQLite variant keeps memory flat however large the corpus grows (the pipeline uses it); the in-memory
variant is the like-for-like rival of ``datasketch.MinHashLSH`` in the benchmark. Each stored item carries a
``ref`` string (JSON describing the kept copy) so a later duplicate can name what it duplicates.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from corpusforge.corpus.minhash import band_keys, optimal_params
from corpusforge.corpus.normalize import word_chars
from corpusforge.store.lsh_index import LshIndexFile


def exact_key(text: str) -> int:
    """64-bit hash (signed, SQLite-friendly) of the text with case, spaces and punctuation normalised away."""
    norm = word_chars(text.casefold())
    return int.from_bytes(
        hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )


class _Memory:
    def __init__(self) -> None:
        self.exact: dict[int, str] = {}
        self.buckets: dict[int, list[int]] = {}
        self.sigs: list[np.ndarray] = []
        self.refs: list[str] = []

    def get_exact(self, key: int) -> str | None:
        return self.exact.get(key)

    def put_exact(self, key: int, ref: str) -> None:
        self.exact.setdefault(key, ref)

    def candidates(self, keys: np.ndarray) -> set[int]:
        out: set[int] = set()
        for k in keys.tolist():
            out.update(self.buckets.get(k, ()))
        return out

    def add(self, keys: np.ndarray, sig: np.ndarray, ref: str) -> int:
        item = len(self.sigs)
        self.sigs.append(sig.astype(np.uint32))
        self.refs.append(ref)
        for k in keys.tolist():
            self.buckets.setdefault(k, []).append(item)
        return item

    def signature(self, item: int) -> np.ndarray:
        return self.sigs[item]

    def ref(self, item: int) -> str:
        return self.refs[item]

    def close(self) -> None:
        """Nothing to release."""


class _Sqlite:
    """The on-disk variant: numpy arrays in and out of :class:`~corpusforge.store.lsh_index.LshIndexFile`."""

    def __init__(self, path: Path) -> None:
        self.file = LshIndexFile(path)

    def get_exact(self, key: int) -> str | None:
        return self.file.get_exact(key)

    def put_exact(self, key: int, ref: str) -> None:
        self.file.put_exact(key, ref)

    def candidates(self, keys: np.ndarray) -> set[int]:
        return self.file.items_in_buckets(keys.tolist())

    def add(self, keys: np.ndarray, sig: np.ndarray, ref: str) -> int:
        return self.file.add_item(sig.astype(np.uint32).tobytes(), ref, keys.tolist())

    def signature(self, item: int) -> np.ndarray:
        return np.frombuffer(self.file.signature(item), dtype=np.uint32)

    def ref(self, item: int) -> str:
        return self.file.ref(item)

    def close(self) -> None:
        self.file.close()


class DedupIndex:
    """Exact hashes plus MinHash LSH (bands and rows chosen for ``threshold`` like datasketch does).

    Args:
        threshold: estimated Jaccard similarity from which two items are near duplicates.
        num_perm: signature length the signatures were made with.
        path: SQLite file to keep the index in (recreated; deleted on close); None keeps it in memory.
        fn_weight: weight of false negatives against false positives when choosing bands and rows (0.5 as
            datasketch; higher finds more candidates, which the signature check then confirms or rejects).
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        path: str | Path | None = None,
        fn_weight: float = 0.5,
    ):
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands, self.rows = optimal_params(threshold, num_perm, 1.0 - fn_weight, fn_weight)
        self._s: _Memory | _Sqlite = _Sqlite(Path(path)) if path else _Memory()

    def exact(self, key: int, ref: str) -> str | None:
        """The ref of an earlier item with the same exact key, else record this one and return None."""
        old = self._s.get_exact(key)
        if old is None:
            self._s.put_exact(key, ref)
        return old

    def peek(self, key: int) -> str | None:
        """The ref of an earlier item with this exact key, recording nothing."""
        return self._s.get_exact(key)

    def keys(self, sigs: np.ndarray) -> np.ndarray:
        """Band keys of signatures, shape (n, bands)."""
        return band_keys(sigs, self.bands, self.rows)

    def matches(self, sig: np.ndarray, keys: np.ndarray) -> list[tuple[int, float]]:
        """Stored items sharing a band with ``sig``, as (item id, estimated Jaccard), unverified."""
        sig32 = sig.astype(np.uint32)
        return [
            (item, float(np.count_nonzero(self._s.signature(item) == sig32)) / self.num_perm)
            for item in self._s.candidates(keys)
        ]

    def query(self, sig: np.ndarray, keys: np.ndarray) -> tuple[str, float] | None:
        """The most similar stored item at or above the threshold, as (ref, estimated Jaccard), or None."""
        hits = [(sim, item) for item, sim in self.matches(sig, keys) if sim >= self.threshold]
        if not hits:
            return None
        sim, item = max(hits)
        return self._s.ref(item), sim

    def insert(self, sig: np.ndarray, keys: np.ndarray, ref: str) -> int:
        """Store an item; return its id."""
        return self._s.add(keys, sig, ref)

    def ref(self, item: int) -> str:
        """The ref of a stored item."""
        return self._s.ref(item)

    def close(self) -> None:
        """Release the storage (the SQLite file is deleted)."""
        self._s.close()
