"""Verdicts kept across runs: a sample rebuilt unchanged (same reply, prompt version, gate settings) is not
gated again.

The gate stores a hash of its settings with every verdict (``scores["gate"]``,
:func:`corpusforge.quality.gate.settings_hash`).
A rerun answered from the cache rebuilds samples with the same ids; when the stored copy has the same
fields the gate reads and the same settings hash, its verdict is taken as it was before de-duplication
and only de-duplication is replayed (cheap), so the question index, and what supersedes what, evolve
exactly as in the first run. A changed setting changes the hash: every sample is gated again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from corpusforge.quality.gate import Verdict
from corpusforge.records import Sample

if TYPE_CHECKING:
    from corpusforge.quality.gate import QualityGate

#: reasons added after :meth:`QualityGate.score` and ``annotate`` (by de-duplication, ``settle``, supersession)
LATER = ("duplicate_question:", "truncated")
GATED = ("passed", "flagged", "dropped")


def _same_input(a: Sample, b: Sample) -> bool:
    """Whether two samples give the gate the same input (the context is fixed by the id: see asking)."""
    return (
        a.task == b.task
        and a.instruction == b.instruction
        and a.input == b.input
        and a.output == b.output
        and a.prompt_version == b.prompt_version
        and a.chunk_ids == b.chunk_ids
        and json.dumps(a.metadata, sort_keys=True, default=str)
        == json.dumps(b.metadata, sort_keys=True, default=str)
    )


def stored_verdict(gate: QualityGate, sample: Sample, stored: Sample | None) -> Verdict | None:
    """The verdict ``stored`` had before de-duplication, when it can stand for ``sample``'s; else None.

    It can when the stored copy was gated (not reviewed, not ``no_source``) with the current settings
    and the gate would read the same fields. ``sample`` then gets the stored evidence.
    """
    if stored is None or stored.status not in GATED or "no_source" in stored.reasons:
        return None
    scores = dict(stored.scores or {})
    if scores.get("gate") != gate.settings_hash or not _same_input(sample, stored):
        return None
    scores.pop("duplicate_similarity", None)
    reasons = [r for r in stored.reasons if not r.startswith(LATER)]
    grounding = stored.grounding if stored.grounding is not None else 0.0
    sample.evidence = list(stored.evidence)
    return Verdict(gate.decide(reasons), grounding, reasons, scores, stored.relevance)
