"""Text that is implausible for any language: the signs of fonts without a ToUnicode map.

Without a ToUnicode map PyMuPDF reports raw glyph codes. For simple fonts these come out as ASCII
punctuation soup (``!"#$%&'()*+,``) or Latin-1 supplement symbols mixed with control characters
(``þ\\x17T\\x14用»pJb``); for CID fonts as characters scattered over a dozen unrelated scripts (Cyrillic,
Hangul Jamo, Thaana, Limbu, Gujarati ...) on one page. Real text uses one or two scripts, few symbols.
"""

from __future__ import annotations

import re
import unicodedata

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
_RUNS = re.compile(r"(\S)(?:[ \t]*\1){2,}")  # dot leaders (also spaced), rules of dashes: not soup
_LATIN1_SYMBOL = re.compile(r"[\x80-\xbf\xd7\xf7]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

MIN_CHARS = 20  # shorter texts say too little to judge


def _block(cp: int) -> int:
    """A coarse script key: the 128-code-point row, except CJK/Hangul/PUA, folded into one key each."""
    return cp >> 7


def soup_reason(text: str) -> str:
    """Why ``text`` looks like unmapped glyph codes, or ``""`` when it looks like language.

    Three signs: ASCII punctuation outnumbering letters, Latin-1 symbols or control characters making
    up a tenth of the text, or letters spread over many scripts that no real page mixes.
    """
    chars = [c for c in _RUNS.sub("", text) if not c.isspace()]
    n = len(chars)
    if n < MIN_CHARS:
        return ""
    punct = sum(1 for c in chars if c.isascii() and not c.isalnum())
    if punct / n > 0.4:
        return f"ASCII punctuation soup ({punct} of {n} characters), font without ToUnicode map?"
    odd = sum(1 for c in chars if _LATIN1_SYMBOL.match(c) or _CONTROL.match(c))
    if odd / n > 0.08 and odd >= 5:
        return f"Latin-1 symbols/control characters ({odd} of {n}), font without ToUnicode map?"
    stray: dict[int, int] = {}
    for c in chars:
        cp = ord(c)
        if cp < 0x80 or any(lo <= cp <= hi for lo, hi in _COMMON) or not unicodedata.category(c)[0] == "L":
            continue
        stray[_block(cp)] = stray.get(_block(cp), 0) + 1
    total = sum(stray.values())
    if len(stray) >= 4 and total / n > 0.05:
        return f"letters from {len(stray)} unrelated scripts ({total} of {n}), font without ToUnicode map?"
    return ""
