"""What the review app's list shows (:class:`Filters`, read from query parameters) and its cached counts.

The queries themselves are methods of the store (:mod:`corpusforge.store.review`): ``list_samples``,
``neighbour``, ``review_progress`` and ``bulk_accept``, all walking an index of migration ``m005_review``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from corpusforge.store.review import ORDERS, PENDING, SampleFilter

__all__ = ["CANDS", "ORDERS", "PENDING", "STATUSES", "Filters", "Summary"]

STATUSES = ("generated", "passed", "flagged", "dropped", "accepted", "rejected")
CANDS = {"any": "with candidates", "unrated": "with candidates to rate"}
#: longest document id or task name a filter keeps (ids and names are far shorter)
MAX_TEXT = 500


@dataclass(slots=True)
class Filters(SampleFilter):
    """What the list shows: one document, task, status, a score range, and the order."""

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        """Build from query or form parameters; unknown or malformed values (an uploaded file, a score
        that is not a finite number, a status or order we do not know) are ignored."""

        def text(key: str) -> str:
            v = params.get(key)
            return v[:MAX_TEXT] if isinstance(v, str) else ""

        def num(key: str) -> float | None:
            try:
                v = float(text(key))
            except ValueError:
                return None
            return v if math.isfinite(v) else None

        sort = text("sort") or "doc"
        status = text("status")
        cands = text("cands")
        return cls(
            doc=text("doc"),
            task=text("task"),
            status=status if status in STATUSES else "",
            min_score=num("min_score"),
            max_score=num("max_score"),
            sort=sort if sort in ORDERS else "doc",
            cands=cands if cands in CANDS else "",
        )

    def params(self) -> dict[str, str]:
        """The non-default filters as query parameters (for links that keep the filter)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v not in (None, "") and not (f.name == "sort" and v == "doc"):
                out[f.name] = str(v)
        return out


class Summary:
    """Counts by status and task and progress per document, recomputed only after the database changed.

    Paging and moving between samples then costs one page query, not three scans of every sample. A change
    is noticed through the store's :meth:`~corpusforge.store.Store.change_key` (commits by other
    connections, e.g. a running ``generate``, and the app's own writes).
    """

    def __init__(self, store: Any, progress_limit: int = 200):
        self.store, self.progress_limit = store, progress_limit
        self._key: tuple[int, int] | None = None
        self._memo: dict[str, Any] = {}

    def _get(self, name: str, compute: Any) -> Any:
        key = self.store.change_key()
        if key != self._key:
            self._key, self._memo = key, {}
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def by_status(self) -> dict[str, int]:
        """Current samples per status."""
        return self._get("status", lambda: self.store.count_samples("status"))

    def by_task(self) -> dict[str, int]:
        """Current samples per task."""
        return self._get("task", lambda: self.store.count_samples("task"))

    def progress(self) -> list[dict[str, Any]]:
        """Per-document progress (see :meth:`~corpusforge.store.Store.review_progress`)."""
        return self._get("progress", lambda: self.store.review_progress(self.progress_limit))
