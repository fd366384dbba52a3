"""Filters of the quality gate. Each looks at one sample and returns a reason string, or None.

A reason is ``name`` or ``name:detail`` (``store.reason_counts`` counts by ``name``). A new filter is one
function plus one line in :data:`FILTERS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from corpusforge.quality.config import QualityConfig
from corpusforge.quality.patterns import find_refusal, strip_lead_in
from corpusforge.quality.text import detect_lang, ngrams, units

Filter = Callable[[str, str, str, QualityConfig], "str | None"]

_TERMINAL = set("。！？!?.…」』”\"')）]】*`|~>；;") | set("0123456789")
_DANGLING = set("，,、：:；;（([【{「『“-—")
_PAIRS = {"(": ")", "[": "]", "{": "}", "（": "）", "【": "】", "「": "」", "『": "』", "《": "》"}
_ENUM_PAREN_RE = re.compile(r"(?m)(^|\s|[：:，,；;])[(（]?[0-9a-zA-Z一二三四五六七八九十]{1,2}[)）]")


def length(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Empty, too short or too long answers."""
    text = a.strip()
    if not text:
        return "empty_answer"
    if len(text) < cfg.min_answer_chars:
        return f"too_short:{len(text)}"
    if len(text) > cfg.max_answer_chars:
        return f"too_long:{len(text)}"
    return None


def repeats_question(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """The answer says (almost) nothing the question did not already say."""
    au, qu = units(strip_lead_in(a)), set(units(q))
    if not au or not qu:
        return None
    novelty = sum(u not in qu for u in au) / len(au)
    return "repeats_question" if novelty < cfg.repeat_question_novelty else None


def repetition(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Runaway repetition: the same phrase looping (share of units inside repeated 4-grams)."""
    seq = units(a)
    n = 4
    if len(seq) < 3 * n:
        return None
    grams = ngrams(seq, n)
    counts = Counter(grams)
    covered = [False] * len(seq)
    for i, g in enumerate(grams):
        if counts[g] > 1:
            for j in range(i, i + n):
                covered[j] = True
    ratio = sum(covered) / len(seq)
    if ratio <= cfg.repetition_ratio:
        return None
    top = " ".join(counts.most_common(1)[0][0]) if counts else ""
    return f"repetition:{top[:20]}"


def refusal(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Refusals and assistant boilerplate ("As an AI…", 「作为一个AI」)."""
    hit = find_refusal(a)
    return f"refusal:{hit[:20]}" if hit else None


def language(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Question, answer and source in different languages (``language_mismatch:zh/en``)."""
    if not cfg.check_language:
        return None
    src = detect_lang(ctx)
    al = detect_lang(a)
    ql = detect_lang(q)
    if not src:
        return None
    for lang in (al, ql):
        # answers made only of numbers or short Latin names carry no language
        if lang and lang != src and len(units(a if lang is al else q)) >= 3:
            return f"language_mismatch:{src}/{lang}"
    return None


def brackets(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Unbalanced brackets (Markdown, JSON) or an unclosed code fence."""
    if a.count("```") % 2:
        return "unbalanced_brackets:```"
    text = _ENUM_PAREN_RE.sub(" ", a)
    closing = {v: k for k, v in _PAIRS.items()}
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in closing:
            if not stack or stack[-1] != closing[ch]:
                return f"unbalanced_brackets:{ch}"
            stack.pop()
    return f"unbalanced_brackets:{stack[-1]}" if stack else None


def unfinished(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """An answer that stops mid-sentence (long answers must end with closing punctuation)."""
    text = a.rstrip()
    if not text:
        return None
    last = text[-1]
    if last in _DANGLING:
        return "unfinished"
    n = len(units(text))
    # short extractive answers ("4分钟", "Nexon") need no full stop; sentences do
    sentences = len(re.findall(r"[。！？!?]|\.(\s|$)", text))
    if last not in _TERMINAL and (n >= 25 or sentences >= 1):
        return "unfinished"
    return None


FILTERS: dict[str, Filter] = {
    "length": length,
    "refusal": refusal,
    "repeats_question": repeats_question,
    "repetition": repetition,
    "language": language,
    "brackets": brackets,
    "unfinished": unfinished,
}


def run_filters(question: str, answer: str, context: str, cfg: QualityConfig) -> list[str]:
    """Reasons from every filter (an empty answer stops after the length filter)."""
    reasons = []
    for name, f in FILTERS.items():
        r = f(question, answer, context, cfg)
        if r:
            reasons.append(r)
            if name == "length" and r == "empty_answer":
                break
    return reasons
