"""Is a page's text layer usable? Detects empty layers and garbage from broken font mappings.

Broken ToUnicode maps show up as the same wrong character repeated (``佛佛佛``, ``釉釉釉``), as runs of
characters from the rare CJK extension blocks, or as replacement/private-use/control characters; missing
ones as symbol soup (:mod:`~corpusforge.ingest.garble`) or letters no language fits (:mod:`~corpusforge.ingest.lang`).
All checks are one pass over the text, so they cost little next to PyMuPDF's own extraction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from corpusforge.ingest.garble import (
    ASCII_LETTER,
    BAD,
    CJK,
    FLAGS,
    HAN,
    HAN_KANA_HANGUL,
    RARE,
    code_points,
    soup_reason,
)
from corpusforge.ingest.lang import unplaced_reason

# A letter (not digit, punctuation or space) repeated 3+ times, or a whole line that is one CJK char doubled.
_LETTER = re.compile(r"[^\W\d_]")
_DOUBLE_LINE = re.compile(r"^\s*([\u4e00-\u9fff])\1\s*$", re.M)
# Replacement/private-use/control characters (BAD), CJK (U+3400-9FFF, F900-FAFF, 20000-3134F) and its rare
# extension blocks (RARE: U+3400-4DBF, F900-FAFF, 20000-3134F) are classes of garble.FLAGS.

MIN_CHARS = 8  # on a page with images, fewer non-space characters than this counts as no text layer


@dataclass(slots=True)
class Verdict:
    """Outcome of the check: ``ok``, ``empty`` (no text layer) or ``garbage``; ``reason`` says why."""

    quality: str
    reason: str = ""


def check_text(text: str, has_images: bool = False) -> Verdict:
    """Classify one page's extracted text.

    Args:
        text: the page's text layer.
        has_images: the page shows images, so a few stray characters over a scan still count as empty.
    """
    points = code_points(text)
    cps, kind = points
    letters = int(np.count_nonzero(kind == 0))  # non-whitespace characters
    if letters == 0 or (has_images and letters < MIN_CHARS):
        return Verdict("empty", f"no text layer ({letters} characters)")
    flags = FLAGS[np.minimum(cps, 0x10000)]
    bad = int(np.count_nonzero(flags & BAD))
    if bad / letters > 0.1:
        return Verdict("garbage", f"{bad} replacement/private-use/control characters of {letters}")
    junk = letter_runs(text, cps) + 2 * _double_lines(text, cps, flags)
    if junk >= 6 and junk / letters > 0.05:
        return Verdict("garbage", f"repeated junk characters ({junk} of {letters}), broken font mapping?")
    astral = int(np.count_nonzero((cps >= 0x20000) & (cps <= 0x3134F))) if cps.max() > 0xFFFF else 0
    cjk = int(np.count_nonzero(flags & CJK)) + astral  # the code points of _CJK
    rare = int(np.count_nonzero(flags & RARE)) + astral if cjk else 0
    if rare >= 2 and rare / cjk > 0.2:
        return Verdict(
            "garbage", f"{rare} of {cjk} CJK characters from rare extension blocks, broken font mapping?"
        )
    head = flags[:20000]
    latin = int(np.count_nonzero(head & ASCII_LETTER))
    soup = soup_reason(text, points, flags) or unplaced_reason(
        text, (latin, int(np.count_nonzero(head & HAN_KANA_HANGUL)))
    )
    if soup:
        return Verdict("garbage", soup)
    return Verdict("ok")


def _double_lines(text: str, cps: Any, flags: Any) -> int:
    """Lines that are one Han character doubled (``_DOUBLE_LINE``): the regular expression runs only on a
    text with two same Han characters in a row, which every such line has."""
    if cps.size < 2 or not ((cps[1:] == cps[:-1]) & ((flags[1:] & HAN) != 0)).any():
        return 0
    return len(_DOUBLE_LINE.findall(text))


def letter_runs(text: str, cps: Any = None) -> int:
    """Characters in runs of one letter repeated 3+ times (``佛佛佛``; not ``...``, ``000`` or spaces).

    The runs are found on the code points as a numpy array (a regular expression with a back reference
    cost a fifth of ``get_text()``); only the few runs found are tested for being letters.
    """
    if cps is None:
        cps = code_points(text)[0]
    if cps.size < 3:
        return 0
    same = cps[1:] == cps[:-1]
    if not (same[1:] & same[:-1]).any():
        return 0
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    lengths = np.diff(np.append(starts, cps.size))
    long = lengths >= 3
    return sum(
        int(n) for at, n in zip(starts[long], lengths[long], strict=True) if _LETTER.match(chr(cps[at]))
    )
