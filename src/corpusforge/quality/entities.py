"""Names an answer mentions that must also occur in its source: Latin names, titles, Chinese proper nouns."""

from __future__ import annotations

import re
from functools import lru_cache

from corpusforge.quality.text import JoinedGrams, detect_lang, ngram_set, ngrams, squashed, unit_tuple

#: a source: its text, or (context, question) standing for ``context + "\n" + question``
Source = str | tuple[str, str]

_TITLE_RE = re.compile(r"[《「『“\"]([^《》「」『』“”\"]{2,40})[》」』”\"]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9&+\-']*[A-Za-z0-9]|[A-Z]")
_NAME_RUN_RE = re.compile(r"[A-Z][A-Za-z0-9&+\-']*(?: [A-Z][A-Za-z0-9&+\-']*)*")
_SENT_START_RE = re.compile(r"(^|[.!?:;。！？\n]\s*)$")
_COMMON_EN = set(
    """a an the this that these those it its he she they we you i yes no not in on at to of for from by
with as and or but if when while after before because so then there here what which who whom whose where why how
all some any each every many most more few one two three first second also however therefore thus since during
about above below between into over under again our your their his her my is are was were be been do does did
can could may might must shall should will would has have had according based""".split()
)
_CLAUSE_RE = re.compile(r"[，,。！？!?；;：:、\n]+")
_ZH_NAME_TAGS = {"nr", "nt", "nz", "nrt", "nrfg"}  # persons, organisations, other proper nouns


def _zh_names(text: str) -> list[str]:
    """Person, organisation and place names by jieba's POS tags, two characters or more.

    Places (``ns``) need three characters: jieba tags common two-character words (美丽, 海滨) as places.
    """
    try:
        import jieba
        import jieba.posseg as pseg
    except ImportError:  # pragma: no cover - jieba is a core dependency
        return []
    jieba.setLogLevel(60)
    return [
        w.word
        for w in pseg.cut(text)
        if (w.flag in _ZH_NAME_TAGS and len(w.word) >= 2) or (w.flag == "ns" and len(w.word) >= 3)
    ]


@lru_cache(maxsize=4096)
def _clause_names(clause: str) -> tuple[str, ...]:
    """:func:`_zh_names` of one clause (cached: the same answer is checked against several sources).

    jieba tags each run of CJK characters, letters and digits on its own, and ``，`` ends such a run, so
    the names of clauses joined by ``，`` are those of each clause in turn."""
    return tuple(_zh_names(clause))


def _unsupported_clause_list(answer: str, source: Source) -> list[str]:
    """The clauses of an answer holding a character pair the source lacks (only they can hold new names)."""
    clauses = _CLAUSE_RE.split(answer)
    if isinstance(source, str):
        have = ngram_set(source, 2)
        return [c for c in clauses if not have.issuperset(ngrams(unit_tuple(c), 2))]
    joined = JoinedGrams(*source, 2)
    return [c for c in clauses if joined.lacks_any(ngrams(unit_tuple(c), 2))]


def answer_entities(answer: str, *, zh_names: bool = True, source: Source | None = None) -> list[str]:
    """Entities in an answer worth checking against the source, in order of appearance, de-duplicated.

    With ``source``, Chinese names are only looked for in clauses the source does not fully contain
    (jieba's tagger is the slow part of the gate).
    """
    ents: list[str] = [m.group(1).strip() for m in _TITLE_RE.finditer(answer)]
    lang = detect_lang(answer)
    for m in (_NAME_RUN_RE if lang == "en" else _LATIN_WORD_RE).finditer(answer):
        w = m.group(0)
        if lang == "en" and " " in w and w.split()[0].lower() in _COMMON_EN:
            w = w.split(" ", 1)[1]  # "The Qingxi Utility" -> "Qingxi Utility"
        if lang == "en":
            # in English: capitalised words and acronyms; at a sentence start, not the common words
            # a lone capitalised word starting a sentence ("Very hard", "Pour ...") is no name
            starts = _SENT_START_RE.search(answer[: m.start()])
            if (
                not w[0].isupper()
                or len(w) == 1
                or (starts and (w.lower() in _COMMON_EN or (" " not in w and not w.isupper())))
            ):
                continue
        elif len(w) < 2:
            continue
        ents.append(w)
    if zh_names and lang == "zh":
        if source is None:
            ents.extend(_zh_names(answer))
        else:  # the names of the clauses joined by "，" (see _clause_names)
            for clause in _unsupported_clause_list(answer, source):
                ents.extend(_clause_names(clause))
    return list(dict.fromkeys(ents))


def invented_entities(answer: str, source: Source, *, zh_names: bool = True) -> tuple[list[str], int]:
    """Entities of the answer not found in the source, and how many entities the answer has."""
    # normalize(a + "\n" + b) with whitespace removed is the same of a, then of b: the join is inert
    src = squashed(source) if isinstance(source, str) else squashed(source[0]) + squashed(source[1])
    ents = answer_entities(answer, zh_names=zh_names, source=source)
    bad = [e for e in ents if squashed(e) not in src]
    return bad, len(ents)
