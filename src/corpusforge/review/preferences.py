"""Preference pairs for DPO from rated candidate answers (good > fair > poor)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from corpusforge.store import Store

RATING_ORDER = {"good": 2, "fair": 1, "poor": 0}


def preference_pairs(store: Store, include_stale: bool = False) -> Iterator[dict[str, Any]]:
    """Yield one pair for every two rated candidates of a sample whose ratings (or ranks) differ.

    Each pair: ``prompt`` (the sample's user turn), ``chosen``, ``rejected``, plus provenance
    (``sample_id``, ``task``, ``source``, ``pages``, ``chunk_ids``, ``doc_id``).
    """
    ids = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT c.sample_id FROM candidates c JOIN samples s USING (sample_id)"
        " WHERE (c.rating IS NOT NULL OR c.rank IS NOT NULL)" + ("" if include_stale else " AND s.stale=0")
        + " ORDER BY c.sample_id")]
    for sid in ids:
        sample = store.get_sample(sid)
        if sample is None or sample.status == "rejected":
            continue
        cands = [c for c in store.iter_candidates(sid) if c.rating in RATING_ORDER or c.rank is not None]

        def score(c: Any) -> float:
            # rank 1 is best; rating used when no rank
            return -float(c.rank) if c.rank is not None else float(RATING_ORDER[c.rating])

        cands.sort(key=lambda c: (-score(c), c.idx))
        prompt = sample.default_messages()[0]["content"]
        for i, better in enumerate(cands):
            for worse in cands[i + 1:]:
                if score(better) > score(worse):
                    yield {"prompt": prompt, "chosen": better.output, "rejected": worse.output,
                           "sample_id": sid, "task": sample.task, "source": sample.source, "pages": sample.pages,
                           "chunk_ids": sample.chunk_ids, "doc_id": sample.doc_id}
