"""``ray.lsh: shuffle``: every document cleaned on the cluster first, then the LSH pairs by a shuffle.

:func:`shuffled` submits all clean tasks (their results wait in the object store), groups the band keys
of the signatures they queried (:func:`~corpusforge.scale.shuffle.shuffle_pairs`) and gives the cleaner
:class:`~corpusforge.scale.shuffle_index.ShuffleIndex` es for the driver's in-order pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from corpusforge.corpus.document import DocumentCleaner, Indexes
from corpusforge.scale.config import RayConfig
from corpusforge.scale.shuffle import UNITS, shuffle_pairs, task
from corpusforge.scale.shuffle_index import Scan, ShuffleIndex

log = logging.getLogger(__name__)


def shuffled(
    ray: Any,
    cfg: RayConfig,
    setup: list[Any],
    groups: Iterable[list[Any]],
    cleaner: DocumentCleaner,
    clean_fn: Callable[..., tuple[Any, Any]],
) -> list[Any]:
    """Submit ``clean_fn`` (results, queried signatures) per group; return the result refs in order.

    None stands for a group with nothing to clean on the cluster.
    """
    clean = ray.remote(num_cpus=cfg.num_cpus, max_retries=cfg.max_retries, num_returns=2)(clean_fn)
    refs: list[Any] = []
    parts: list[Any] = []
    for group in groups:
        work = [(doc, pages) for _, doc, pages in group if pages is not None]
        if work:
            got, sigs = clean.remote(setup, work)
            refs.append(got)
            parts.append(sigs)
        else:
            refs.append(None)
    old = cleaner.idx
    seen, pairs = shuffle_pairs(
        ray, parts, old.pages.bands, old.pages.rows, old.pages.num_perm, old.pages.threshold
    )
    log.info(
        "lsh shuffle: %d/%d signatures, %d/%d with pairs", *(len(s) for s in seen), *(len(p) for p in pairs)
    )
    cleaner.idx = Indexes(
        *(
            ShuffleIndex(base, seen[u], pairs[u], _scan(ray, parts, u, base.bands, base.rows))
            for u, base in zip(UNITS, (old.pages, old.paragraphs), strict=True)
        )
    )
    return refs


def _scan(ray: Any, parts: list[Any], unit: int, bands: int, rows: int) -> Scan:
    def scan(sig: np.ndarray, keys: np.ndarray) -> dict[bytes, int]:
        out: dict[bytes, int] = {}
        for got in ray.get([task("scan").remote(p, unit, sig, keys, bands, rows) for p in parts]):
            out.update(got)
        return out

    return scan
