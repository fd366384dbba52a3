"""Question de-duplication: exact and near matches, scopes, and the best-grounded copy kept."""

import pytest

from corpusforge.quality.config import QualityConfig
from corpusforge.quality.dedup import DiskQuestionIndex, QuestionIndex, normalize_question
from corpusforge.quality.gate import QualityGate

CTX = "青溪市自来水公司成立于1987年3月12日，负责中心城区的供水。服务热线为966123。"


def test_normalize_question():
    assert normalize_question("公司 什么时候成立？") == normalize_question("公司什么时候成立?")
    assert normalize_question("What is the HOTLINE?") == "whathotline"
    assert normalize_question("公司是什么时候成立的？") == "公司什么时候成立"


INDEXES = pytest.mark.parametrize("make", [QuestionIndex, DiskQuestionIndex], ids=["memory", "disk"])


@INDEXES
def test_index_exact_and_near(make):
    idx = make(0.7)
    idx.add("a", "青溪市自来水公司是什么时候成立的？", 0.9)
    assert "a" in idx and idx.grounding("a") == 0.9 and len(idx) == 1
    assert idx.find("青溪市自来水公司是什么时候成立的?")[0] == "a"
    assert idx.find("青溪市自来水公司是在什么时候成立的？")[0] == "a"
    assert idx.find("青溪市自来水公司的服务热线是多少？") is None
    idx.remove("a")
    assert idx.find("青溪市自来水公司是什么时候成立的？") is None and "a" not in idx
    # a key added again replaces what was kept under it
    idx.add("b", "服务热线是多少？", 0.5)
    idx.add("b", "青溪市自来水公司是什么时候成立的？", 0.6)
    assert idx.find("服务热线是多少？") is None and idx.find("青溪市自来水公司是什么时候成立的")[0] == "b"
    assert len(idx) == 1 and idx.grounding("b") == 0.6


@INDEXES
def test_index_scopes_are_separate(make):
    idx = make(0.7)
    idx.add("a", "服务热线是多少？", 1.0, scope="doc1")
    assert idx.find("服务热线是多少？", scope="doc2") is None
    assert idx.find("服务热线是多少？", scope="doc1")[0] == "a"


def test_gate_drops_later_worse_duplicate():
    gate = QualityGate(QualityConfig())
    v1 = gate.check("公司什么时候成立？", "公司成立于1987年3月12日。", CTX, key="s1")
    v2 = gate.check("公司是什么时候成立的？", "1987年。", CTX, key="s2")
    assert v1.verdict == "passed"
    assert v2.verdict == "dropped" and "duplicate_question:s1" in v2.reasons


def test_gate_keeps_better_grounded_duplicate():
    gate = QualityGate(QualityConfig())
    v1 = gate.check("服务热线是多少？", "服务热线电话为966123。", CTX, key="s1", scope="d")
    v2 = gate.check("服务热线是多少?", "服务热线为966123。", CTX, key="s2", scope="d")
    assert v1.verdict == "passed" and v1.grounding < v2.grounding
    assert "duplicate_question:s1" not in v2.reasons and v2.verdict == "passed"
    assert gate.superseded == [("s1", "s2")]
    # the replaced one is forgotten: a third copy is a duplicate of s2
    assert "duplicate_question:s2" in gate.check("服务热线是多少", "966123", CTX, key="s3").reasons


def test_dropped_sample_is_not_remembered():
    gate = QualityGate(QualityConfig())
    assert gate.check("服务热线是多少？", "服务热线为966124。", CTX, key="s1").verdict == "dropped"
    assert gate.check("服务热线是多少？", "服务热线为966123。", CTX, key="s2").verdict == "passed"


def test_dedup_scope_document_and_off():
    gate = QualityGate(QualityConfig(dedup="document"))
    gate.check("服务热线是多少？", "服务热线为966123。", CTX, key="a", scope="doc1")
    assert (
        gate.check("服务热线是多少？", "服务热线为966123。", CTX, key="b", scope="doc2").verdict == "passed"
    )
    assert (
        gate.check("服务热线是多少？", "服务热线为966123。", CTX, key="c", scope="doc1").verdict == "dropped"
    )
    off = QualityGate(QualityConfig(dedup="off"))
    off.check("服务热线是多少？", "服务热线为966123。", CTX, key="a")
    assert off.check("服务热线是多少？", "服务热线为966123。", CTX, key="b").verdict == "passed"


