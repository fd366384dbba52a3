"""Numbers for the consistency check, including Chinese numerals in the source (三十五 -> 35, 一九九八 -> 1998)."""

from __future__ import annotations

import re

from corpusforge.quality.text import canonical_number, ngram_set, numbers, units

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_RE = re.compile("[零〇○一二两三四五六七八九十百千万亿]{1,12}")
_ENUM_RE = re.compile(r"(?m)(^\s*|(?<=\s))[(（]?[0-9]{1,2}(?:[.:](?![0-9])|[)、）])\s*")


def cn_to_int(s: str) -> int | None:
    """Value of a Chinese numeral (``二十一`` -> 21, ``一九九八`` -> 1998), or None when it is not one."""
    if all(c in _DIGITS for c in s):
        return int("".join(str(_DIGITS[c]) for c in s)) if len(s) > 1 else _DIGITS[s]
    total, section, digit = 0, 0, None
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[c]
            digit = None
        elif c in _BIG:
            section += digit or 0
            total += section * _BIG[c]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def source_numbers(text: str) -> set[str]:
    """Canonical numbers a source states: Arabic ones, Chinese numerals, and 3.5万 style scaled forms."""
    out = {canonical_number(n) for n in numbers(text)}
    for m in _CN_RE.finditer(text):
        v = cn_to_int(m.group(0))
        if v is not None:
            out.add(str(v))
    for m in re.finditer(r"([0-9]+(?:\.[0-9]+)?)\s*(万|亿)", text):
        v = float(m.group(1)) * _BIG[m.group(2)]
        out.add(canonical_number(f"{v:.4f}"))
    return out


def invented_numbers(answer: str, source: str) -> tuple[list[str], int]:
    """Numbers in the answer that the source does not state, and how many numbers the answer has."""
    found = numbers(_ENUM_RE.sub(" ", answer))
    have = source_numbers(source)
    bad = [n for n in dict.fromkeys(found) if canonical_number(n) not in have]
    return bad, len(set(found))


def misplaced_numbers(answer: str, source: str) -> list[str]:
    """Numbers the source states, but never next to the words around them in the answer.

    A number counts as in place when one 3-unit window of the answer holding it (the number with a
    neighbour or two) occurs in the source: ``2017年9月`` is misplaced in a source that says
    ``2017年4月`` and ``9月`` elsewhere.
    """
    seq = units(_ENUM_RE.sub(" ", answer))
    if len(seq) < 2:
        return []
    have3, have2 = ngram_set(source, 3), ngram_set(source, 2)
    out = []
    for i, u in enumerate(seq):
        if not u[0].isdigit():
            continue
        wins = [tuple(seq[j:j + 3]) for j in range(max(0, i - 2), i + 1) if j + 3 <= len(seq)]
        if not wins:  # answer of two units: the pair itself
            wins2 = [tuple(seq[j:j + 2]) for j in range(max(0, i - 1), i + 1) if j + 2 <= len(seq)]
            if any(w in have2 for w in wins2):
                continue
        elif any(w in have3 for w in wins):
            continue
        out.append(u)
    return list(dict.fromkeys(out))
