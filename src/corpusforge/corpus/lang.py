"""Language of a paragraph, judged by lingua; short paragraphs take their neighbours' language.

Chinese text mixed with English terms (``Qwen2模型在MMLU上``) is judged by its dominant script: lingua
returns Chinese for it; Han text without kana or hangul that lingua calls Japanese is taken as Chinese.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from typing import Any

from corpusforge.corpus.normalize import count_han, count_letters

log = logging.getLogger(__name__)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")


# Languages the detector chooses among (plus the configured ones): widely written languages only, so that
# English reference lists or name lists are not taken for Welsh, Latin or Tagalog.
COMMON = (
    "en",
    "zh",
    "ja",
    "ko",
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "ru",
    "nl",
    "ar",
    "vi",
    "tr",
    "pl",
    "id",
    "sv",
    "hi",
    "th",
    "uk",
    "cs",
    "el",
    "he",
    "fa",
)


@functools.lru_cache(maxsize=4)
def _detector(extra: tuple[str, ...] = ()) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = []
    for c in dict.fromkeys(COMMON + extra):
        code = getattr(IsoCode639_1, c.upper(), None)
        if code is None:
            log.warning("language %r is not known to lingua; ignored", c)
        else:
            codes.append(code)
    # Low-accuracy mode (trigram models): fast and small, accurate on paragraph-length text.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def letters(text: str) -> int:
    """Letters in ``text``, a Han character counting as three (it carries about a word's information)."""
    return count_letters(text) + 2 * count_han(text)


# Han text without kana or hangul whose letters are at least this share Han is Chinese without asking lingua:
# lingua can only answer Chinese or Japanese for it, and Japanese without kana is taken as Chinese below
# (checked against lingua on every paragraph of the fixture novels and on Chinese mixed with English words:
# it agreed on all of them down to a share of 0.5).
SURE_HAN = 0.8


def detect(text: str, among: tuple[str, ...] = ()) -> str:
    """ISO 639-1 code of the language of ``text`` ('' when undetermined).

    Args:
        text: the text.
        among: languages to consider besides :data:`COMMON` (e.g. the configured ones).
    """
    return _detect(text, among, count_han(text), count_letters(text))


def _detect(text: str, among: tuple[str, ...], han: int, n_letters: int) -> str:
    if han and han >= SURE_HAN * n_letters and not _KANA_HANGUL.search(text):
        return "zh"
    det = _detector(tuple(sorted(among)))
    lang = det.detect_language_of(text)
    code = lang.iso_code_639_1.name.lower() if lang else ""
    if code and among and code not in among:
        # Doubtful verdicts (names, references, mixed text): prefer a wanted language that is nearly as likely.
        conf = {
            c.language.iso_code_639_1.name.lower(): c.value
            for c in det.compute_language_confidence_values(text)
        }
        best = max(among, key=lambda a: conf.get(a, 0.0))
        if conf.get(best, 0.0) >= 0.5 * conf.get(code, 1.0):
            code = best
    if code in ("", "ja") and han and han >= 0.5 * n_letters and not _KANA_HANGUL.search(text):
        return "zh"
    return code


def assign_languages(
    texts: list[str],
    min_letters: int = 40,
    among: tuple[str, ...] = (),
    headings: list[bool] | None = None,
    fallback: str = "",
) -> list[str]:
    """Language of each paragraph of a document.

    Paragraphs with at least ``min_letters`` letters are judged one by one; headings and shorter ones (names,
    dates, greetings, table cells) take the language of the nearest judged paragraph before them, else after
    them, else ``fallback`` (the language ingest found for the document), else that of the whole text.
    """
    heads = headings or [False] * len(texts)
    judged: list[str | None] = []
    for t, h in zip(texts, heads, strict=True):
        han, n = count_han(t), count_letters(t)
        judged.append(_detect(t, among, han, n) if n + 2 * han >= min_letters and not h else None)
    if all(j is None for j in judged):
        whole = "\n".join(texts)
        lang = fallback or detect(whole, among)
        return [lang] * len(texts)
    out: list[str] = []
    last: str | None = None
    for j in judged:
        if j is not None:
            last = j
        out.append(last if last is not None else "")
    nxt = next(j for j in judged if j is not None)
    return [o or nxt for o in out]


def majority(langs: list[str], weights: list[int]) -> str:
    """The language covering most characters."""
    c: Counter[str] = Counter()
    for lang, w in zip(langs, weights, strict=True):
        c[lang] += w
    return c.most_common(1)[0][0] if c else ""
