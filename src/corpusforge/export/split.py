"""Train/validation/test split by source document, stratified by task, seeded.

Every sample of one source file lands in the same split, so no document leaks from training into
evaluation. Documents are assigned greedily (largest first, seeded tie-break) to the split whose task
counts lag furthest behind their target share.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable

SPLITS = ("train", "validation", "test")


def split_sources(items: Iterable[tuple[str, str]], sizes: dict[str, float], seed: int) -> dict[str, str]:
    """Assign each source to a split.

    Args:
        items: (source, task) of every exported record.
        sizes: target share per split (``validation`` and ``test``; ``train`` takes the rest).
        seed: seed of the tie-break order, so the same data always splits the same way.

    Returns:
        source -> split name.
    """
    per_source: dict[str, Counter[str]] = defaultdict(Counter)
    for source, task in items:
        per_source[source][task] += 1
    target = {"validation": sizes.get("validation", 0.0), "test": sizes.get("test", 0.0)}
    target["train"] = 1.0 - target["validation"] - target["test"]
    totals: Counter[str] = Counter()
    for c in per_source.values():
        totals.update(c)
    rng = random.Random(seed)
    sources = sorted(per_source)
    rng.shuffle(sources)
    sources.sort(key=lambda s: -sum(per_source[s].values()))  # stable: seeded order among equals
    have: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    out: dict[str, str] = {}
    for src in sources:
        c = per_source[src]

        def need(split: str, c: Counter[str] = c) -> float:
            return sum(n * (target[split] * totals[t] - have[split][t]) / totals[t] for t, n in c.items())

        best = max((s for s in SPLITS if target[s] > 0), key=lambda s: (need(s), target[s]))
        out[src] = best
        have[best].update(per_source[src])
    _fill_empty(out, per_source, target)
    return out


def _fill_empty(out: dict[str, str], per_source: dict[str, Counter[str]], target: dict[str, float]) -> None:
    """Give an empty split with a positive share the smallest train source, while train keeps two or more."""
    for split in ("validation", "test"):
        if target[split] <= 0 or split in out.values():
            continue
        train = sorted(
            (s for s, v in out.items() if v == "train"), key=lambda s: (sum(per_source[s].values()), s)
        )
        if len(train) >= 2:
            out[train[0]] = split
