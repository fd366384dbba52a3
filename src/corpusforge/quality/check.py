"""Running the gate over data: any JSONL file (``check_jsonl``) or every sample of a workspace."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from corpusforge.io import atomic_open
from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate, Verdict

log = logging.getLogger(__name__)

FIELDS = {"question": ("question", "instruction", "prompt"), "answer": ("answer", "output", "response"),
          "context": ("context", "input", "source_text", "passage")}
REVIEWED = ("accepted", "rejected")


def _field(rec: dict[str, Any], name: str) -> Any:
    for k in FIELDS[name]:
        if k in rec:
            return rec[k]
    return None


def _summary(counts: Counter[str], records: int, skipped: int, errors: list[str]) -> dict[str, Any]:
    return {"records": records, "passed": counts["passed"], "flagged": counts["flagged"],
            "dropped": counts["dropped"], "skipped": skipped, "errors": errors,
            "reasons": {k: v for k, v in sorted(counts.items()) if k not in ("passed", "flagged", "dropped")}}


def _count_lines(path: str | Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def check_jsonl(in_path: str | Path, out_path: str | Path, cfg: QualityConfig | None = None,
                backend: Any = None, progress: bool = False) -> dict[str, Any]:
    """Gate every record of a JSONL file with ``question``, ``answer`` and ``context`` fields.

    Each record is written to ``out_path`` unchanged plus ``grounding``, ``verdict``, ``reasons`` and
    ``scores``. ``instruction``/``output``/``input`` are accepted as the field names too; ``context`` may
    be a string or a list of strings. A malformed line is reported (file:line: reason) and skipped.

    Returns:
        counts: records, passed, flagged, dropped, skipped, reasons (name -> count), errors.
    """
    from corpusforge.quality.workspace import _progress

    gate = QualityGate(cfg or QualityConfig(), backend=backend)
    errors: list[str] = []
    n = 0
    bar = _progress(progress, _count_lines(in_path) if progress else 0, "checking records")
    with open(in_path, encoding="utf-8") as src, atomic_open(out_path) as out:
        for i, line in enumerate(src, 1):
            if bar:
                bar[0].advance(bar[1])
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
            v: Verdict = gate.check(str(q), str(a), [str(c) for c in ctx_list], task=str(rec.get("task", "qa")),
                                    key=str(rec.get("id", i)), scope=str(rec.get("source", "")))
            rec.update(grounding=v.grounding, verdict=v.verdict, reasons=v.reasons, scores=v.scores)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    if bar:
        bar[0].stop()
    return _summary(gate.counts, n, len(errors), errors)


def check_workspace(ws: Any, *, progress: bool = False, backend: Any = None) -> dict[str, Any]:
    """Re-gate every sample of a workspace; see :func:`corpusforge.quality.workspace.check_workspace`."""
    from corpusforge.quality.workspace import check_workspace as run

    return run(ws, progress=progress, backend=backend)
