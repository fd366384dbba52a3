"""Text that is implausible for any language: the signs of fonts without a ToUnicode map.

Without a ToUnicode map PyMuPDF reports raw glyph codes. For simple fonts these come out as ASCII
punctuation soup (``!"#$%&'()*+,``) or Latin-1 supplement symbols mixed with control characters
(``þ\\x17T\\x14用»pJb``); for CID fonts as characters scattered over a dozen unrelated scripts (Cyrillic,
Hangul Jamo, Thaana, Limbu, Gujarati ...) on one page. Real text uses one or two scripts, few symbols.

A font whose glyph codes were handed out in order of use (``a``, ``b``, ``c`` ...) gives plain-looking
letters instead; such a page stands out only against its neighbours: :func:`neighbour_outliers`.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

import numpy as np

from corpusforge.ingest.lang import latin_words

# Blocks a real page in our languages draws its letters from (besides ASCII): Latin-1 and Latin
# Extended-A letters, Greek (formulas), CJK and its punctuation, kana, Hangul syllables, fullwidth forms,
# general punctuation, letterlike symbols, arrows and maths operators, box drawing, enclosed numbers.
_COMMON = (
    (0x00C0, 0x024F),
    (0x0370, 0x03FF),
    (0x2000, 0x22FF),
    (0x2460, 0x25FF),
    (0x3000, 0x30FF),
    (0x3400, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xFF00, 0xFFEF),
)
# Dot leaders (also spaced), rules of dashes: not soup. A run is one visible character 3+ times with at
# most spaces and tabs between (the regular expression ``(\S)(?:[ \t]*\1){2,}``, done on code points).
# Per code point up to U+3000 (the last whitespace character; any above is looked up as U+3001): 1 for
# spaces and tabs, 2 for other whitespace (newlines, U+3000 ...), 0 for visible characters.
_SPACE_KIND = np.array([(1 if c in (0x20, 0x09) else 2) * chr(c).isspace() for c in range(0x3002)], np.uint8)
_NOT_ASCII_PUNCT = bytes(
    c for c in range(256) if not (c < 128 and chr(c).isprintable() and not chr(c).isalnum() and c != 32)
)
_ODD = re.compile(r"[\x80-\xbf\xd7\xf7\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # Latin-1 symbols, controls
# Non-ASCII characters outside the blocks of ``_COMMON``: candidates for stray letters.
_UNCOMMON = re.compile("[^\x00-\x7f" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _COMMON) + "]")

MIN_CHARS = 20  # shorter texts say too little to judge

# One lookup table of character classes for the code points of the BMP (index 0x10000: any code point above
# it), read by ``soup_reason`` and ``quality.check_text`` instead of regular expressions over the text.
BAD, CJK, RARE, HAN, HAN_KANA_HANGUL, ODD, PUNCT, STRAY, ASTRAL, ASCII_LETTER, SURROGATE = (
    1 << i for i in range(11)
)


_FLAG_RANGES = (  # inclusive code point ranges of each class (tests check them against regular expressions)
    (BAD, ((0xFFFD, 0xFFFD), (0xE000, 0xF8FF), (0x00, 0x08), (0x0B, 0x0B), (0x0E, 0x1F))),
    (CJK, ((0x3400, 0x9FFF), (0xF900, 0xFAFF))),
    (RARE, ((0x3400, 0x4DBF), (0xF900, 0xFAFF))),
    (HAN, ((0x4E00, 0x9FFF),)),
    (HAN_KANA_HANGUL, ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x3040, 0x30FF), (0xAC00, 0xD7AF))),
    (ODD, ((0x80, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x00, 0x08), (0x0B, 0x0B), (0x0E, 0x1F), (0x7F, 0x9F))),
    (ASCII_LETTER, ((0x41, 0x5A), (0x61, 0x7A))),
    (SURROGATE, ((0xD800, 0xDFFF),)),
)


def _flag_table() -> Any:
    flags = np.zeros(0x10001, dtype=np.uint16)
    for bit, ranges in _FLAG_RANGES:
        for lo, hi in ranges:
            flags[lo : hi + 1] |= bit
    flags[[c for c in range(128) if c not in _NOT_ASCII_PUNCT]] |= PUNCT
    uncommon = np.ones(0x10000, dtype=bool)  # what _UNCOMMON matches: outside ASCII and _COMMON
    for lo, hi in ((0, 0x7F), *_COMMON):
        uncommon[lo : hi + 1] = False
    flags[[c for c in np.flatnonzero(uncommon).tolist() if chr(c).isalpha()]] |= STRAY
    flags[0x10000] = ASTRAL
    return flags


FLAGS = _flag_table()


def soup_reason(text: str, points: tuple[Any, Any] | None = None, flags: Any = None) -> str:
    """Why ``text`` looks like unmapped glyph codes, or ``""`` when it looks like language (``points``:
    its :func:`code_points`, ``flags``: its code points looked up in ``FLAGS``, when already computed).

    Three signs: ASCII punctuation outnumbering letters, Latin-1 symbols or control characters making
    up a tenth of the text, or letters spread over many scripts that no real page mixes. The counts are
    over the visible characters less their runs (:func:`visible_without_runs`), all read from one lookup
    of their code points in ``FLAGS`` (no regular expression, no string rebuilt: this runs on every page).
    """
    cps, kind = points if points is not None else code_points(text)
    kept = _kept(cps, kind)
    n = int(kept.size)
    if n < MIN_CHARS:
        return ""
    vis = cps[kept]
    flags = FLAGS[np.minimum(vis, 0x10000)] if flags is None else flags[kept]
    punct = int(np.count_nonzero(flags & PUNCT))
    if punct / n > 0.4:
        return f"ASCII punctuation soup ({punct} of {n} characters), font without ToUnicode map?"
    odd = int(np.count_nonzero(flags & ODD))
    if odd / n > 0.08 and odd >= 5:
        return f"Latin-1 symbols/control characters ({odd} of {n}), font without ToUnicode map?"
    stray = vis[(flags & STRAY) != 0]
    if (flags & ASTRAL).any():  # beyond the BMP: every letter there is uncommon
        astral = [int(c) for c in vis[vis > 0xFFFF] if chr(c).isalpha()]
        stray = np.concatenate((stray, np.array(astral, dtype=stray.dtype)))
    total = int(stray.size)
    blocks = int(np.unique(stray >> 7).size) if total else 0  # a coarse script key: the 128-code-point row
    if blocks >= 4 and total / n > 0.05:
        return f"letters from {blocks} unrelated scripts ({total} of {n}), font without ToUnicode map?"
    return ""


def code_points(text: str) -> tuple[Any, Any]:
    """``text`` as numpy arrays of its code points and of their ``_SPACE_KIND``: computed once per page,
    shared by the checks of :func:`~corpusforge.ingest.quality.check_text`."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return cps, _SPACE_KIND[np.minimum(cps, 0x3001)]


