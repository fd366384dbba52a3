"""Find the passage spans that support an answer (shared n-grams), as segments a template can escape.

The passage is split into ``(text, highlighted)`` segments covering it exactly; templates render each
segment as escaped text (inside ``<mark>`` when highlighted), so document text is never treated as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


@dataclass(slots=True)
class Highlight:
    """The passage cut into segments, and how much of the answer the passage supports.

    Attributes:
        segments: ``(text, highlighted)`` pairs whose texts concatenate to the passage.
        coverage: share of the answer's tokens that lie in an n-gram also found in the passage (0..1).
    """

    segments: list[tuple[str, bool]] = field(default_factory=list)
    coverage: float = 0.0

    @property
    def marked(self) -> list[str]:
        """The highlighted texts, in passage order."""
        return [t for t, hl in self.segments if hl]


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens (one per CJK character, else runs of word characters) as ``(start, end, lowercased)``."""
    return [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]


def _ngram_size(answer_tokens: list[tuple[int, int, str]], n: int) -> int:
    cjk = sum(1 for t in answer_tokens if len(t[2]) == 1 and re.match(f"[{_CJK}]", t[2]))
    size = n + 1 if cjk * 2 > len(answer_tokens) else n
    return min(size, len(answer_tokens))


def _cover(seq: list[str], grams: set[tuple[str, ...]], k: int) -> list[bool]:
    covered = [False] * len(seq)
    for i in range(len(seq) - k + 1):
        if tuple(seq[i : i + k]) in grams:
            for j in range(i, i + k):
                covered[j] = True
    return covered


def highlight(answer: str, passage: str, n: int = 3) -> Highlight:
    """Mark every passage span made of n-grams that also occur in the answer.

    Args:
        answer: the sample's answer (or any text to look for).
        passage: the source chunk text.
        n: n-gram length in words; CJK answers use ``n + 1`` characters. Short answers use their length.
    """
    ptoks, atoks = tokens(passage), tokens(answer)
    k = _ngram_size(atoks, n)
    if k == 0 or not ptoks:
        return Highlight([(passage, False)] if passage else [], 0.0)
    pnorm, anorm = [t[2] for t in ptoks], [t[2] for t in atoks]
    agrams = {tuple(anorm[i : i + k]) for i in range(len(anorm) - k + 1)}
    pgrams = {tuple(pnorm[i : i + k]) for i in range(len(pnorm) - k + 1)}
    pcov = _cover(pnorm, agrams, k)
    acov = _cover(anorm, pgrams, k)
    segments: list[tuple[str, bool]] = []
    pos, i = 0, 0
    while i < len(ptoks):
        if not pcov[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(ptoks) and pcov[j + 1]:
            j += 1
        start, end = ptoks[i][0], ptoks[j][1]
        if start > pos:
            segments.append((passage[pos:start], False))
        segments.append((passage[start:end], True))
        pos, i = end, j + 1
    if pos < len(passage):
        segments.append((passage[pos:], False))
    return Highlight(segments, sum(acov) / len(acov))


def evidence_segments(passage: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``passage`` at the verified evidence spans (``Sample.evidence`` start/end in this chunk).

    Spans out of range are clipped, overlapping ones merged; ``[]`` when no span lies in the passage.
    """
    clipped = sorted((max(0, s), min(len(passage), e)) for s, e in spans if min(len(passage), e) > max(0, s))
    merged: list[list[int]] = []
    for s, e in clipped:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not merged:
        return []
    segments: list[tuple[str, bool]] = []
    pos = 0
    for s, e in merged:
        if s > pos:
            segments.append((passage[pos:s], False))
        segments.append((passage[s:e], True))
        pos = e
    if pos < len(passage):
        segments.append((passage[pos:], False))
    return segments
