"""Relevance: does the answer (with its evidence) answer *this* question? A score in [0, 1], apart from
grounding (which only asks whether the answer's words are in the source).

Two cheap signals, no gold answer position needed:

* alignment: the share of the question's content units found around the answer in the evidence
  (or in the context, in a window around where the answer occurs);
* answer type: 谁/who wants a name, 多少/几/how many a number, 何时/哪一年/when a date, 哪里/where a place;
  an answer of the wrong kind is penalised.
"""

from __future__ import annotations

import re

from corpusforge.quality.text import units

_STOP = set("的了是在和与及或吗呢吧啊什么哪谁何几多少怎样如为这那个些有被把对从到上下中")
_STOP |= {"what", "which", "who", "when", "where", "how", "many", "much", "the", "a", "an", "of", "is"}
_STOP |= {"are", "was", "were", "do", "does", "did", "in", "on", "to", "for", "by", "and", "or", "why"}

_Q_NUM = re.compile(r"多少|几|how many|how much|多大|多长|多高|多远|多重|数量|比例|百分之")
_Q_DATE = re.compile(r"何时|什么时候|哪一年|哪年|哪一天|哪天|几月|几号|when\b|what year|which year")
_Q_WHO = re.compile(r"谁|哪位|什么人|\bwho\b|\bwhom\b")
_Q_WHERE = re.compile(r"哪里|哪儿|何处|什么地方|where\b")
_DIGIT = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿两零〇]")
_DATE = re.compile(
    r"[0-9０-９一二三四五六七八九十〇零]+\s*(?:年|月|日|号|世纪|年代)|\b1[5-9][0-9]{2}\b|\b20[0-9]{2}\b"
)
_PLACE = re.compile(r"[省市县区镇村州国洲岛山河湖海路街港城]|\b(?:in|at)\b")


def question_type(question: str) -> str:
    """``date``, ``number``, ``who``, ``where`` or ``other``."""
    q = (question or "").lower()
    if _Q_DATE.search(q):
        return "date"
    if _Q_NUM.search(q):
        return "number"
    if _Q_WHO.search(q):
        return "who"
    if _Q_WHERE.search(q):
        return "where"
    return "other"


def type_score(question: str, answer: str) -> float:
    """1.0 when the answer is of the kind the question asks for (or the kind is open), lower otherwise."""
    kind = question_type(question)
    a = answer or ""
    if kind == "date":
        return 1.0 if _DATE.search(a) else (0.5 if _DIGIT.search(a) else 0.1)
    if kind == "number":
        return 1.0 if _DIGIT.search(a) else 0.2
    if kind == "who":
        return 0.3 if _DATE.search(a) or (_DIGIT.search(a) and len(a) < 12) else 1.0
    if kind == "where":
        return 1.0 if _PLACE.search(a) else (0.3 if _DATE.search(a) else 0.7)
    return 1.0


def _grams(text: str) -> set[str]:
    u = units(text)
    return set(u) | {u[i] + u[i + 1] for i in range(len(u) - 1)}


def alignment(question: str, answer: str, context: str, window: int = 15) -> float:
    """Share of the question's content units and unit bigrams in the text around (and including) the
    answer's place in ``context``.

    Args:
        question: the question.
        answer: the answer (or the quote) whose surroundings are compared with the question.
        context: the evidence quote, or the chunk text.
        window: characters either side of the answer that count as its surroundings.
    """
    want = {g for g in _grams(question) if g not in _STOP}
    if not want:
        return 1.0
    at = context.find(answer.strip()) if answer.strip() else -1
    if at < 0:
        near = context
    else:
        near = context[max(0, at - window) : at + len(answer) + window]
    have = _grams(near)
    return len(want & have) / len(want)


def relevance(question: str, answer: str, context: str, judge: float | None = None) -> float:
    """Score in [0, 1] that ``answer`` answers ``question`` (``judge`` blended in when given).

    Args:
        question: the question.
        answer: the answer.
        context: where to look for the answer's surroundings: the chunk (or the evidence quote).
        judge: the judge's verdict in [0, 1], when ``quality.judge`` is on.
    """
    score = alignment(question, answer, context) * type_score(question, answer)
    if judge is not None:
        score = 0.5 * score + 0.5 * judge
    return round(max(0.0, min(1.0, score)), 4)
