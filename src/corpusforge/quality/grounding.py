"""Grounding: how well an answer is supported by its source chunk(s).

The score combines a lexical part (the share of the answer's unit 1/2/3-grams that occur in the source:
character n-grams for Chinese, word n-grams for English) with a consistency part (numbers and names in
the answer must occur in the source). Framing such as 「根据材料，」 is removed first, and words the answer
repeats from the question count as neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from corpusforge.quality.entities import invented_entities
from corpusforge.quality.numbers import invented_numbers, misplaced_numbers
from corpusforge.quality.patterns import strip_lead_in
from corpusforge.quality.text import ngram_set, ngrams, unit_tuple

NGRAM_WEIGHTS = {1: 0.4, 2: 0.4, 3: 0.2}
MISPLACED_PENALTY = 0.5


@dataclass(slots=True)
class Grounding:
    """The parts of a grounding score.

    Attributes:
        score: combined score in [0, 1].
        lexical: n-gram support of the answer by the source.
        invented_numbers: numbers in the answer the source does not state.
        misplaced_numbers: numbers the source states, but not next to the answer's words around them.
        invented_entities: names in the answer the source does not mention.
    """

    score: float
    lexical: float
    n_numbers: int = 0
    invented_numbers: list[str] = field(default_factory=list)
    misplaced_numbers: list[str] = field(default_factory=list)
    n_entities: int = 0
    invented_entities: list[str] = field(default_factory=list)


def _join(context: str | Sequence[str]) -> str:
    return context if isinstance(context, str) else "\n".join(context)


def lexical_support(answer: str, context: str, question: str = "") -> float:
    """Weighted share of the answer's unit 1-, 2- and 3-grams found in the context (or the question)."""
    seq = unit_tuple(strip_lead_in(answer))
    if not seq:
        return 0.0
    total, weight = 0.0, 0.0
    for n, w in NGRAM_WEIGHTS.items():
        grams = ngrams(seq, n)
        if not grams:
            continue
        have = ngram_set(context, n)
        # n-grams only from the question are neutral: neither support nor invention
        missing = [g for g in grams if g not in have]
        found = len(grams) - len(missing)
        if question and missing:
            asked = ngram_set(question, n)
            counted = found + sum(g not in asked for g in missing)
        else:
            counted = len(grams)
        if not counted:
            continue
        total += w * found / counted
        weight += w
    return total / weight if weight else 0.0


def grounding_details(
    answer: str,
    context: str | Sequence[str],
    question: str = "",
    *,
    check_numbers: bool = True,
    check_entities: bool = True,
    zh_names: bool = True,
    allow_derived: bool = False,
) -> Grounding:
    """Score an answer against its source and list the numbers and names it invents.

    Args:
        allow_derived: numbers computed from two source numbers are not invented (reasoning tasks).
    """
    ctx = _join(context)
    lex = lexical_support(answer, ctx, question)
    g = Grounding(score=lex, lexical=lex)
    factor = 1.0
    if check_numbers:
        g.invented_numbers, g.n_numbers = invented_numbers(
            answer, (ctx, question), allow_derived=allow_derived
        )
        if g.n_numbers:
            factor *= (1 - len(g.invented_numbers) / g.n_numbers) ** 2
            g.misplaced_numbers = [n for n in misplaced_numbers(answer, ctx) if n not in g.invented_numbers]
            factor *= 1 - MISPLACED_PENALTY * min(1.0, len(g.misplaced_numbers) / g.n_numbers)
    if check_entities:
        g.invented_entities, g.n_entities = invented_entities(answer, (ctx, question), zh_names=zh_names)
        if g.n_entities:
            factor *= 1 - 0.5 * len(g.invented_entities) / g.n_entities
    g.score = round(lex * factor, 4)
    return g


def grounding_score(answer: str, context: str | Sequence[str]) -> float:
    """Grounding of ``answer`` in ``context`` (a chunk text or a list of them), in [0, 1]."""
    return grounding_details(answer, context).score
