"""Boilerplate shared across documents (``corpus.shared_boilerplate``): removed by document frequency."""

from __future__ import annotations

import json
import random

from corpus_testlib import add_text, novel

from corpusforge.corpus.boilerplate import SharedLines, fold
from corpusforge.corpus.pipeline import build_corpus
from corpusforge.io import read_jsonl

DISCLAIMER = [
    "Disclaimer: the views expressed in this report are those of the authors alone.",
    "Acme Research accepts no liability for decisions made on the basis of this report.",
]
KEEP = "This report is printed on recycled paper made in Europe."
WORDS = "river mountain harbour engine garden lantern copper meadow violin glacier orchard canyon".split()


def _doc(rng: random.Random, i: int) -> str:
    paras = [
        " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + f" Report number {i}." for _ in range(4)
    ]
    return "\n\n".join(paras)


def _build(ws, n_docs: int, planted: int, allow: list[str] | None = None):
    rng = random.Random(7)
    ws.config.corpus.dedup.near = False
    ws.config.corpus.shared_boilerplate.min_docs = 5
    ws.config.corpus.shared_boilerplate.allow = allow or []
    texts = {}
    for i in range(n_docs):
        body = _doc(rng, i)
        if i < planted:
            body += "\n\n" + "\n".join(DISCLAIMER) + "\n\n" + KEEP
        texts[add_text(ws, f"report{i:02d}.txt", [body])] = body
    return build_corpus(ws), texts


def _kept_text(ws) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for row in read_jsonl(ws.out_dir / "corpus.jsonl"):
        out.setdefault(row["doc_id"], []).append(row["text"])
    return {k: "\n".join(v) for k, v in out.items()}


def test_disclaimer_in_20_of_25_removed_everywhere_and_nothing_else(workspace):
    stats, texts = _build(workspace, 25, 20)
    kept = _kept_text(workspace)
    assert len(kept) == 25
    for doc_id, body in texts.items():
        assert all(fold(d) not in fold(kept[doc_id]) for d in DISCLAIMER)
        for para in body.split("\n\n")[:4]:  # every own paragraph survives
            assert fold(para) in fold(kept[doc_id])
    b = stats.boilerplate
    assert b["paragraphs"] == 3 * 20 and b["documents"] == 20 and b["distinct"] == 3
    assert "shared_boilerplate" not in stats.filtered  # counted once, in the boilerplate row
    assert b["chars"] == 20 * sum(len(x) for x in [*DISCLAIMER, KEEP])
    rows = [json.loads(x) for x in (workspace.out_dir / "corpus_boilerplate.jsonl").read_text().splitlines()]
    assert sorted(r["text"] for r in rows) == sorted([*DISCLAIMER, KEEP])
    assert all(r["documents"] == 20 for r in rows)


def test_allow_listed_line_stays(workspace):
    workspace.config.corpus.dedup.exact = False  # else later copies go as exact duplicates (by design)
    stats, texts = _build(workspace, 25, 20, allow=[r"recycled paper"])
    kept = _kept_text(workspace)
    planted = [d for d, t in texts.items() if KEEP in t]
    assert len(planted) == 20
    assert all(KEEP in kept[d] for d in planted)
    assert all(DISCLAIMER[0] not in kept[d] for d in planted)
    assert stats.boilerplate["distinct"] == 2 and stats.boilerplate["paragraphs"] == 40


def test_below_threshold_stays(workspace):
    stats, texts = _build(workspace, 25, 2)
    kept = _kept_text(workspace)
    with_it = [d for d, t in texts.items() if DISCLAIMER[0] in t]
    assert len(with_it) == 2
    # the first copy stays; the second is an exact paragraph duplicate (dedup), not shared boilerplate
    assert sum(DISCLAIMER[0] in kept[d] for d in with_it) >= 1
    assert stats.boilerplate.get("paragraphs", 0) == 0
    assert (workspace.out_dir / "corpus_boilerplate.jsonl").read_text() == ""


def test_disabled_removes_nothing(workspace):
    workspace.config.corpus.shared_boilerplate.enabled = False
    stats, _ = _build(workspace, 25, 20)
    assert stats.boilerplate.get("paragraphs", 0) == 0
    assert (workspace.out_dir / "corpus_boilerplate.jsonl").read_text() == ""


def test_counts_documents_not_occurrences():
    s = SharedLines(min_docs=3, min_chars=10)
    line = "Visit example.com for more free e-books!"
    s.add_document([line] * 10)
    s.add_document([line, "  VISIT example com, for MORE free e books  ", "A second book of poems."])
    assert not s.is_shared(line)
    s.add_document(["visit EXAMPLE.COM for more free ebooks", "A third book of essays."])
    assert s.is_shared(line) and s.is_shared("Visit example.com for more free e-books.")
    assert s.report() == [{"documents": 3, "text": "visit EXAMPLE.COM for more free ebooks"}]
    assert not s.is_shared("Chapter one")  # too short to count


def test_fixture_novels_site_adverts(workspace, fixtures_dir):
    """The two novels share no line, so nothing real is removed; two volumes of one site share its advert."""
    workspace.config.corpus.shared_boilerplate.min_docs = 2
    shuihu = novel(fixtures_dir, "shuihuzhuan", None)
    sanguo = novel(fixtures_dir, "sanguoyanyi", 20_000)
    add_text(workspace, "sanguo.txt", [sanguo])
    add_text(workspace, "shuihu1.txt", [shuihu[:20_000]])
    stats = build_corpus(workspace)
    assert stats.boilerplate.get("paragraphs", 0) == 0
    add_text(workspace, "shuihu2.txt", [shuihu[-3_000:]])
    stats = build_corpus(workspace)
    rows = [json.loads(x) for x in (workspace.out_dir / "corpus_boilerplate.jsonl").read_text().splitlines()]
    texts = [r["text"] for r in rows]
    assert any("rain8.com" in t for t in texts) and any("版权声明" in t for t in texts)
    assert stats.boilerplate["documents"] == 2
    kept = "\n".join(r["text"] for r in read_jsonl(workspace.out_dir / "corpus.jsonl"))
    assert "rain8.com" not in kept and "宴桃园豪杰三结义" in kept


def test_copies_of_one_document_count_once(workspace):
    """Five copies of a report are duplicates (de-duplication keeps one), not boilerplate of each other."""
    body = _doc(random.Random(3), 0)
    for i in range(5):
        add_text(workspace, f"copy{i}.txt", [body])
    stats = build_corpus(workspace)
    assert stats.boilerplate.get("paragraphs", 0) == 0
    assert stats.duplicates["document_exact"]["items"] == 4
    assert stats.documents_kept == 1
