"""Paragraph and page filters. Each returns a reason when it drops something, else None; the pipeline counts
every reason (and records the dropped text in the store) so the user can see why something went.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from corpusforge.corpus.config import FilterConfig
from corpusforge.corpus.layout import Para
from corpusforge.corpus.normalize import count_han, count_letters, count_spaces

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,:/]\d+)*%?")

ParaFilter = Callable[[Para], "str | None"]


def symbol_ratio(text: str) -> float:
    """Share of non-letter units among all units: letters count one each, as do punctuation marks and
    symbols, while a whole number (``96.2%``, ``2,000``) counts as one unit, so numbers in prose do not
    make it look like a table."""
    # = 1 - letters / len(text with each number as one character and no whitespace), counted in place:
    # numbers and whitespace hold no letters
    n = len(text) - count_spaces(text) - sum(m.end() - m.start() - 1 for m in _NUMBER.finditer(text))
    if not n:
        return 1.0
    return 1.0 - count_letters(text) / n


def repeated_ngram_ratio(text: str, n_chars: int = 6, n_words: int = 3) -> float:
    """Share of n-grams that repeat an earlier n-gram of the same text (characters for Chinese, else words)."""
    if count_han(text) >= 0.3 * max(1, len(text)):
        s = _SPACES.sub("", text)
        m = len(s) - n_chars + 1
        if m < 10:
            return 0.0
        return 1.0 - len({s[i : i + n_chars] for i in range(m)}) / m
    words = _WORD.findall(text.lower())
    grams = [" ".join(words[i : i + n_words]) for i in range(len(words) - n_words + 1)]
    if len(grams) < 10:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def repeated_line_ratio(lines: list[str]) -> float:
    """Share of a page's non-empty lines that repeat an earlier line of the page (pages of 10+ lines only;
    on shorter pages repeats are left to paragraph de-duplication, which keeps one copy)."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if len(body) < 10:
        return 0.0
    return sum(c - 1 for c in Counter(body).values()) / len(body)


def build_filters(cfg: FilterConfig, languages: list[str]) -> list[tuple[str, ParaFilter]]:
    """The paragraph filters in the order they run, as (name, filter)."""
    patterns = [re.compile(p) for p in cfg.boilerplate]
    keep = {x.lower() for x in languages}

    def boilerplate(p: Para) -> str | None:
        if len(p.text) <= cfg.boilerplate_max_chars and any(r.search(p.text) for r in patterns):
            return "boilerplate"
        return None

    def min_length(p: Para) -> str | None:
        return "too_short" if len(p.text) < cfg.min_chars else None

    def symbols(p: Para) -> str | None:
        return "symbol_ratio" if symbol_ratio(p.text) > cfg.max_symbol_ratio else None

    def repetition(p: Para) -> str | None:
        r = repeated_ngram_ratio(p.text, cfg.ngram_chars, cfg.ngram_words)
        return "repeated_ngrams" if r > cfg.max_repeated_ngram_ratio else None

    def language(p: Para) -> str | None:
        if not keep or p.lang in keep:
            return None
        return f"language:{p.lang or 'unknown'}"

    return [
        ("boilerplate", boilerplate),
        ("min_length", min_length),
        ("symbol_ratio", symbols),
        ("repeated_ngrams", repetition),
        ("language", language),
    ]
