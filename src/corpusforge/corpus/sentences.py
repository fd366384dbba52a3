"""Sentence boundaries for Chinese (。！？；…) and English (. ! ? ; with common abbreviations)."""

from __future__ import annotations

import re

_CLOSERS = "”’」』\"')）】》"
_END = re.compile(rf"(?:[。！？!?；]+|…+|\.{{3,}}|[.;](?=[\s{_CLOSERS}]|$))[{re.escape(_CLOSERS)}]*")
_CLAUSE = re.compile(r"[，、,:：]")
_ABBREV = {
    "e.g",
    "i.e",
    "al",
    "fig",
    "figs",
    "eq",
    "eqs",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "no",
    "vs",
    "pp",
    "p",
    "vol",
    "etc",
    "cf",
    "st",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "sec",
    "ch",
    "approx",
    "dept",
    "u.s",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "tab",
    "ref",
    "refs",
}
_LAST_WORD = re.compile(r"([\w.]+)\.$")


def _is_abbrev(text: str, dot: int) -> bool:
    m = _LAST_WORD.search(text[max(0, dot - 12) : dot + 1])
    if not m:
        return False
    w = m.group(1).lower()
    return w in _ABBREV or (len(w) == 1 and w.isalpha())


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, shifted by ``offset``; whitespace between them is left out.

    Every non-space character belongs to exactly one span; a text without an ending mark is one sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbrev(text, m.start()):
            continue
        _add(spans, text, start, end, offset)
        start = end
    _add(spans, text, start, len(text), offset)
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int, offset: int) -> None:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    if end - trail > start + lead:
        spans.append((offset + start + lead, offset + end - trail))


def split_clauses(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of the clauses of one sentence, cut after commas and colons (for sentences over the limit)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE.finditer(text):
        _add(spans, text, start, m.end(), offset)
        start = m.end()
    _add(spans, text, start, len(text), offset)
    return spans