def visible_without_runs(text: str, points: tuple[Any, Any] | None = None) -> str:
    """The non-whitespace characters of ``text`` less its runs (see ``_SPACE_KIND``); ``points``: its
    :func:`code_points`, when already computed."""
    cps, kind = points if points is not None else code_points(text)
    return cps[_kept(cps, kind)].tobytes().decode("utf-32-le", "surrogatepass")


def _kept(cps: Any, kind: Any) -> Any:
    """Indices into ``cps`` of the visible characters that are in no run (see ``_SPACE_KIND``)."""
    at = np.flatnonzero(kind == 0)  # visible characters
    if at.size < 3:
        return at
    breaks = np.cumsum(kind == 2)  # newlines and other whitespace so far
    vis = cps[at]
    linked = (vis[1:] == vis[:-1]) & (breaks[at[1:]] == breaks[at[:-1]])  # same char, only spaces between
    if not (linked[1:] & linked[:-1]).any():
        return at
    starts = np.flatnonzero(np.concatenate(([True], ~linked)))  # chains of linked characters
    lengths = np.diff(np.append(starts, vis.size))
    return at[np.repeat(lengths < 3, lengths)]


SCRIPTS = ("han", "kana", "hangul", "latin", "other")
_SCRIPT_RANGES = {  # inclusive code point ranges
    "han": ((0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F)),
    "kana": ((0x3040, 0x30FF),),
    "hangul": ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)),
    "latin": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)),
}
# Every range as [lo, hi + 1) on one sorted axis: np.searchsorted puts a code point in interval k, which
# is range k // 2 when k is odd and no range when even.
_EDGES = sorted((lo, hi + 1, name) for name, ranges in _SCRIPT_RANGES.items() for lo, hi in ranges)
_BOUNDS = np.array([v for lo, end, _ in _EDGES for v in (lo, end)], dtype=np.uint32)
_RANGE_SCRIPT = [name for _, _, name in _EDGES]
LATIN_WEIGHT = 0.25  # a Chinese character carries about as much as four Latin letters
WINDOW = 4  # neighbours on each side
MIN_LETTERS = 100  # pages with fewer letters are neither judged nor used as neighbours
JUMP = 0.6  # share of the script mix that must differ from the neighbours' median
SPREAD = 0.25  # the neighbours must agree among themselves at least this well


