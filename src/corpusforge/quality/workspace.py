"""Re-gating every sample of a workspace (``corpusforge check`` without ``--jsonl``)."""

from __future__ import annotations

import logging
from typing import Any

from corpusforge.quality.check import REVIEWED, _summary
from corpusforge.quality.gate import QualityGate, Verdict
from corpusforge.records import Chunk, Sample

log = logging.getLogger(__name__)


def _chunks(ws: Any, s: Sample, cache: dict[str, Chunk | None]) -> list[Chunk]:
    for cid in s.chunk_ids:
        if cid not in cache:
            cache[cid] = ws.store.get_chunk(cid)
    return [c for cid in s.chunk_ids if (c := cache[cid]) is not None]


def check_workspace(ws: Any, *, progress: bool = False, backend: Any = None) -> dict[str, Any]:
    """Gate all current samples again (not those a reviewer accepted or rejected).

    Samples are scored first, then de-duplicated from the best-grounded down, so the kept copy of a
    duplicated question does not depend on the order samples were made in. Results are stored with
    ``store.update_sample`` (status, grounding, reasons, scores).

    Returns:
        counts: records, passed, flagged, dropped, skipped (no source chunk), reasons, errors.
    """
    cfg = ws.config.quality
    if backend is None and cfg.judge.enabled:
        backend = ws.config.llm
    scorer = QualityGate(cfg, backend=backend, store=ws.store)
    gate = QualityGate(cfg)
    samples = [s for s in ws.store.iter_samples() if s.status not in REVIEWED]
    cache: dict[str, Chunk | None] = {}
    scored: list[tuple[Sample, Verdict | None]] = []
    errors: list[str] = []
    bar = _progress(progress, len(samples))
    for s in samples:
        chunks = _chunks(ws, s, cache)
        if not chunks:
            errors.append(f"sample {s.sample_id}: none of its chunks {s.chunk_ids} is in the store")
            scored.append((s, None))
        else:
            scored.append((s, scorer.score(s.instruction, s.output, chunks, task=s.task)))
        if bar:
            bar[0].advance(bar[1])
    if bar:
        bar[0].stop()
    # best-grounded first, so that de-duplication keeps the best copy
    scored.sort(key=lambda sv: -(sv[1].grounding if sv[1] else -1))
    for s, v in scored:
        if v is None:
            s.status, s.reasons = "flagged", ["no_source"]
            gate.counts.update(["flagged", "no_source"])
        else:
            if cfg.dedup != "off" and not s.input and s.instruction.strip():
                scope = s.doc_id if cfg.dedup == "document" else ""
                hit = gate.index.find(s.instruction, scope)
                if hit:
                    v.reasons.append(f"duplicate_question:{hit[0]}")
                    v.scores["duplicate_similarity"] = round(hit[1], 3)
                    v.verdict = gate._decide(v.reasons)
                elif v.verdict != "dropped":
                    gate.index.add(s.sample_id, s.instruction, v.grounding, scope)
            if (s.metadata or {}).get("finish_reason") == "length":
                v.reasons.append("truncated")
                v.verdict = gate._decide(v.reasons)
            s.status, s.grounding, s.reasons = v.verdict, v.grounding, v.reasons
            s.scores = {**(s.scores or {}), **v.scores}
            gate.counts.update([v.verdict] + [r.split(":")[0] for r in v.reasons])
        ws.store.update_sample(s.sample_id, status=s.status, grounding=s.grounding, reasons=s.reasons,
                               scores=s.scores)
    for e in errors:
        log.warning(e)
    return _summary(gate.counts, len(samples), 0, errors)


def _progress(on: bool, total: int, what: str = "checking samples") -> tuple[Any, Any] | None:
    """A started rich progress bar on the CLI console and its task, or None when ``on`` is false."""
    if not on:
        return None
    from rich.progress import Progress

    from corpusforge.cli.common import console

    p = Progress(console=console, transient=True)
    p.start()
    return p, p.add_task(what, total=total)
