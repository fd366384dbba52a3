"""Text helpers shared by the gate: normalisation, units (CJK characters + Latin words), language, numbers.

A *unit* is one CJK character or one Latin/digit word, so the same n-gram code gives character n-grams for
Chinese and word n-grams for English (and both for mixed text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from corpusforge.quality.cnnum import arabize

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = r"\u3040-\u30ff"
_HANGUL = r"\uac00-\ud7af\u1100-\u11ff"
UNIT_RE = re.compile(
    rf"[{_CJK}]|[{_KANA}]|[{_HANGUL}]+|[0-9]+(?:\.[0-9]+)?|[^\W\d_{_CJK}{_KANA}]+(?:'[a-z]+)?"
)
# UNIT_RE on lower-case ASCII text: only numbers and Latin words can match there
_ASCII_UNIT_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|[a-z]+(?:'[a-z]+)?")
NUMBER_RE = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?![0-9])")
_THOUSANDS_RE = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_CJK_RE = re.compile(f"[{_CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SPACE_RE = re.compile(r"\s+")
_ASCII_LETTER_RE = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), lower case, thousands separators removed (cached:
    the filters, the lead-in, unit and number helpers all normalise the same answer)."""
    text = text or ""
    # ASCII text is NFKC-normal already; no comma, no thousands separator
    text = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).lower()
    return _THOUSANDS_RE.sub("", text) if "," in text else text


_SUFFIX_RE = re.compile(r"(?<=[a-z]{3})(?:ing|ed|es|s)$")


class _Stems(dict[str, str]):
    """Each unit as :func:`unit_tuple` gives it (a Latin word crudely stemmed), memoised per unit."""

    MAX = 200_000  # past this many distinct units, new ones are computed without being kept

    def __missing__(self, u: str) -> str:
        s = _SUFFIX_RE.sub("", u) if len(u) > 4 and u[-1] in "dgs" and u.isascii() else u
        if len(self) < self.MAX:
            self[u] = s
        return s


_STEMS = _Stems()


@lru_cache(maxsize=4096)
def unit_tuple(text: str) -> tuple[str, ...]:
    """:func:`units` as a tuple, cached: every check of a sample reads the units of the same answer,
    question and context (``units(a + "\n" + b)`` is ``units(a) + units(b)``: no unit spans a line break)."""
    t = normalize(text)
    if t.isascii():  # no Chinese numerals, no CJK, no capitals
        return tuple(map(_STEMS.__getitem__, _ASCII_UNIT_RE.findall(t)))
    return tuple(map(_STEMS.__getitem__, UNIT_RE.findall(arabize(t))))


def units(text: str) -> list[str]:
    """The units of normalised ``text``: CJK characters, Latin words (crudely stemmed: ``replacing`` and
    ``replaced`` are both ``replac``) and numbers (Chinese numerals as digits); punctuation dropped."""
    return list(unit_tuple(text))


def ngrams(seq: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The n-grams of a sequence (empty when it is shorter than ``n``)."""
    if n == 1:
        return list(zip(seq))
    if n == 2:
        return list(zip(seq, seq[1:]))
    if n == 3:
        return list(zip(seq, seq[1:], seq[2:]))
    if n > 3:
        return list(zip(*[seq[i:] for i in range(n)]))
    return [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]


@lru_cache(maxsize=1024)
def ngram_set(text: str, n: int) -> frozenset[tuple[str, ...]]:
    """Set of unit n-grams of a text (cached: contexts are scored against many answers)."""
    return frozenset(ngrams(unit_tuple(text), n))


class JoinedGrams:
    """The unit n-grams of ``a + "\n" + b`` (a context and a question) as a membership test, from the
    cached sets of each part and the few n-grams across the join, so the context's set is not rebuilt."""

    __slots__ = ("sets",)

    def __init__(self, a: str, b: str, n: int):
        ua, ub = unit_tuple(a), unit_tuple(b)
        across = frozenset(ngrams(ua[len(ua) - n + 1 :] + ub[: n - 1], n)) if n > 1 else frozenset()
        self.sets = (ngram_set(a, n), ngram_set(b, n), across)

    def __contains__(self, gram: object) -> bool:
        return any(gram in s for s in self.sets)

    def lacks_any(self, grams: Iterable[tuple[str, ...]]) -> bool:
        """Whether one of ``grams`` is not in here (``any(g not in self for g in grams)``)."""
        return bool(set(grams).difference(*self.sets))


@lru_cache(maxsize=1024)
def squashed(text: str) -> str:
    """:func:`normalize`, whitespace removed (cached: the form names are looked up in)."""
    return _SPACE_RE.sub("", normalize(text))


@lru_cache(maxsize=4096)
def detect_lang(text: str) -> str:
    """``zh``, ``ja``, ``ko``, ``en`` (any Latin script) or ``""`` when there are no letters.

    Chinese wins as soon as CJK characters make up a fifth of the letters: Chinese text often carries
    Latin names and units.
    """
    t = text or ""
    if t.isascii():  # NFKC-normal; letters only Latin: English when it has any
        return "en" if _ASCII_LETTER_RE.search(t) else ""
    t = unicodedata.normalize("NFKC", t)
    kana = len(re.findall(f"[{_KANA}]", t))
    hangul = len(re.findall(f"[{_HANGUL}]", t))
    cjk = len(_CJK_RE.findall(t))
    latin = len(_LATIN_RE.findall(t))
    total = kana + hangul + cjk + latin
    if total == 0:
        return ""
    if kana >= max(3, 0.1 * total):
        return "ja"
    if hangul >= 0.2 * total:
        return "ko"
    if cjk >= 0.2 * total or (cjk and latin < 4):
        return "zh"
    return "en"


def numbers(text: str) -> list[str]:
    """Numbers (integers and decimals) in a text, normalised (``１,２３４.50`` -> ``1234.50``)."""
    return NUMBER_RE.findall(normalize(text))


def canonical_number(num: str) -> str:
    """A number without leading zeros or trailing decimal zeros, for comparing ``3.50`` with ``3.5``."""
    if "." in num:
        num = num.rstrip("0").rstrip(".")
    return num.lstrip("0") or "0"


def is_cjk(ch: str) -> bool:
    """Whether one character is a CJK ideograph."""
    return bool(_CJK_RE.fullmatch(ch))
