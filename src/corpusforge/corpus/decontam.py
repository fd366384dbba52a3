"""Decontamination: n-gram overlap between training text and held-out text (splits, evaluation files).

Held-out text is cut into n-grams (character 20-grams for Chinese, 13-word n-grams otherwise, as in GPT-3
and the Llama decontamination), each hashed to 64 bits into a set. A training text is contaminated when it
shares at least ``min_overlaps`` of those n-grams. Evaluation files are JSONL (every string value of each
record is held-out text) or plain text (one text per file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corpusforge.records import Sample

if TYPE_CHECKING:
    from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")
_WORD = re.compile(r"\w+")
_DROP = re.compile(r"[\W_]+")


class ContaminationFileError(ValueError):
    """An evaluation file named in ``eval.contamination_files`` cannot be read."""


def _h(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")


def ngrams(text: str, char_n: int = 20, word_n: int = 13) -> set[int]:
    """Hashed n-grams of ``text``: character n-grams (punctuation and spaces removed) where the text is
    mostly Han/kana, lower-cased word n-grams otherwise. A text shorter than n gives one n-gram of itself."""
    han = len(_HAN.findall(text))
    if han >= 0.3 * max(1, len(text.replace(" ", ""))):
        s = _DROP.sub("", text)
        if not s:
            return set()
        n = min(char_n, len(s))
        return {_h(s[i : i + n]) for i in range(len(s) - n + 1)}
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    n = min(word_n, len(words))
    return {_h(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


@dataclass
class Hit:
    """One contaminated training item: its id, the shared n-gram count and the held-out text it overlaps."""

    item: str
    overlaps: int
    held_out: str


@dataclass
class OverlapIndex:
    """Hashed n-grams of held-out texts, each mapped to the label (split or file) of its first text.

    Args:
        char_n: n of character n-grams (Chinese).
        word_n: n of word n-grams (other languages).
        min_overlaps: shared n-grams from which a training text counts as contaminated.
    """

    char_n: int = 20
    word_n: int = 13
    min_overlaps: int = 1
    grams: dict[int, str] = field(default_factory=dict)

    def add(self, text: str, label: str) -> None:
        """Add one held-out text under ``label``."""
        for g in ngrams(text, self.char_n, self.word_n):
            self.grams.setdefault(g, label)

    def check(self, text: str) -> tuple[int, str] | None:
        """(shared n-grams, label of the most shared held-out source) when ``text`` is contaminated."""
        if not self.grams:
            return None
        labels: dict[str, int] = {}
        for g in ngrams(text, self.char_n, self.word_n):
            lab = self.grams.get(g)
            if lab is not None:
                labels[lab] = labels.get(lab, 0) + 1
        total = sum(labels.values())
        if total < self.min_overlaps:
            return None
        return total, max(labels, key=lambda k: labels[k])

    def scan(self, items: Iterable[tuple[str, str]]) -> list[Hit]:
        """Hits among (id, text) training items."""
        out = []
        for item, text in items:
            r = self.check(text)
            if r is not None:
                out.append(Hit(item, r[0], r[1]))
        return out


def read_eval_texts(path: str | Path) -> list[str]:
    """Held-out texts of one evaluation file: each JSONL record's string values, or a text file whole.

    Raises:
        ContaminationFileError: the file is missing, not UTF-8, or a JSONL line is not JSON.
    """
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ContaminationFileError(f"{p}: cannot read evaluation file: {e}") from None
    if p.suffix.lower() not in (".jsonl", ".json"):
        return [raw]
    if p.suffix.lower() == ".json":  # one JSON document (a list of records), else JSON lines
        try:
            return _strings(json.loads(raw))
        except json.JSONDecodeError:
            pass
    texts: list[str] = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise ContaminationFileError(f"{p}: line {n} is not JSON: {e.msg}") from None
        texts.extend(_strings(rec))
    return texts


def _strings(rec: object) -> list[str]:
    if isinstance(rec, str):
        return [rec]
    if isinstance(rec, dict):
        return [s for v in rec.values() for s in _strings(v)]
    if isinstance(rec, list):
        return [s for v in rec for s in _strings(v)]
    return []


def index_files(
    paths: Iterable[str | Path], char_n: int = 20, word_n: int = 13, min_overlaps: int = 1
) -> OverlapIndex:
    """An :class:`OverlapIndex` of every evaluation file's texts, labelled by file path."""
    idx = OverlapIndex(char_n, word_n, min_overlaps)
    for p in paths:
        for t in read_eval_texts(p):
            idx.add(t, str(p))
    return idx


def sample_text(s: Sample) -> str:
    """The text of a sample compared for overlap: instruction, input and output."""
    return "\n".join(x for x in (s.instruction, s.input, s.output) if x)


def drop_contaminated(
    ws: Workspace, by_split: dict[str, list[Sample]], skipped: Counter[str]
) -> dict[str, list[Sample]]:
    """Export hook: training samples overlapping a validation/test sample or an ``eval.contamination_files``
    text are dropped (``corpus.decontam.action: drop``, counted in ``skipped["contaminated"]``) or kept with
    the reason ``contaminated`` added (``flag``); each is logged with what it overlaps."""
    d = ws.config.corpus.decontam
    if not d.enabled or "train" not in by_split:
        return by_split
    idx = index_files(
        [ws.root / f for f in ws.config.eval.contamination_files], d.char_ngram, d.word_ngram, d.min_overlaps
    )
    for split, samples in by_split.items():
        if split != "train":
            for s in samples:
                idx.add(sample_text(s), f"{split}:{s.sample_id}")
    if not idx.grams:  # nothing held out: no training sample can overlap (and none is read)
        return by_split
    hits = {h.item: h for h in idx.scan((s.sample_id, sample_text(s)) for s in by_split["train"])}
    if not hits:
        return by_split
    for h in hits.values():
        log.info("export: train sample %s shares %d n-grams with %s", h.item, h.overlaps, h.held_out)
    log.warning("export: %d training samples overlap held-out text (%s)", len(hits), d.action)
    if d.action == "flag":
        for s in by_split["train"]:
            if s.sample_id in hits and "contaminated" not in s.reasons:
                s.reasons.append("contaminated")
        return by_split
    skipped["contaminated"] += len(hits)
    out = dict(by_split)
    out["train"] = [s for s in by_split["train"] if s.sample_id not in hits]
    if not out["train"]:
        del out["train"]
    return out
