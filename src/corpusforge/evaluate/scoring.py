"""Per-item scores and their aggregation per model, task and source document."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Any

from corpusforge.evaluate import metrics
from corpusforge.evaluate.data import EvalItem


def _grounding(answer: str, context: str) -> float | None:
    if not context:
        return None
    try:
        from corpusforge.quality.grounding import grounding_score
    except ImportError:  # quality stage not installed
        return None
    return float(grounding_score(answer, context))


def score_item(
    item: EvalItem, answer: str, *, short_chars: int = 24, labels: list[str] | None = None
) -> dict[str, float]:
    """All metrics for one answer: rouge_l, char_f1, exact_match (short references), grounding, label_acc."""
    s: dict[str, float] = {
        "rouge_l": metrics.rouge_l(answer, item.reference),
        "char_f1": metrics.char_f1(answer, item.reference),
    }
    if len(metrics.normalize(item.reference)) <= short_chars:
        s["exact_match"] = metrics.exact_match(answer, item.reference)
    g = _grounding(answer, item.context)
    if g is not None:
        s["grounding"] = g
    if item.task == "classify" and labels:
        s["label_acc"] = metrics.label_accuracy(answer, item.reference, labels)
    return s


def aggregate(rows: list[tuple[EvalItem, dict[str, float]]]) -> dict[str, Any]:
    """Mean of each metric overall, by task and by source (only over items that have the metric)."""

    def means(group: list[dict[str, float]]) -> dict[str, float]:
        keys = sorted({k for g in group for k in g})
        out = {k: round(mean(g[k] for g in group if k in g), 4) for k in keys}
        out["n"] = len(group)
        return out

    by_task: dict[str, list[dict[str, float]]] = defaultdict(list)
    by_source: dict[str, list[dict[str, float]]] = defaultdict(list)
    for item, s in rows:
        by_task[item.task].append(s)
        by_source[item.source or "(unknown)"].append(s)
    return {
        "overall": means([s for _, s in rows]) if rows else {"n": 0},
        "by_task": {k: means(v) for k, v in sorted(by_task.items())},
        "by_source": {k: means(v) for k, v in sorted(by_source.items())},
    }
