"""Counting verdicts and reasons, in one place: ``corpusforge check`` and the generate summary use it.

A reason is counted by its name, the part before ``:`` (``invented_number:5`` -> ``invented_number``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def reason_name(reason: str) -> str:
    """A reason without its detail: ``invented_number:5`` -> ``invented_number``."""
    return reason.split(":")[0]


def count_reasons(counts: dict[str, int], reasons: Iterable[str], n: int = 1) -> None:
    """Add ``n`` to ``counts[name]`` for each reason (a negative ``n`` takes a sample's reasons back)."""
    for r in reasons:
        k = reason_name(r)
        counts[k] = counts.get(k, 0) + n


@dataclass
class Tally:
    """Verdicts (``passed``, ``flagged``, ``dropped``) and reason names of the samples gated so far."""

    verdicts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, verdict: str, reasons: Iterable[str]) -> None:
        """Count one sample."""
        self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1
        count_reasons(self.reasons, reasons)

    def summary(self, records: int, skipped: int, errors: list[str]) -> dict[str, Any]:
        """What a ``check`` returns: records, passed, flagged, dropped, skipped, errors, reasons (by name)."""
        v = self.verdicts
        return {
            "records": records,
            "passed": v.get("passed", 0),
            "flagged": v.get("flagged", 0),
            "dropped": v.get("dropped", 0),
            "skipped": skipped,
            "errors": errors,
            "reasons": dict(sorted(self.reasons.items())),
        }
