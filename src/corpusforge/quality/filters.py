"""Filters of the quality gate. Each looks at one sample and returns a reason string, or None.

A reason is ``name`` or ``name:detail`` (``store.reason_counts`` counts by ``name``). A new filter is one
function plus one line in :data:`FILTERS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from corpusforge.quality.config import QualityConfig
from corpusforge.quality.patterns import find_leak, find_refusal, strip_lead_in
from corpusforge.quality.text import detect_lang, ngrams, unit_tuple

Filter = Callable[[str, str, str, QualityConfig], "str | None"]

_TERMINAL = set("。！？!?.…」』”\"')）]】*`|~>；;") | set("0123456789")
_DANGLING = set("，,、：:；;（([【{「『“-—")
_DANGLING_WORD_RE = re.compile(
    r"\b(the|a|an|and|or|of|to|in|at|on|for|with|by|from|is|are|was|were|that)$", re.IGNORECASE
)
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
    au, qu = unit_tuple(strip_lead_in(a)), set(unit_tuple(q))
    if not au or not qu:
        return None
    novelty = sum(u not in qu for u in au) / len(au)
    # a short span of the question ("富国银行" for 「旧富国银行后来改名为什么？」) can be the answer
    restated = len(set(au) & qu) / len(qu)
    return "repeats_question" if novelty < cfg.repeat_question_novelty and restated >= 0.5 else None


def repeated_share(seq: Sequence[str], n: int) -> float:
    """Share of units inside repeats: occurrences of an n-gram after its first (overlaps counted once)."""
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(seq)
    for i, g in enumerate(ngrams(seq, n)):
        if g in seen:
            covered[i : i + n] = [True] * n
        seen.add(g)
    return sum(covered) / len(seq) if seq else 0.0


@lru_cache(maxsize=8)
def _copies_re(copies: int) -> re.Pattern[str]:
    """Up to 40 units (one character each) repeated back to back ``copies`` times."""
    return re.compile(r"(.{1,40})" + r"\1" * (copies - 1), re.DOTALL)


def tandem_repeat(seq: Sequence[str], copies: int = 3, min_units: int = 8) -> tuple[str, ...] | None:
    """A phrase repeated back to back at least ``copies`` times (spanning ``min_units`` or more), or None."""
    n = len(seq)
    ids = {u: chr(i) for i, u in enumerate(dict.fromkeys(seq))}
    coded = "".join(map(ids.__getitem__, seq))  # one character per distinct unit
    if not _copies_re(copies).search(coded):  # no repeat at all (most texts): the slow scan cannot find one
        return None
    for p in range(1, min(n // copies, 40) + 1):
        i = 0
        while i + p * copies <= n:
            k = 1
            while i + (k + 1) * p <= n and seq[i + k * p : i + (k + 1) * p] == seq[i : i + p]:
                k += 1
            if k >= copies and k * p >= min_units:
                return tuple(seq[i : i + p])
            i += max(1, (k - 1) * p) if k > 1 else 1
    return None


def repetition(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Runaway repetition: the same phrase looping.

    A phrase repeated back to back three times or more, repeats of 8-character (Chinese) or 5-word sequences cover more than ``cfg.repetition_ratio`` of
    the answer, or one short phrase (4 units) occurs five times or more. Names recurring a few times,
    as in normal prose, stay below both.
    """
    seq = unit_tuple(a)
    loop = tandem_repeat(seq)
    if loop:
        return f"repetition:{_show(loop)}"
    if len(seq) < 12:
        return None
    fours = ngrams(seq, 4)
    if len(set(fours)) <= len(fours) - 4:  # else no 4-gram occurs five times
        top, top_n = Counter(fours).most_common(1)[0]
        if top_n >= 5 and top_n * 4 / len(seq) >= 0.25:
            return f"repetition:{_show(top)}"
    if len(seq) < 30:
        return None
    n = 8 if detect_lang(a) in ("zh", "ja") else 5
    if repeated_share(seq, n) > cfg.repetition_ratio:
        grams = Counter(ngrams(seq, n)).most_common(1)[0][0]
        return f"repetition:{_show(grams)}"
    return None


def _show(gram: tuple[str, ...]) -> str:
    """A unit n-gram as text (words joined by spaces, CJK characters without)."""
    out = ""
    for u in gram:
        out += u if (not out or (len(u) == 1 and not u.isascii()) or not out[-1].isascii()) else " " + u
    return out[:30]


def refusal(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Refusals and assistant boilerplate ("As an AI…", 「作为一个AI」)."""
    hit = find_refusal(a)
    return f"refusal:{hit[:20]}" if hit else None


def prompt_leak(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Pieces of the prompt in the answer: the passage header, a ``---`` separator, a new "Question:"."""
    hit = find_leak(a)
    return f"prompt_leak:{hit[:20]}" if hit else None


def language(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """Question, answer and source in different languages (``language_mismatch:zh/en``)."""
    if not cfg.check_language:
        return None
    src = detect_lang(ctx)
    if not src:
        return None
    for text in (a, q):
        lang = detect_lang(text)
        # answers made only of numbers or a short Latin name carry no language
        words = [u for u in unit_tuple(text) if not u[0].isdigit()]
        if lang and lang != src and len(words) >= 3:
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
    n = len(unit_tuple(text))
    # short extractive answers ("4分钟", "Nexon") need no full stop; sentences do
    sentences = len(re.findall(r"[。！？!?]|\.(\s|$)", text))
    clauses = bool(re.search(r"[，,；;]", text))
    long = 10 if detect_lang(text) == "en" else 25
    if last not in _TERMINAL and (n >= long or sentences >= 1 or (n >= 12 and clauses)):
        return "unfinished"
    if n >= 4 and _DANGLING_WORD_RE.search(text):
        return "unfinished"
    return None


_QUESTION_RE = re.compile(
    r"[?？]\s*$|[吗呢]\s*[。.]?$|什么|多少|哪|谁|几|怎|如何|为何|为什么|是否|能否|有没有|请|说明|描述|列出|列举|介绍|解释|概括|比较"
    r"|^\s*(what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|should|will|would"
    r"|has|have|describe|explain|list|name|give|summari[sz]e|compare|tell|state|identify|outline)\b",
    re.IGNORECASE,
)


def not_a_question(q: str, a: str, ctx: str, cfg: QualityConfig) -> str | None:
    """The question of a Q&A sample is no question or request (「熏水公司」, "2022", "The water is too soft.")."""
    return None if _QUESTION_RE.search(q.strip()) else "not_a_question"


def question_reasons(q: str, ctx: str, cfg: QualityConfig) -> list[str]:
    """Checks of the question itself (Q&A tasks): a question at all, about the source, not looping."""
    from corpusforge.quality.grounding import lexical_support

    out = [r for r in (not_a_question(q, "", ctx, cfg), repetition("", q, ctx, cfg)) if r]
    out = [f"repetition:question:{r.split(':', 1)[1]}" if r.startswith("repetition:") else r for r in out]
    support = lexical_support(q, ctx)
    if support < cfg.question_min_support:
        out.append(f"question_off_source:{support:.2f}")
    return out


FILTERS: dict[str, Filter] = {
    "length": length,
    "refusal": refusal,
    "prompt_leak": prompt_leak,
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