def script_mix(text: str) -> dict[str, float] | None:
    """Shares of the letters per script (Latin letters weighted 1/4), or ``None`` for too little text."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    per_range = np.bincount(np.searchsorted(_BOUNDS, cps, side="right"), minlength=_BOUNDS.size + 1)
    counts = dict.fromkeys(SCRIPTS, 0.0)
    for k, name in enumerate(_RANGE_SCRIPT):
        counts[name] += float(per_range[2 * k + 1])
    counts["other"] = max(0.0, sum(map(str.isalpha, text)) - sum(counts.values()))
    if sum(counts.values()) < MIN_LETTERS:
        return None
    counts["latin"] *= LATIN_WEIGHT
    total = sum(counts.values())
    return {name: counts[name] / total for name in SCRIPTS}


def _distance(a: dict[str, float], b: dict[str, float]) -> float:
    return 0.5 * sum(abs(a[s] - b[s]) for s in SCRIPTS)


def _top(mix: dict[str, float]) -> str:
    name = max(SCRIPTS, key=lambda s: mix[s])
    return f"{name} {mix[name]:.0%}"


def _doubt(text: str, mix: dict[str, float]) -> str:
    """Why a page whose script jumped is not real text of its own script, or ``""`` when it may be.

    Only Latin-script pages are judged: real ones (an English abstract in a Chinese paper) have function
    words and normal vowels; letters standing for glyph codes have neither.
    """
    if max(SCRIPTS, key=lambda s: mix[s]) != "latin":
        return ""
    tokens, words, function, vowels = latin_words(text)
    if not tokens or function / tokens >= 0.03:
        return ""
    if vowels < 0.28 or words / tokens < 0.6:
        return f"{function} function words in {tokens} tokens, {vowels:.0%} vowels"
    return ""


def neighbour_outliers(texts: list[str]) -> dict[int, str]:
    """Pages whose script mix jumps away from their neighbours' and whose text reads as no language.

    Args:
        texts: each page's text layer in page order (``""`` for pages not read from a text layer).

    Returns:
        ``{page index: reason}`` for the pages to read again (by OCR).
    """
    mixes = [script_mix(t) for t in texts]
    out: dict[int, str] = {}
    for i, mix in enumerate(mixes):
        if mix is None:
            continue
        span = range(max(0, i - WINDOW), min(len(mixes), i + WINDOW + 1))
        near = [m for j in span if j != i and (m := mixes[j]) is not None]
        if len(near) < 2:
            continue
        median = {s: statistics.median(m[s] for m in near) for s in SCRIPTS}
        if statistics.median(_distance(m, median) for m in near) > SPREAD:
            continue  # the neighbours disagree among themselves: a mixed-language document
        if _distance(mix, median) < JUMP or not (doubt := _doubt(texts[i], mix)):
            continue
        out[i] = (
            f"script mix unlike neighbouring pages {span.start + 1}-{span.stop} ({_top(mix)} vs "
            f"{_top(median)}), {doubt}: font without ToUnicode map?"
        )
    return out
