"""The split by source document: no leaks, seeded, stratified by task, sizes respected."""

from __future__ import annotations

import random
from collections import Counter

from corpusforge.export.split import split_sources


def _items(n_sources: int = 30, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    items = []
    for i in range(n_sources):
        for task in ("qa", "summary", "claim"):
            items += [(f"doc{i:02d}.pdf", task)] * rng.randint(0 if task == "claim" else 1, 6)
    return items


def test_every_source_in_exactly_one_split():
    items = _items()
    where = split_sources(items, {"validation": 0.1, "test": 0.1}, seed=1)
    assert set(where) == {s for s, _ in items}
    assert set(where.values()) == {"train", "validation", "test"}


def test_same_seed_same_split_and_other_seed_differs():
    items = _items()
    a = split_sources(items, {"validation": 0.15, "test": 0.15}, seed=7)
    assert a == split_sources(list(reversed(items)), {"validation": 0.15, "test": 0.15}, seed=7)
    assert a != split_sources(items, {"validation": 0.15, "test": 0.15}, seed=8)


def test_split_shares_close_to_targets_for_every_task():
    items = _items(60)
    where = split_sources(items, {"validation": 0.2, "test": 0.1}, seed=3)
    per_task: dict[str, Counter[str]] = {}
    for source, task in items:
        per_task.setdefault(task, Counter())[where[source]] += 1
    for task, c in per_task.items():
        total = sum(c.values())
        assert abs(c["validation"] / total - 0.2) < 0.07, (task, c)
        assert abs(c["test"] / total - 0.1) < 0.07, (task, c)


def test_zero_sizes_put_everything_in_train_and_one_source_stays_in_train():
    items = _items(5)
    assert set(split_sources(items, {"validation": 0, "test": 0}, seed=0).values()) == {"train"}
    assert split_sources([("only.pdf", "qa")] * 9, {"validation": 0.1, "test": 0.1}, seed=0) == {
        "only.pdf": "train"
    }


def test_small_sets_still_fill_validation_and_test():
    items = [("a.pdf", "qa")] * 10 + [("b.pdf", "qa")] * 9 + [("c.pdf", "qa")] * 8
    assert sorted(split_sources(items, {"validation": 0.05, "test": 0.05}, seed=0).values()) == [
        "test",
        "train",
        "validation",
    ]
