"""Answer type vs question type, for :mod:`.relevance`: 谁/who wants a name, 多少/几/how many a number,
何时/哪一年/when a date, 哪里/where a place (other questions: any answer; a cause for 为什么 and a short
name for 别名 were measured and did not help).

:func:`type_score` is 1.0 when the answer is of the kind asked for (or the kind is open), lower otherwise.
Patterns match the NFKC-normalised, lower-cased question and answer. A Chinese numeral counts as a number
only before a measure word (「两个」, not 「两广」), and 朝代 questions are open (北宋 is no date).
"""

from __future__ import annotations

import re
from functools import lru_cache

_Q_YEAR = re.compile(r"哪一年|哪年|何年|年份|\bwhat year\b|\bwhich year\b|\bin what year\b")
_Q_DATE = re.compile(
    r"何时|什么时候|什么时间|几时|哪一年|哪年|何年|哪一天|哪天|几月|几号|年份|日期"
    r"|\bwhen\b|what year|which year|what date"
)
_Q_NUM = re.compile(
    r"多少|(?<!哪)几(?!乎)|多大|多长|多高|多远|多重|多久|多深|多宽|数量|比例|百分之"
    r"|\bhow (?:many|much|long|old|far|tall|big)\b"
)
_Q_WHO = re.compile(r"谁|哪位|什么人|何人|哪个人|哪些人|\bwho\b|\bwhom\b")
_Q_WHERE = re.compile(
    r"哪里|哪儿|(?<!如)何处|什么地方|在哪(?![部个本首种位家所条座些类一])|哪个国家|哪国|哪个城市|哪座城市"
    r"|哪个省|哪些国家|哪个地区|哪些地区|地理位置|\bwhere\b"
)

_CN_NUM = "一二三四五六七八九十百千万亿两零〇"
_MEASURE = "个位名人只条座次年月日号岁种项件部本天米里元倍层届股成分秒周代所家间台辆匹头张首篇场期"
_NUMBER = re.compile(rf"[0-9]|[{_CN_NUM}]+\s*[{_MEASURE}]")
_YEAR = re.compile(r"[0-9一二三四五六七八九十〇零]+\s*(?:年|世纪)|年代|\b1[0-9]{3}\b|\b20[0-9]{2}\b")
_DATE = re.compile(
    r"[0-9一二三四五六七八九十〇零]+\s*(?:年|月|日|号|世纪|年代)|\b1[5-9][0-9]{2}\b|\b20[0-9]{2}\b"
    r"|[0-9]{1,2}:[0-9]{2}|上午|下午|早上|晚上|凌晨|平日|周末|星期|每[天日周月年]"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
)
_PLACE = re.compile(
    r"[省市县区镇村州国洲岛山河湖海路街港城岸湾]|地区|半岛|大陆|台湾|香港|澳门|中国|美国|日本|亚|非洲|欧"
    r"|\b(?:in|at)\b"
)

KINDS = (
    ("date", _Q_DATE),
    ("number", _Q_NUM),
    ("who", _Q_WHO),
    ("where", _Q_WHERE),
)


@lru_cache(maxsize=1024)
def question_type(question: str) -> str:
    """``date``, ``number``, ``who``, ``where`` or ``other`` (cached: a sample's relevance is scored twice)."""
    q = (question or "").lower()
    return next((kind for kind, pat in KINDS if pat.search(q)), "other")


def _short_number(a: str) -> bool:
    """A short answer that is a number or a date (「1.601 km²」, 「1987年」)."""
    return len(a) <= 12 and bool(_NUMBER.search(a) or _DATE.search(a))


def type_score(question: str, answer: str) -> float:
    """1.0 when the answer is of the kind the question asks for (or the kind is open), lower otherwise."""
    kind = question_type(question)
    a = (answer or "").lower()
    if kind == "date":
        if _Q_YEAR.search((question or "").lower()):
            return 1.0 if _YEAR.search(a) else (0.3 if _NUMBER.search(a) else 0.1)
        return 1.0 if _DATE.search(a) else (0.5 if _NUMBER.search(a) else 0.1)
    if kind == "number":
        return 1.0 if _NUMBER.search(a) else 0.2
    if kind == "who":
        return 0.3 if _short_number(a) else 1.0
    if kind == "where":
        return 1.0 if _PLACE.search(a) else (0.3 if _short_number(a) else 0.7)
    return 1.0
