"""Relevance: does the answer (with its evidence) answer *this* question? A score in [0, 1], apart from
grounding (which only asks whether the answer's words are in the source).

Cheap signals, no gold answer position needed (see :mod:`.locate` and :mod:`.qtypes`):

* alignment: the answer (or its evidence quote) is located at every place it occurs in the passage; the
  best place scores the IDF weight of the question's words in its sentence (the previous sentence counting
  for ``PREV``, the Markdown heading it is under for ``HEAD``) and their nearness to the answer
  (``DECAY``), relative to the sentence the question matches best. Words of the passage's first sentence
  (its topic, which every question about it names) weigh ``TOPIC``. The answer to another question about
  the same passage sits where this question does not point.
* answer type: 谁/who wants a name, 多少/几/how many a number, 何时/哪一年/when a date, 哪里/where a place;
  an answer of the wrong kind is penalised.

Measured on CMRC 2018 trial (``bench/grounding.py``, right answers vs same-passage wrong answers, split
by passage): ROC AUC 0.956 on the tuning half, 0.951 on the held-out half. Each step measured on the
tuning half: TOPIC 1.0 -> 0.3 +0.009, the stricter answer types +0.003, distance decay instead of an
8-character window +0.002. Measured and left out (no gain there): penalising answers made of the
question's own words (gold answers such as 「富国银行」 to 「旧富国银行后来改名为什么？」 repeat the
question; the ``repeats_question`` filter handles the rest), scoring the question's words inside the
answer less, function words (目前, 主要, ...), a lower weight for single characters, a floor for question
words absent from the passage, and other values of ``NEAR``/``PREV``/``IDF_POWER``.
"""

from __future__ import annotations

from functools import lru_cache

from corpusforge.quality.locate import Passage, anchors, best_sentence, core, grams, passage
from corpusforge.quality.qtypes import question_type, type_score
from corpusforge.quality.text import unit_tuple

__all__ = ["alignment", "question_type", "relevance", "type_score"]

DECAY = 12  # a question word d characters from the answer counts 1 / (1 + d / DECAY) as near it
NEAR = 0.5  # weight of nearness against the whole sentence
PREV = 0.3  # weight of the previous sentence's matches (it often names the subject)
HEAD = 0.8  # weight of the matches of the Markdown heading a sentence is under (an FAQ's question)
TOPIC = 0.3  # weight of a question word the passage's first sentence has (its topic)

_STOP = set("的了是在和与及或吗呢吧啊什么哪谁何几多少怎样如为这那个些有被把对从到上下中")
_STOP |= {"what", "which", "who", "when", "where", "how", "many", "much", "the", "a", "an", "of", "is"}
_STOP |= {"are", "was", "were", "do", "does", "did", "in", "on", "to", "for", "by", "and", "or", "why"}


def _wanted(question: str) -> set[str]:
    """The question's content units and the bigrams of two content units."""
    u = unit_tuple(question)
    keep = {x for x in u if x not in _STOP}
    keep |= {u[i] + u[i + 1] for i in range(len(u) - 1) if u[i] not in _STOP and u[i + 1] not in _STOP}
    return keep


def _weights(p: Passage, want: set[str]) -> dict[str, float]:
    """Weight of each wanted gram: its IDF over the passage's sentences, times ``TOPIC`` when the first
    sentence has it (the passage's topic, which every question about it names)."""
    topic = p.grams[0] if len(p.grams) > 1 else frozenset()
    return {g: p.idf.get(g, p.max_idf) * (TOPIC if g in topic else 1.0) for g in want}


def _around(p: Passage, wt: dict[str, float], hits: list[set[str]], s: int, h: set[str]) -> float:
    """What sentence ``s``'s surroundings add to its matches ``h``: the previous sentence's other matches
    (``PREV``) or, under a Markdown heading, the heading's (``HEAD``), whichever is more."""
    prev = PREV * sum(wt[g] for g in hits[s - 1] - h) if s else 0.0
    j = p.heads[s]
    head = HEAD * sum(wt[g] for g in hits[j] - h) if j >= 0 else 0.0
    return max(prev, head)


