"""Which samples and preference pairs are exported: status, task, source and score filters."""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from corpusforge.records import Sample
from corpusforge.store import Store


@dataclass(slots=True)
class Filters:
    """What to export.

    Attributes:
        statuses: sample statuses kept (default passed and accepted).
        tasks: task names kept (empty: all).
        sources: glob patterns of source file names kept (empty: all).
        min_grounding: lowest grounding score kept (None: no threshold; samples without a score then pass).
    """

    statuses: list[str] = field(default_factory=lambda: ["passed", "accepted"])
    tasks: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    min_grounding: float | None = None

    def source_ok(self, source: str) -> bool:
        """Whether a source file name matches the source patterns."""
        return not self.sources or any(fnmatch.fnmatchcase(source, p) for p in self.sources)

    def reason(self, sample: Sample | Picked) -> str | None:
        """Why a sample is left out (``status:flagged``, ``task``, ``source``, ``grounding``), or None."""
        if sample.status not in self.statuses:
            return f"status:{sample.status}"
        if self.tasks and sample.task not in self.tasks:
            return "task"
        if not self.source_ok(sample.source):
            return "source"
        if self.min_grounding is not None and (
            sample.grounding is None or sample.grounding < self.min_grounding
        ):
            return "grounding"
        return None


ORDER = "source, doc_id, task, sample_id"  # the export order (index samples_review_order)


@dataclass(slots=True)
class Picked:
    """What selecting and splitting read of a sample (its other columns are decoded only when written)."""

    sample_id: str
    source: str
    task: str
    status: str
    grounding: float | None
    chunk_ids: list[str]


def select_samples(store: Store, filters: Filters, skipped: Counter[str]) -> list[Picked]:
    """Current samples passing ``filters``, in a stable order; counts the others by reason in ``skipped``.

    The status filter runs in SQL (the others are counted by status there); of the rest only the
    columns the other filters and the split need are read.
    """
    for status, n in store.status_counts(exclude=filters.statuses).items():
        skipped[f"status:{status}"] += n
    kept = []
    for row in store.iter_sample_briefs(filters.statuses, order=ORDER):
        p = Picked(*row)
        why = filters.reason(p)
        if why:
            skipped[why] += 1
        else:
            kept.append(p)
    return kept


class SplitSamples(Collection[Sample]):
    """The samples of one split, read from the store (in the export order) each time they are iterated,
    so a format writing them never holds them all; only their ids stay in memory."""

    def __init__(self, store: Store, filters: Filters, ids: Iterable[str]):
        self.store, self.filters, self.ids = store, filters, set(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, sample: object) -> bool:
        return isinstance(sample, Sample) and sample.sample_id in self.ids

    def __iter__(self) -> Iterator[Sample]:
        return self.store.iter_samples(status=self.filters.statuses, order=ORDER, only=self.ids)


def select_pairs(store: Store, filters: Filters, skipped: Counter[str]) -> list[dict[str, Any]]:
    """Preference pairs whose sample passes ``filters`` (see ``corpusforge.review.preferences``)."""
    from corpusforge.review.preferences import preference_pairs

    kept, cache = [], {}
    for pair in preference_pairs(store):
        sid = pair["sample_id"]
        if sid not in cache:
            sample = store.get_sample(sid)
            cache[sid] = filters.reason(sample) if sample else "missing"
        if cache[sid]:
            skipped[f"pair_{cache[sid]}"] += 1
        else:
            pair["system"] = ""
            kept.append(pair)
    kept.sort(key=lambda p: (p["source"], p["sample_id"], p["chosen"], p["rejected"]))
    return kept


def provenance(item: Sample | dict[str, Any]) -> dict[str, Any]:
    """The extra fields every exported record keeps (trainers ignore them)."""
    get = item.get if isinstance(item, dict) else lambda k: getattr(item, k)  # type: ignore[union-attr]
    return {
        "source": get("source"),
        "pages": list(get("pages") or []),
        "chunk_ids": list(get("chunk_ids") or []),
        "task": get("task"),
        "sample_id": get("sample_id"),
    }


def chat_turns(sample: Sample, system_prompt: str) -> list[dict[str, str]]:
    """The sample as chat turns: [system,] user..., assistant (its stored messages, else instruction+input)."""
    turns = [
        {"role": m["role"], "content": m["content"]} for m in (sample.messages or sample.default_messages())
    ]
    if system_prompt and (not turns or turns[0]["role"] != "system"):
        turns.insert(0, {"role": "system", "content": system_prompt})
    return turns


def iter_sources(items: Iterable[Sample | dict[str, Any]]) -> Iterator[str]:
    """Source names of samples or pairs."""
    for it in items:
        yield it["source"] if isinstance(it, dict) else it.source
