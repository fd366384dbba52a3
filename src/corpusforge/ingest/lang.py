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
_HAN_KANA_HANGUL = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf\u3040-\u30ff\uac00-\ud7af]"
)  # one pass, 3 scripts


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


# Function words of more Latin-script languages than guess_language names: a real page of prose in any of
# them uses some. Glyph codes read as letters (fonts without a ToUnicode map) use none.
_FUNCTION_WORDS = set().union(*_STOPWORDS.values()) | {
    "a", "an", "on", "by", "or", "as", "at", "it", "be", "this", "from", "not", "we", "di", "il", "e",
    "o", "da", "do", "em", "um", "na", "no", "se", "per", "che", "non", "och", "att", "en", "het", "van",
    "een", "op", "i", "w", "z", "ja", "ve", "bir", "và", "của", "là", "các", "y", "un",
    "et", "du", "au", "im", "von", "auf", "sich", "als", "al", "lo", "su", "si", "ce", "qui", "pas",
}  # fmt: skip
_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^\W+|\W+$")
# A word: lower case, Capitalised or ALL CAPS letters, maybe joined by - ' . (e-mail, don't, U.S.).
_WORDLIKE = re.compile(r"(?:[^\W\d_][^\W\d_A-Z]*|[^\W\d_a-z]+)(?:[-'’.][^\W\d_]+)*")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_VOWELS = set("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœăąęėīıōőūůűųơư")
MIN_TOKENS = 40  # fewer letter tokens than this: too short to say no language fits
# ASCII punctuation deleted (from UTF-8 bytes, a C-level pass) before tokens are compared with the function
# words, so real prose leaves unplaced_reason early (a word glued to punctuation inside it is then missed,
# never one invented).
_PUNCT_BYTES = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_FUNCTION_BYTES = frozenset(w.encode() for w in _FUNCTION_WORDS)
_HEAD_BYTES = 4096
_NOT_ASCII_LETTER = bytes(c for c in range(256) if not (65 <= c <= 90 or 97 <= c <= 122))


def latin_words(text: str) -> tuple[int, int, int, float]:
    """(letter tokens, word-shaped tokens, function words, vowel share of letters) of Latin-script text."""
    tokens = [_EDGE.sub("", t) for t in _TOKEN.findall(text[:20000])]
    tokens = [t for t in tokens if _LATIN_LETTER.search(t)]
    words = sum(1 for t in tokens if _WORDLIKE.fullmatch(t))
    function = sum(1 for t in tokens if t.lower() in _FUNCTION_WORDS)
    letters = _LATIN_LETTER.findall(" ".join(tokens).lower())
    vowels = sum(map(_VOWELS.__contains__, letters)) / len(letters) if letters else 0.0
    return len(tokens), words, function, vowels


def unplaced_reason(text: str, counts: tuple[int, int] | None = None) -> str:
    """Why no language fits a long Latin-script ``text``, or ``""`` when one does (or it is not Latin).

    A page of prose in any Latin-script language has function words (``the``, ``de``, ``und``, ...) and
    word-shaped tokens; glyph codes read as letters have neither (``xQ3kZ pL0vNw``). Text in CJK or another
    script, and short text, is not judged here. ``counts``: the ASCII letters and the Han, kana and Hangul
    characters of ``text[:20000]``, when already counted (``quality.check_text`` reads them off its code
    points).
    """
    sample = text[:20000]
    if counts is None:
        latin = len(sample.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER))  # as _LATIN counts
        counts = latin, len(_HAN_KANA_HANGUL.findall(sample)) if latin >= 4 * MIN_TOKENS else 0
    latin, cjk = counts
    if latin < 4 * MIN_TOKENS or cjk * 8 > latin:
        return ""
    data = sample.lower().encode().translate(None, _PUNCT_BYTES)
    # Prose settles it on its first third (1-4 KB): a text of n bytes has at most (n + 1) / 2 tokens, so
    # that many function words there (the last, maybe cut, token left out) already make 2% of all its
    # tokens. Prose is a quarter function words, about one per 24 bytes: a third of the text holds ~8x the
    # 0.01 n needed; text that falls short is judged on all its tokens below (the verdict is the same).
    head = data[: min(_HEAD_BYTES, max(1024, len(data) // 3))].split()[:-1]
    if sum(map(_FUNCTION_BYTES.__contains__, head)) >= 0.02 * (len(data) + 1) / 2:
        return ""
    plain = data.split()
    if sum(map(_FUNCTION_BYTES.__contains__, plain)) >= 0.02 * len(plain):
        return ""  # enough function words among all tokens, so also among the letter tokens below
    tokens, words, function, _ = latin_words(sample)
    if tokens < MIN_TOKENS or function / tokens >= 0.02 or words / tokens >= 0.5:
        return ""
    return (
        f"no language fits: {function} function words and {words} word-shaped tokens of {tokens}, "
        "font without ToUnicode map?"
    )