def _distance(t: str, g: str, lo: int, hi: int, a: int, b: int) -> int | None:
    """Characters between the span ``a:b`` of ``t`` and the nearest ``g`` within ``lo:hi`` (0 inside the
    span; None when ``g`` is not in ``t`` as written, e.g. an English word bigram)."""
    if t.find(g, a, b) >= 0:
        return 0
    left, right = t.rfind(g, lo, a), t.find(g, b, hi)
    found = ([max(0, a - left - len(g))] if left >= 0 else []) + ([right - b] if right >= 0 else [])
    return min(found) if found else None


def _place_score(p: Passage, wt: dict[str, float], hits: list[set[str]], a: int, b: int) -> float:
    s, e = p.sentence_at(a), p.sentence_at(max(a, b - 1))
    lo, hi = p.starts[s], p.ends[e]
    h = hits[s] if s == e else set(wt) & grams(p.text[lo:hi])
    sent = sum(wt[g] for g in h) + _around(p, wt, hits, s, h)
    near = 0.0
    for g in h:
        d = _distance(p.text, g, lo, hi, a, b)
        if d is not None:
            near += wt[g] / (1 + d / DECAY)
    return (1 - NEAR) * sent + NEAR * near


def alignment(question: str, answer: str, context: str, evidence: str | None = None) -> float:
    """How well the question points at the place of the answer in ``context``, in [0, 1].

    Every occurrence of the answer (or of ``evidence``, when that quote is in the context) is tried; an
    answer found nowhere verbatim is placed in the sentence holding most of its words. The best place is
    divided by the score of the sentence the question matches best. 1.0 when the question has no content
    words or matches no sentence; 0.0 when neither answer nor quote can be placed.

    Args:
        question: the question.
        answer: the answer.
        context: the chunk text.
        evidence: the quote the model gave for its answer, if any.
    """
    asked = _asked(question, context)
    if asked is None:
        return 1.0
    p, wt, hits, top = asked
    spans = (anchors(core(evidence), p.text) if evidence else []) or anchors(core(answer), p.text)
    if not spans:
        where = best_sentence(core(evidence or answer), p)
        if where is None:
            return 0.0
        spans = [where]
    if top <= 0:
        return 1.0
    return min(1.0, max(_place_score(p, wt, hits, a, b) for a, b in spans) / top)


@lru_cache(maxsize=64)
def _asked(question: str, context: str) -> tuple[Passage, dict[str, float], list[set[str]], float] | None:
    """What the question alone makes of the passage: the weights of its words, their matches in each
    sentence and the best sentence's score; None when it has no content words. Cached: the gate scores
    a sample's relevance twice (before and after its quote is looked up)."""
    want = _wanted(question)
    if not want:
        return None
    p = passage(context)
    wt = _weights(p, want)
    hits = [want & g for g in p.grams]
    top = max(sum(wt[g] for g in h) + _around(p, wt, hits, i, h) for i, h in enumerate(hits))
    return p, wt, hits, top


def relevance(
    question: str,
    answer: str,
    context: str,
    judge: float | None = None,
    evidence: str | None = None,
) -> float:
    """Score in [0, 1] that ``answer`` answers ``question`` (``judge`` blended in when given).

    Args:
        question: the question.
        answer: the answer.
        context: the chunk text (several chunks joined).
        judge: the judge's verdict in [0, 1], when ``quality.judge`` is on.
        evidence: the quote the model gave for its answer; the place it is found is scored.
    """
    score = alignment(question, answer, context, evidence) * type_score(question, core(answer))
    if judge is not None:
        score = 0.5 * score + 0.5 * judge
    return round(max(0.0, min(1.0, score)), 4)
