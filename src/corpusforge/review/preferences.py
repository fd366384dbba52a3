"""Preference pairs for DPO from rated candidates (good > fair > poor, or rank 1 > rank 2 > ...)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from corpusforge.store import Store

RATING_ORDER = {"good": 2, "fair": 1, "poor": 0}


def _score(c: Any) -> float:
    # rank 1 is best; the rating is used when there is no rank
    return -float(c.rank) if c.rank is not None else float(RATING_ORDER[c.rating])


def pairs_for_sample(store: Store, sample_id: str) -> list[dict[str, Any]]:
    """The preference pairs of one sample (empty when it is missing, rejected or has < 2 distinct ratings).

    Each pair: ``prompt`` (the sample's user turn), ``chosen``, ``rejected``, plus provenance
    (``sample_id``, ``task``, ``source``, ``pages``, ``chunk_ids``, ``doc_id``).
    """
    sample = store.get_sample(sample_id)
    if sample is None or sample.status == "rejected":
        return []
    cands = [c for c in store.iter_candidates(sample_id) if c.rating in RATING_ORDER or c.rank is not None]
    cands.sort(key=lambda c: (-_score(c), c.idx))
    prompt = sample.default_messages()[0]["content"]
    pairs = []
    for i, better in enumerate(cands):
        for worse in cands[i + 1 :]:
            if _score(better) > _score(worse):
                pairs.append(
                    {
                        "prompt": prompt,
                        "chosen": better.output,
                        "rejected": worse.output,
                        "sample_id": sample_id,
                        "task": sample.task,
                        "source": sample.source,
                        "pages": sample.pages,
                        "chunk_ids": sample.chunk_ids,
                        "doc_id": sample.doc_id,
                    }
                )
    return pairs


def preference_pairs(store: Store, include_stale: bool = False) -> Iterator[dict[str, Any]]:
    """Yield one pair for every two rated candidates of a sample whose ratings (or ranks) differ.

    Samples are visited in id order; rejected samples yield nothing. See :func:`pairs_for_sample`.
    """
    for sid in store.rated_sample_ids(include_stale):
        yield from pairs_for_sample(store, sid)
