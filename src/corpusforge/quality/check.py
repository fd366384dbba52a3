"""Running the gate over data: any JSONL file (``check_jsonl``) or every sample of a workspace.

``check_workspace`` lives in :mod:`corpusforge.quality.workspace` and is importable from here too.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from corpusforge.io import atomic_open
from corpusforge.progress import NO_PROGRESS, Progress
from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate, Verdict
from corpusforge.quality.tally import Tally
from corpusforge.quality.traits import TaskLookup
from corpusforge.quality.workspace import check_workspace

__all__ = ["check_jsonl", "check_workspace"]

log = logging.getLogger(__name__)

FIELDS = {
    "question": ("question", "instruction", "prompt"),
    "answer": ("answer", "output", "response"),
    "context": ("context", "input", "source_text", "passage"),
}


def _field(rec: dict[str, Any], name: str) -> Any:
    for k in FIELDS[name]:
        if k in rec:
            return rec[k]
    return None


def _count_lines(path: str | Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def _quote(evidence: Any) -> str | None:
    """The quote of a record's ``evidence`` field: a string, a ``{"quote": ...}`` or a list of either."""
    if isinstance(evidence, list):
        evidence = evidence[0] if evidence else None
    if isinstance(evidence, dict):
        evidence = evidence.get("quote")
    return evidence if isinstance(evidence, str) and evidence.strip() else None


def check_jsonl(
    in_path: str | Path,
    out_path: str | Path,
    cfg: QualityConfig | None = None,
    backend: Any = None,
    progress: Progress | None = None,
    tasks: TaskLookup | None = None,
) -> dict[str, Any]:
    """Gate every record of a JSONL file with ``question``, ``answer`` and ``context`` fields.

    Each record is written to ``out_path`` unchanged plus ``grounding``, ``relevance``, ``verdict``,
    ``reasons`` and ``scores``. ``instruction``/``output``/``input`` are accepted as the field names too; ``context`` may
    be a string or a list of strings; an ``evidence`` quote (a string, ``{"quote": ...}`` or a list of
    them), when given, is where relevance is scored; ``task`` (default ``qa``) names the task, whose declared traits come
    from ``tasks`` (see :class:`~corpusforge.quality.gate.QualityGate`). A malformed line is reported
    (file:line: reason) and skipped.

    Returns:
        counts: records, passed, flagged, dropped, skipped, reasons (name -> count), errors.
    """
    gate = QualityGate(cfg or QualityConfig(), backend=backend, tasks=tasks)
    tally = Tally()
    errors: list[str] = []
    n = 0
    bar = progress or NO_PROGRESS
    bar.start("checking records", total=_count_lines(in_path) if progress else 0)
    with open(in_path, encoding="utf-8") as src, atomic_open(out_path) as out:
        for i, line in enumerate(src, 1):
            bar.advance(1)
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
            except ValueError as e:
                errors.append(f"{in_path}:{i}: not valid JSON: {getattr(e, 'msg', e)}")
                log.warning("skipped %s", errors[-1])
                continue
            q, a, ctx = _field(rec, "question"), _field(rec, "answer"), _field(rec, "context")
            missing = [k for k, v in (("question", q), ("answer", a), ("context", ctx)) if v is None]
            if missing:
                errors.append(f"{in_path}:{i}: missing field {', '.join(missing)}")
                log.warning("skipped %s", errors[-1])
                continue
            ctx_list = ctx if isinstance(ctx, list) else [str(ctx)]
            v: Verdict = gate.check(
                str(q),
                str(a),
                [str(c) for c in ctx_list],
                task=str(rec.get("task", "qa")),
                key=str(rec.get("id", i)),
                scope=str(rec.get("source", "")),
                evidence=_quote(rec.get("evidence")),
            )
            tally.add(v.verdict, v.reasons)
            rec.update(
                grounding=v.grounding,
                relevance=v.relevance,
                verdict=v.verdict,
                reasons=v.reasons,
                scores=v.scores,
            )
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    bar.stop()
    return tally.summary(n, len(errors), errors)
