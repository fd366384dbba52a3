"""Which samples and preference pairs are exported: status, task, source and score filters."""

from __future__ import annotations

import fnmatch
import json
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
    """What selecting and splitting read of a sample (its other columns are decoded only when written;
    ``chunk_ids`` only when asked for: a single-split export never needs them)."""

    sample_id: str
    source: str
    task: str
    status: str
    grounding: float | None
    chunk_ids_json: str

    @property
    def chunk_ids(self) -> list[str]:
        """The sample's chunk ids."""
        return list(json.loads(self.chunk_ids_json))


def count_selected(store: Store, filters: Filters, skipped: Counter[str]) -> Counter[tuple[str, str]]:
    """(source, task) -> current samples passing ``filters``; the others counted by reason in ``skipped``
    (the first reason of :meth:`Filters.reason`). One grouped query: no sample is read."""
    kept: Counter[tuple[str, str]] = Counter()
    for source, task, status, n, ok in store.sample_groups(filters.min_grounding):
        if status not in filters.statuses:
            skipped[f"status:{status}"] += n
        elif filters.tasks and task not in filters.tasks:
            skipped["task"] += n
        elif not filters.source_ok(source):
            skipped["source"] += n
        else:
            if n > ok:
                skipped["grounding"] += n - ok
            if ok:
                kept[(source, task)] += ok
    return kept


def iter_picked(store: Store, filters: Filters) -> Iterator[Picked]:
    """The light rows of the current samples passing ``filters``, in the export order."""
    for row in store.iter_sample_briefs(filters.statuses, order=ORDER):
        p = Picked(*row)
        if filters.reason(p) is None:
            yield p


#: sample fields no export format writes: not read (nor decoded) when a split is streamed
NOT_EXPORTED = ("metadata", "scores", "reasons")


class SplitSamples(Collection[Sample]):
    """The samples of one split (its sources, less ``exclude``), read from the store in the export order
    each time they are iterated, so a format writing them never holds them all. The filters run in SQL
    where they can, the source set and ``exclude`` before a row is decoded; the fields of
    :data:`NOT_EXPORTED` are left at their defaults.

    Args:
        n: how many samples that is (known from :func:`count_selected`).
    """

    def __init__(
        self, store: Store, filters: Filters, sources: set[str], n: int, exclude: Collection[str] = ()
    ):
        self.store, self.filters, self.sources, self.n = store, filters, sources, n
        self.exclude = set(exclude)

    def __len__(self) -> int:
        return self.n

    def __contains__(self, sample: object) -> bool:
        return (
            isinstance(sample, Sample)
            and sample.source in self.sources
            and sample.sample_id not in self.exclude
            and self.filters.reason(sample) is None
        )

    def __iter__(self) -> Iterator[Sample]:
        f = self.filters
        return self.store.iter_samples(
            status=f.statuses,
            task=f.tasks or None,
            min_grounding=f.min_grounding,
            order=ORDER,
            sources=self.sources,
            exclude=self.exclude,
            skip=NOT_EXPORTED,
        )


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
    if isinstance(item, Sample):
        return {
            "source": item.source,
            "pages": list(item.pages or []),
            "chunk_ids": list(item.chunk_ids or []),
            "task": item.task,
            "sample_id": item.sample_id,
        }
    get = item.get
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
