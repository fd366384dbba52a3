"""Re-gating every sample of a workspace (``corpusforge check`` without ``--jsonl``)."""

from __future__ import annotations

import logging
from typing import Any

from corpusforge.progress import NO_PROGRESS, Progress
from corpusforge.quality.gate import QualityGate, Verdict, dedup_question
from corpusforge.quality.tally import Tally
from corpusforge.quality.traits import TaskLookup
from corpusforge.records import Chunk, Sample

log = logging.getLogger(__name__)

REVIEWED = ("accepted", "rejected")


def _chunks(ws: Any, s: Sample, cache: dict[str, Chunk | None]) -> list[Chunk]:
    for cid in s.chunk_ids:
        if cid not in cache:
            cache[cid] = ws.store.get_chunk(cid)
    return [c for cid in s.chunk_ids if (c := cache[cid]) is not None]


def check_workspace(
    ws: Any, *, progress: Progress | None = None, backend: Any = None, tasks: TaskLookup | None = None
) -> dict[str, Any]:
    """Gate all current samples again (not those a reviewer accepted or rejected).

    Samples are scored first, then de-duplicated from the best-grounded down, so the kept copy of a
    duplicated question does not depend on the order samples were made in. Samples with an ``input``
    (open-book tasks) are not de-duplicated. Results are stored with ``store.update_sample`` (status,
    grounding, relevance, reasons, scores, evidence).

    Args:
        tasks: the tasks by name, for what each declares (see :class:`~corpusforge.quality.gate.QualityGate`).

    Returns:
        counts: records, passed, flagged, dropped, skipped (no source chunk), reasons, errors.
    """
    cfg = ws.config.quality
    if backend is None and cfg.judge.enabled:
        backend = ws.config.llm
    gate = QualityGate(cfg, backend=backend, store=ws.store, tasks=tasks)
    tally = Tally()
    samples = [s for s in ws.store.iter_samples() if s.status not in REVIEWED]
    cache: dict[str, Chunk | None] = {}
    scored: list[tuple[Sample, Verdict | None]] = []
    errors: list[str] = []
    bar = progress or NO_PROGRESS
    bar.start("checking samples", total=len(samples))
    for s in samples:
        chunks = _chunks(ws, s, cache)
        if not chunks:
            errors.append(f"sample {s.sample_id}: none of its chunks {s.chunk_ids} is in the store")
            scored.append((s, None))
        else:
            got = gate.score(s.instruction, s.output, chunks, task=s.task)
            gate.annotate(s, got, chunks)
            scored.append((s, got))
        bar.advance(1)
    bar.stop()
    # best-grounded first: a duplicate then never beats the copy already kept, so the best copy stays
    scored.sort(key=lambda sv: -(sv[1].grounding if sv[1] else -1))
    for s, v in scored:
        if v is None:
            gate.unsourced(s)
        else:
            if not s.input:
                gate.dedup(v, dedup_question(s), key=s.sample_id, scope=s.doc_id)
            gate.settle(s, v)
        tally.add(s.status, s.reasons)
        ws.store.update_sample(
            s.sample_id,
            status=s.status,
            grounding=s.grounding,
            relevance=s.relevance,
            reasons=s.reasons,
            scores=s.scores,
            evidence=s.evidence,
        )
    for e in errors:
        log.warning(e)
    return tally.summary(len(samples), 0, errors)
