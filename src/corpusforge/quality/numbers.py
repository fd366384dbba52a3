"""Numbers for the consistency check: numbers in an answer must be stated by its source."""

from __future__ import annotations

import re
from collections.abc import Set
from functools import lru_cache

from corpusforge.quality.cnnum import _BIG, cn_numerals
from corpusforge.quality.patterns import strip_lead_in
from corpusforge.quality.text import canonical_number, ngram_set, numbers, unit_tuple

_ENUM_RE = re.compile(r"(?m)(^\s*|(?<=\s))[(（]?[0-9]{1,2}(?:[.:](?![0-9])|[)、）])\s*")


_SCALED_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(万|亿)")
_ENDS_DIGIT_RE = re.compile(r"[0-9]\s*$")
_STARTS_SCALE_RE = re.compile(r"\s*[万亿]")


@lru_cache(maxsize=1024)
def source_numbers(text: str) -> frozenset[str]:
    """Canonical numbers a source states: Arabic ones, Chinese numerals, and 3.5万 style scaled forms
    (cached: a context is the source of many answers)."""
    out = {canonical_number(n) for n in numbers(text)}
    if text.isascii():  # no Chinese numerals, no 万 or 亿
        return frozenset(out)
    out |= {str(v) for _, _, v in cn_numerals(text)}
    for m in _SCALED_RE.finditer(text):
        v = float(m.group(1)) * _BIG[m.group(2)]
        out.add(canonical_number(f"{v:.4f}"))
    return frozenset(out)


def stated_numbers(source: str | tuple[str, str]) -> frozenset[str]:
    """:func:`source_numbers` of a text, or of ``context + "\n" + question`` given as the pair: the union
    of both parts' (cached) numbers, unless a scaled number (``3\n万``) straddles the join."""
    if isinstance(source, str):
        return source_numbers(source)
    a, b = source
    if _ENDS_DIGIT_RE.search(a) and _STARTS_SCALE_RE.match(b):
        return source_numbers(a + "\n" + b)
    return source_numbers(a) | source_numbers(b)


def derived(num: str, have: Set[str], limit: int = 80) -> bool:
    """Whether a number is the sum, difference, product, ratio or percentage of two source numbers."""
    try:
        target = float(num)
        vals = sorted({float(h) for h in have})[:limit]
    except ValueError:
        return False
    tol = max(1e-6, abs(target) * 0.005)  # rounding in the answer
    for i, a in enumerate(vals):
        for b in vals[i:]:
            results = [a + b, abs(a - b), a * b]
            if a:
                results += [b / a, b / a * 100]
            if b:
                results += [a / b, a / b * 100]
            if any(abs(r - target) <= tol for r in results):
                return True
    return False


def invented_numbers(
    answer: str, source: str | tuple[str, str], *, allow_derived: bool = False
) -> tuple[list[str], int]:
    """Numbers in the answer that the source does not state, and how many numbers the answer has.

    Args:
        allow_derived: numbers computed from two source numbers (``25万 + 18万 = 43万``) count as stated;
            for reasoning tasks that do arithmetic.
    """
    found = numbers(_ENUM_RE.sub(" ", answer))
    # Chinese numerals of two characters or more (三十, 一九八七) are checked too
    if not answer.isascii():
        found += [str(v) for a, b, v in cn_numerals(answer) if b - a >= 2]
    have = stated_numbers(source)
    bad = [n for n in dict.fromkeys(found) if canonical_number(n) not in have]
    if allow_derived:
        bad = [n for n in bad if not derived(n, have)]
    return bad, len(set(found))


def misplaced_numbers(answer: str, source: str) -> list[str]:
    """Numbers the source states, but never next to the words around them in the answer.

    A number counts as in place when one 3-unit window of the answer holding it (the number with a
    neighbour or two) occurs in the source: ``2017年9月`` is misplaced in a source that says
    ``2017年4月`` and ``9月`` elsewhere.
    """
    seq = unit_tuple(_ENUM_RE.sub(" ", strip_lead_in(answer)))
    if len(seq) < 2:
        return []
    have3, have2 = ngram_set(source, 3), ngram_set(source, 2)
    out = []
    for i, u in enumerate(seq):
        # long numbers (phone numbers, ids, amounts) name one thing wherever they stand
        if not u[0].isdigit() or len(u.replace(".", "")) > 4:
            continue
        wins = [tuple(seq[j : j + 3]) for j in range(max(0, i - 2), i + 1) if j + 3 <= len(seq)]
        if not wins:  # answer of two units: the pair itself
            wins2 = [tuple(seq[j : j + 2]) for j in range(max(0, i - 1), i + 1) if j + 2 <= len(seq)]
            if any(w in have2 for w in wins2):
                continue
        elif any(w in have3 for w in wins):
            continue
        out.append(u)
    return list(dict.fromkeys(out))
