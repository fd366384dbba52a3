"""Which samples and preference pairs are exported: status, task, source and score filters."""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable, Iterator
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

    def reason(self, sample: Sample) -> str | None:
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


def select_samples(store: Store, filters: Filters, skipped: Counter[str]) -> list[Sample]:
    """Current samples passing ``filters``, in a stable order; counts the others by reason in ``skipped``."""
    kept = []
    for s in store.iter_samples(order="source, doc_id, task, sample_id"):
        why = filters.reason(s)
        if why:
            skipped[why] += 1
        else:
            kept.append(s)
    return kept


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
