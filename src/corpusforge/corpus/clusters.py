"""Near-copy clusters of whole documents (first pass) and near-copy chunks (while chunks are made).

Documents: every document's sampled shingles (:mod:`corpusforge.corpus.neardup`) are compared in the
order of the keep policy (longest first by default) against the documents kept so far; one whose
shingles are at least ``containment`` contained in a kept document joins that document's cluster and is
left out. Chunks: each chunk of a kept document is compared against the union of the chunks kept from
earlier documents, so a passage is caught whatever the chunk boundaries around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corpusforge.corpus.config import NearDupConfig
from corpusforge.corpus.neardup import SampleIndex, fold, sample, shingle_hashes

PREVIEW = 300


def doc_sample(cfg: NearDupConfig, text: str) -> np.ndarray:
    """Sampled shingles of a document's text (empty when it folds to fewer than ``min_chars``)."""
    f = fold(text)
    if len(f) < cfg.min_chars:
        return np.zeros(0, dtype=np.uint64)
    return sample(shingle_hashes(f, cfg.char_ngram, cfg.word_ngram), cfg.sample_rate)


@dataclass
class DocClusters:
    """The documents left out as near copies: index -> (index of the kept document, containment)."""

    removed: dict[int, tuple[int, float]] = field(default_factory=dict)

    def clusters(self) -> dict[int, list[int]]:
        """Kept document index -> the indexes of its near copies."""
        out: dict[int, list[int]] = {}
        for i, (k, _) in sorted(self.removed.items()):
            out.setdefault(k, []).append(i)
        return out


def cluster_documents(
    cfg: NearDupConfig, samples: list[np.ndarray], lengths: list[int], exact: list[int] | None = None
) -> DocClusters:
    """Assign near-copy documents to the kept document containing them.

    Args:
        cfg: the ``corpus.near_dup`` settings (``containment``, ``keep``).
        samples: each document's sampled shingles (:func:`doc_sample`), in store order.
        lengths: each document's length in characters (for ``keep: longest``).
        exact: each document's exact-text key; a later exact copy is left to the exact de-duplication
            (which keeps the first and reports it as ``document_exact``).
    """
    n = len(samples)
    seen: set[int] = set()
    copies: set[int] = set()
    for i, k in enumerate(exact or []):
        if k in seen:
            copies.add(i)
        seen.add(k)
    order = [i for i in range(n) if i not in copies]
    if cfg.keep == "longest":
        order.sort(key=lambda i: -lengths[i])  # stable: the first of equal lengths wins
    elif cfg.keep == "last":
        order.reverse()
    idx = SampleIndex()
    out = DocClusters()
    for i in order:
        s = samples[i]
        if not len(s):
            continue
        item, share = idx.best(s)
        if item >= 0 and share >= cfg.containment:
            out.removed[i] = (item, round(share, 4))
        else:
            idx.add(s, i)
    return out


class ChunkIndex:
    """Sampled shingles of the chunks kept so far, with a short reference to each chunk."""

    def __init__(self, cfg: NearDupConfig):
        self.cfg = cfg
        self.idx = SampleIndex()
        self.refs: list[dict[str, object]] = []

    def sample(self, text: str) -> np.ndarray:
        """Sampled shingles of a chunk (empty when it is too short to judge)."""
        return doc_sample(self.cfg, text)

    def check(self, s: np.ndarray) -> tuple[float, dict[str, object]] | None:
        """(containment, reference of the kept chunk sharing most) when the chunk is a near copy."""
        if not len(s):
            return None
        share = self.idx.containment(s)
        if share < self.cfg.threshold:
            return None
        item, _ = self.idx.best(s)
        return round(share, 4), self.refs[item]

    def add(self, s: np.ndarray, ref: dict[str, object]) -> None:
        """Record a kept chunk."""
        if len(s):
            self.idx.add(s, len(self.refs))
            self.refs.append(ref)
