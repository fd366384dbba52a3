"""The gate's caches and fast paths change no result: cold and warm caches, and each shortcut against the
plain computation it stands for."""

import unicodedata

from corpusforge.generate.tasks import TASKS
from corpusforge.quality import entities, patterns, qtypes, text
from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate

CONTEXT = (
    "青溪市自来水公司成立于一九八七年，由张三创办，总部位于青溪市东湖区。公司在职员工1,246人，"
    "日供水能力35万立方米。2019年，公司与Nexon合作建设了智能水表系统。"
)
CASES = [
    ("青溪市自来水公司成立于哪一年？", "一九八七年"),
    ("谁创办了青溪市自来水公司？", "根据材料，李四和王五创办了青溪市自来水公司，总部在北京。"),
    ("公司有多少员工？", "公司在职员工1,246人，日供水能力三十五万立方米。"),
    ("公司与谁合作？", "与Nexon和腾讯合作，建设了智能水表系统；负责人是赵六。"),
    ("What does the passage say about pumping?", "The pumps are replaced every 11 months by the crews."),
]


def _clear() -> None:
    for f in (
        text.normalize,
        text.unit_tuple,
        text.ngram_set,
        text.squashed,
        text.detect_lang,
        patterns.strip_lead_in,
        entities._clause_names,
        qtypes.question_type,
    ):
        f.cache_clear()
    text._STEMS.clear()


def _run() -> list:
    gate = QualityGate(QualityConfig(), tasks=TASKS)
    out = []
    for q, a in CASES:
        v = gate.score(q, a, CONTEXT)
        out.append((v.verdict, v.grounding, v.reasons, v.scores, v.relevance))
    return out


def test_cold_and_warm_caches_give_the_same_verdicts():
    _clear()
    cold = _run()
    warm = _run()
    _clear()
    assert cold == warm == _run()


def test_names_per_clause_are_the_names_of_the_joined_clauses():
    for _, a in CASES:
        clauses = [c for c in entities._CLAUSE_RE.split(a) if c]
        entities._clause_names.cache_clear()
        per = [w for c in clauses for w in entities._clause_names(c)]
        assert per == entities._zh_names("，".join(clauses))
        assert per == [w for c in clauses for w in entities._clause_names(c)]  # warm


def test_ascii_fast_paths_match_the_general_ones():
    for t in ["The Elm 0 pumps, 1,234 m3 per hour; it's replaced.", "", "12,345.50 and 3.5", "NASA's ..."]:
        general = unicodedata.normalize("NFKC", t).lower()
        general = text._THOUSANDS_RE.sub("", general)
        assert text.normalize(t) == general
        assert text._ASCII_UNIT_RE.findall(general) == text.UNIT_RE.findall(general)
        _clear()
        assert text.unit_tuple(t) == text.unit_tuple.__wrapped__(t)  # stems cold, then warm
    assert text.detect_lang("1,246") == "" and text.detect_lang("Water, 3 m") == "en"


def test_ngrams_are_the_slices():
    seq = text.units("东湖水厂 has 25万 m3 and more words here")
    for n in range(0, 8):
        assert text.ngrams(seq, n) == [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]
        assert text.ngrams(tuple(seq), n) == text.ngrams(seq, n)
