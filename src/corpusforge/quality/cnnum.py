"""Chinese numerals: their values (三十五 -> 35, 一九九八 -> 1998) and rewriting them as Arabic digits."""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_RE = re.compile("[零〇○一二两三四五六七八九十百千万亿]{1,12}")
_MEASURE_RE = re.compile(
    "[个年月日天次人名家座条项位小分秒元万亿千百种类层期届批台辆吨米倍成声遍处所间份张本部级号周岁圈]"
)


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


def cn_numerals(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of the Chinese numerals in a text.

    A lone 一/六 is usually part of a word (统一, 周六), so it counts only before a measure word.
    """
    out = []
    for m in _CN_RE.finditer(text):
        if len(m.group(0)) == 1 and not _MEASURE_RE.match(text, m.end()):
            continue
        v = cn_to_int(m.group(0))
        if v is not None and (v > 0 or m.group(0)[0] in "零〇○"):  # 千万 in 千万不要 is no number
            out.append((m.start(), m.end(), v))
    return out


def arabize(text: str) -> str:
    """The text with Chinese numerals written in Arabic digits (``三十五个`` -> ``35个``)."""
    spans = cn_numerals(text)
    if not spans:
        return text
    parts, last = [], 0
    for a, b, v in spans:
        parts += [text[last:a], str(v)]
        last = b
    return "".join(parts) + text[last:]
