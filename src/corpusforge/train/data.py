"""Training data from the export layout: one reader per stage, bad lines skipped and counted.

``--data`` is either a JSONL file or an export folder, in which case the stage's file is picked:
``pretrain/corpus.jsonl`` (pt, lines ``{"text"}``), ``messages/train.jsonl`` (sft, lines ``{"messages"}``),
``preference/train.jsonl`` (dpo, lines ``{"prompt", "chosen", "rejected"}``).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STAGE_FILES = {
    "pt": "pretrain/corpus.jsonl",
    "sft": "messages/{split}.jsonl",
    "dpo": "preference/{split}.jsonl",
}
ROLES = {"system", "user", "assistant"}


class DataError(ValueError):
    """The training data cannot be used at all (missing file, no usable line)."""


@dataclass
class DataSummary:
    """What was read from a data file.

    Attributes:
        path: the file read.
        read: non-blank lines seen.
        used: records kept.
        skipped: reason -> count of skipped lines.
        general: general-text records mixed in (pt only).
    """

    path: str
    read: int = 0
    used: int = 0
    skipped: Counter = field(default_factory=Counter)
    general: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "path": self.path,
            "read": self.read,
            "used": self.used,
            "skipped": dict(self.skipped),
            "general": self.general,
        }


def resolve_data_path(stage: str, data: str | Path, split: str = "train") -> Path:
    """The JSONL file for a stage: ``data`` itself, or the stage's file inside an export folder."""
    p = Path(data)
    if p.is_dir():
        p = p / STAGE_FILES[stage].format(split=split)
    if not p.is_file():
        raise DataError(f"{p}: no such data file (give a JSONL file or an export folder)")
    return p


def _check_messages(rec: dict[str, Any]) -> str | None:
    msgs = rec.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return "messages missing or empty"
    for m in msgs:
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            return "message without role/content"
    if msgs[-1]["role"] != "assistant" or not msgs[-1]["content"].strip():
        return "last turn is not a non-empty assistant turn"
    return None


def _check_pair(rec: dict[str, Any]) -> str | None:
    for k in ("prompt", "chosen", "rejected"):
        if not isinstance(rec.get(k), str) or not rec[k].strip():
            return f"{k} missing or empty"
    if rec["chosen"].strip() == rec["rejected"].strip():
        return "chosen equals rejected"
    return None


def _check_text(rec: dict[str, Any]) -> str | None:
    if not isinstance(rec.get("text"), str) or not rec["text"].strip():
        return "text missing or empty"
    return None


CHECKS = {"pt": _check_text, "sft": _check_messages, "dpo": _check_pair}


def _shape(stage: str, rec: dict[str, Any]) -> dict[str, Any]:
    if stage == "pt":
        return {"text": rec["text"]}
    if stage == "sft":
        return {"messages": [{"role": m["role"], "content": m["content"]} for m in rec["messages"]]}
    return {
        "prompt": [{"role": "user", "content": rec["prompt"]}],
        "chosen": [{"role": "assistant", "content": rec["chosen"]}],
        "rejected": [{"role": "assistant", "content": rec["rejected"]}],
    }


def read_records(stage: str, path: Path) -> tuple[list[dict[str, Any]], DataSummary]:
    """Read and validate one stage's JSONL; each bad line is logged once with its line number and skipped.

    Raises:
        DataError: when no line is usable.
    """
    summary = DataSummary(path=str(path))
    rows: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            summary.read += 1
            try:
                rec = json.loads(line)
                reason = CHECKS[stage](rec) if isinstance(rec, dict) else "not a JSON object"
            except json.JSONDecodeError:
                reason = "not valid JSON"
            if reason:
                log.warning("%s:%d: skipped: %s", path, i, reason)
                summary.skipped[reason] += 1
                continue
            rows.append(_shape(stage, rec))
    summary.used = len(rows)
    if not rows:
        raise DataError(f"{path}: no usable {stage} records ({summary.read} lines read)")
    return rows, summary
