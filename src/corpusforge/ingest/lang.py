"""A cheap language guess for a document (script counts, then stopwords for Latin-script text)."""

from __future__ import annotations

import re

_STOPWORDS = {
    "en": {"the", "and", "of", "to", "is", "in", "that", "for", "with", "are"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "pour", "que"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "zu"},
    "es": {"el", "los", "las", "del", "que", "una", "por", "para", "con", "es"},
}
_WORD = re.compile(r"[a-zà-ÿ]+")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z]")


def guess_language(text: str) -> str:
    """ISO 639-1 code (``zh``, ``ja``, ``ko``, ``en``, ``fr``, ``de``, ``es``) or '' when there is no text."""
    sample = text[:20000]
    han, kana = len(_HAN.findall(sample)), len(_KANA.findall(sample))
    hangul, latin = len(_HANGUL.findall(sample)), len(_LATIN.findall(sample))
    if not (han or kana or hangul or latin):
        return ""
    if hangul > max(han, kana) and hangul * 2 > latin / 4:
        return "ko"
    if kana > 0.1 * (han + kana) and kana * 2 > latin / 4:
        return "ja"
    if han * 2 > latin / 4:  # a Chinese character carries about as much as a 4-letter word
        return "zh"
    words = _WORD.findall(sample.lower())
    scores = {code: sum(1 for w in words if w in stop) for code, stop in _STOPWORDS.items()}
    return max(scores, key=lambda c: scores[c]) if any(scores.values()) else "en"
