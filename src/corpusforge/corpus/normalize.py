"""Character-level normalisation: NFKC, full-width to half-width, control characters, whitespace, OpenCC.

Chinese punctuation that NFKC would turn into ASCII (，！？：；（）) is kept full-width when it touches a
CJK character, so Chinese text keeps its own punctuation while full-width Latin letters and digits become
ASCII. Entities, dates, numbers and names are otherwise left as they are.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np

CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014"
_PROTECT = "，！？：；（）"
_KEEP = _PROTECT + "…"  # the ellipsis is kept everywhere (NFKC would make it '...')
_PUA = "".join(chr(0xE000 + i) for i in range(len(_KEEP)))
_TO_PUA = str.maketrans(_KEEP, _PUA)
_PROTECT_RE = re.compile(
    rf"(?<=[{CJK_CHARS}{CJK_PUNCT}])[{_PROTECT}]|(?<=[{CJK_CHARS}{CJK_PUNCT}]\n)[{_PROTECT}]"
    rf"|[{_PROTECT}](?=[{CJK_CHARS}{CJK_PUNCT}])|^[{_PROTECT}]|[{_PROTECT}]$",
    re.MULTILINE,
)
# Format/invisible characters to delete: soft hyphen, zero-width space/joiners, word joiner, BOM, bidi marks.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
)
_INVISIBLE_RE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
# The fast path's stand-ins are Unicode noncharacters (never in interchange text); at the end they and the
# private-use ones (which the text may hold itself) all become the kept characters, as on the slow path.
_STAND = "".join(chr(0xFDD0 + i) for i in range(len(_KEEP)))
_STAND_RE = re.compile(f"[{_STAND}]")
# After every kept character became its stand-in: a protected one with no CJK neighbour and not at a line's
# edge (what _PROTECT_RE does not match) goes back, so that NFKC makes it ASCII.
_CTX = CJK_CHARS + CJK_PUNCT + _STAND
_UNPROTECTED_RE = re.compile(rf"(?<=[^{_CTX}\n])[{_STAND[: len(_PROTECT)]}](?=[^{_CTX}\n])")
_BACK = dict(zip(_STAND, _KEEP, strict=True))
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]")


@functools.lru_cache(maxsize=1)
def _opencc():  # type: ignore[no-untyped-def]
    try:
        from opencc import OpenCC
    except ImportError as e:  # pragma: no cover - the package is a dependency
        raise RuntimeError("corpus.clean.traditional_to_simplified needs opencc-python-reimplemented") from e
    return OpenCC("t2s")


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph, kana or hangul character, or CJK punctuation."""
    o = ord(ch)
    return (
        0x3400 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3000 <= o <= 0x30FF
        or 0xAC00 <= o <= 0xD7AF
        or 0xFF01 <= o <= 0xFF65
        or 0x2018 <= o <= 0x201F
        or o in (0x2026, 0x2014)
    )


def normalize_text(text: str, t2s: bool = False) -> str:
    """Normalise one page of text, keeping its line structure (and leading indentation as spaces).

    Args:
        text: raw page text.
        t2s: convert Traditional to Simplified Chinese with OpenCC.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\u2028", "\n")
    text = _INVISIBLE_RE.sub("", text)
    fast = not _STAND_RE.search(text)
    if fast:  # plain replaces (most kept characters are protected in CJK text), then the few exceptions back
        for k, st in zip(_KEEP, _STAND, strict=True):
            text = text.replace(k, st)
        text = _UNPROTECTED_RE.sub(lambda m: _BACK[m.group(0)], text)
    else:  # the text holds a stand-in itself: the regular expression path
        text = _PROTECT_RE.sub(lambda m: m.group(0).translate(_TO_PUA), text).replace("…", _PUA[-1])
    # Spaces first: NFKC maps each of them to " " anyway and makes none of them, so only the lines with
    # other compatibility characters are normalised (NFKC never joins across a newline).
    text = _SPACE_RE.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = "\n".join(
            ln if unicodedata.is_normalized("NFKC", ln) else unicodedata.normalize("NFKC", ln)
            for ln in text.split("\n")
        )
    for k, pua, st in zip(_KEEP, _PUA, _STAND, strict=True):
        text = text.replace(pua, k)
        if fast:
            text = text.replace(st, k)
    text = _CONTROL_RE.sub("", text)
    if t2s:
        text = _opencc().convert(text)
    return text


def _mask(ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    m = np.zeros(0x10000, dtype=bool)
    for lo, hi in ranges:
        m[lo : hi + 1] = True
    return m


_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_HAN_MASK = _mask(_HAN_RANGES)
_HAN_KANA_MASK = _mask((*_HAN_RANGES, (0x3040, 0x30FF)))


def count_han(text: str, kana: bool = False) -> int:
    """Number of Han characters in ``text`` (and kana when ``kana``), counted over code points with numpy
    (several times faster than ``len(re.findall(...))`` on long text)."""
    if not text:
        return 0
    cps = np.frombuffer(
        text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16
    )  # astral: surrogates, not Han
    return int(np.count_nonzero((_HAN_KANA_MASK if kana else _HAN_MASK)[cps]))


_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=4)
def _class_mask(pattern: str) -> np.ndarray:
    """Code point -> True for the characters the one-character regular expression ``pattern`` matches."""
    cps = np.arange(0x110000, dtype=np.uint32)
    cps = cps[(cps < 0xD800) | (cps > 0xDFFF)]
    every = cps.tobytes().decode("utf-32-le")
    mask = np.zeros(0x110000, dtype=bool)
    for m in re.finditer(f"(?:{pattern})+", every):
        mask[cps[m.start() : m.end()]] = True
    return mask


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


_LETTER = re.compile(r"[^\W\d_]")
_WS = re.compile(r"\s")


def count_letters(text: str) -> int:
    """``len(re.findall(r"[^\\W\\d_]", text))``: letters of any script, by a code point table."""
    if len(text) < 64:
        return len(_LETTER.findall(text))
    return int(np.count_nonzero(_class_mask(_LETTER.pattern)[_codes(text)]))


def count_spaces(text: str) -> int:
    """``len(re.findall(r"\\s", text))``, by a code point table."""
    if len(text) < 64:
        return len(_WS.findall(text))
    return int(np.count_nonzero(_class_mask(_WS.pattern)[_codes(text)]))


def word_chars(text: str, keep_newlines: bool = False) -> str:
    """``text`` without the characters ``[\\W_]`` matches (``re.sub(r"[\\W_]+", "", text)``, by a code point
    table: several times faster on long text); ``keep_newlines``: ``\\n`` stays."""
    if len(text) < 64 and not keep_newlines:
        return _NON_WORD.sub("", text)
    cps = _codes(text)
    return cps[_class_mask(r"[^\W_]|\n" if keep_newlines else r"[^\W_]")[cps]].tobytes().decode("utf-32-le")