@pytest.mark.parametrize("kind", ["memory", "disk", "spilled"])
def test_index_find_matches_a_pairwise_scan(kind):
    """The number-keyed pool and the prefix filter give exactly the pairwise scan's best match, in memory,
    on disk and moved from one to the other halfway."""
    import random

    from corpusforge.quality.dedup import shingles

    rnd = random.Random(7)
    words = ["station", "pump", "lifts", "opened", "river", "water", "hotline", "city", "north", "year"]

    def question() -> str:
        n = rnd.choice(["", f" {rnd.randint(1, 6)}", f" {rnd.randint(1, 3)} and {rnd.randint(1, 3)}"])
        return "What does the passage say about " + " ".join(rnd.sample(words, 3)) + n + "?"

    idx: QuestionIndex | DiskQuestionIndex = DiskQuestionIndex(0.7) if kind == "disk" else QuestionIndex(0.7)
    kept: dict[str, frozenset[str]] = {}
    for i in range(400):
        if kind == "spilled" and i == 200:
            idx = DiskQuestionIndex.from_memory(idx)
            assert len(idx) == len(kept) and all(k in idx for k in kept)
        q = question()
        grams = shingles(q)
        nums = {g for g in grams if g[0] == "#"}
        best = None
        for key, other in kept.items():
            if {g for g in other if g[0] == "#"} != nums:
                continue
            inter = len(grams & other)
            sim = inter / (len(grams) + len(other) - inter)
            if sim >= 0.7 and (best is None or sim > best[1] or (sim == best[1] and key < best[0])):
                best = (key, sim)
        assert idx.find(q) == best, q
        if best is None or i % 5 == 0:
            key = f"k{i:04d}"
            idx.add(key, q, 1.0)
            kept[key] = grams
        if i % 17 == 0 and kept:
            gone = sorted(kept)[0]
            idx.remove(gone)
            del kept[gone]


@pytest.mark.parametrize("make", [QuestionIndex, DiskQuestionIndex], ids=["memory", "disk"])
def test_index_find_through_postings_matches_a_pairwise_scan(make, monkeypatch):
    """Questions without numbers share one large pool: candidates then come from the posting lists."""
    import random

    from corpusforge.quality.dedup import shingles
    from corpusforge.store.question_index import QuestionIndexFile

    by_grams = []
    with_grams = QuestionIndexFile.with_grams

    def counted(self, *a):  # noqa: ANN001, ANN002, ANN202
        by_grams.append(1)
        return with_grams(self, *a)

    monkeypatch.setattr(QuestionIndexFile, "with_grams", counted)
    rnd = random.Random(11)
    zh = "水厂泵站管网阀门水库城区北郊南岸热线服务公司成立改造供水检修年度计划报告"
    idx = make(0.7)
    kept: dict[str, frozenset[str]] = {}
    asked: list[str] = []
    found = 0
    for i in range(600):
        if asked and rnd.random() < 0.5:  # a near copy of an earlier question: one character changed
            q = list(rnd.choice(asked))
            q[rnd.randrange(len(q) - 3)] = rnd.choice(zh)
            q = "".join(q)
        else:
            q = "".join(rnd.choice(zh) for _ in range(rnd.randint(8, 14))) + "是什么？"
        asked.append(q)
        grams = shingles(q)
        best = None
        for key, other in kept.items():
            inter = len(grams & other)
            sim = inter / (len(grams) + len(other) - inter)
            if sim >= 0.7 and (best is None or sim > best[1] or (sim == best[1] and key < best[0])):
                best = (key, sim)
        assert idx.find(q) == best, q
        found += best is not None
        key = f"k{i:04d}"
        if best is None or i % 3 == 0:
            idx.add(key, q, 1.0)
            kept[key] = grams
        if i % 13 == 0 and kept:
            gone = sorted(kept)[len(kept) // 2]
            idx.remove(gone)
            del kept[gone]
    assert len(idx) == len(kept) and found > 50
    assert make is QuestionIndex or len(by_grams) > 100  # the disk index really went through its postings
