"""build_corpus end to end on real novels and PDFs (documents put straight into the store)."""

from __future__ import annotations

import json

import pytest
from corpus_testlib import add_text, novel, pdf_pages

from corpusforge.corpus.document import DocumentCleaner, Indexes
from corpusforge.corpus.lsh import DedupIndex
from corpusforge.corpus.normalize import normalize_text
from corpusforge.corpus.pipeline import build_corpus
from corpusforge.corpus.tokens import count_tokens
from corpusforge.io import read_jsonl

TARGET = 256


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixtures_dir):
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("corpus") / "ws")
    ws.config.corpus.chunk_tokens = TARGET
    ws.config.corpus.chunk_overlap = 32
    shuihu = novel(fixtures_dir, "shuihuzhuan", None)
    sanguo = novel(fixtures_dir, "sanguoyanyi", None)
    ids = {
        "shuihu": add_text(
            ws, "shuihuzhuan.txt", [shuihu[:25_000] + "\n" + shuihu[-2_500:]], tags={"genre": "novel"}
        ),
        "sanguo": add_text(ws, "sanguoyanyi.txt", [sanguo[179_000:189_000] + "\n" + sanguo[-1_500:]]),
        "memo": add_text(
            ws,
            "memo.pdf",
            pdf_pages(fixtures_dir / "pdf" / "en_unstructured_fake-memo-with-duplicate-page.pdf"),
            "pdf",
        ),
        "memo_copy": add_text(
            ws,
            "zz_memo_copy.pdf",
            pdf_pages(fixtures_dir / "pdf" / "en_unstructured_fake-memo-with-duplicate-page.pdf"),
            "pdf",
        ),
        "qwen": add_text(
            ws,
            "qwen2.pdf",
            pdf_pages(fixtures_dir / "pdf" / "en_pymupdf_qwen2-tech-report_test_4751.pdf")[:8],
            "pdf",
        ),
        "olap": add_text(
            ws, "olap.pdf", pdf_pages(fixtures_dir / "pdf" / "fr_unstructured_fr_olap.pdf")[:4], "pdf"
        ),
    }
    stats = build_corpus(ws)
    yield ws, ids, stats
    ws.close()


def _rows(ws):
    return list(read_jsonl(ws.out_dir / "corpus.jsonl"))


def _dups(ws, **where):
    q = "SELECT * FROM corpus_duplicates" + (
        " WHERE " + " AND ".join(f"{k}=?" for k in where) if where else ""
    )
    return [dict(r) for r in ws.store.conn.execute(q, tuple(where.values()))]


def test_ebook_boilerplate_gone(built):
    ws, ids, stats = built
    text = "\n".join(r["text"] for r in _rows(ws))
    for s in ("rain8", "电子书", "版权声明", "购买正版", "整理校对"):
        assert s not in text
    assert stats.filtered["boilerplate"]["items"] >= 3
    reasons = {
        r["reason"]
        for r in ws.store.conn.execute("SELECT reason FROM corpus_drops WHERE doc_id=?", (ids["shuihu"],))
    }
    assert "boilerplate" in reasons
    assert "话说故宋，哲宗皇帝在时" in text  # the story itself stays


def test_page_numbers_gone(built):
    ws, ids, _ = built
    chunks = list(ws.store.iter_chunks(ids["qwen"]))
    assert chunks
    for c in chunks:
        assert not any(p.strip().isdigit() for p in c.text.split("\n\n"))


def test_repeated_page_found_within_document(built):
    ws, ids, _ = built
    (d,) = _dups(ws, doc_id=ids["memo"], unit="page")
    assert d["kind"] == "exact" and d["kept_doc_id"] == ids["memo"]
    assert json.loads(d["pages"]) == [2] and json.loads(d["kept_pages"]) == [1]
    chunks = list(ws.store.iter_chunks(ids["memo"]))
    assert sum(c.text.count("20,000 bottles of water") for c in chunks) == 1
    assert all(c.pages == [1] for c in chunks)


def test_duplicate_document_across_files(built):
    ws, ids, stats = built
    (d,) = _dups(ws, doc_id=ids["memo_copy"])
    assert d["unit"] == "document" and d["kept_doc_id"] == ids["memo"] and d["kept_source"] == "memo.pdf"
    assert list(ws.store.iter_chunks(ids["memo_copy"])) == []
    assert stats.duplicates["document_exact"]["items"] == 1


def test_repeated_paragraphs_found_in_novel(built):
    ws, ids, _ = built
    dups = _dups(ws, doc_id=ids["sanguo"], unit="paragraph")
    assert len(dups) >= 5
    assert all(d["kept_doc_id"] == ids["sanguo"] for d in dups)
    assert any(d["text"].startswith("却说蔡瑁方欲回城") for d in dups)
    assert any(
        d["text"].startswith("第三十五回 玄德南漳逢隐沧") for d in dups
    )  # the repeated chapter heading
    assert any(
        "第三十五回 玄德南漳逢隐沧" in c.text for c in ws.store.iter_chunks(ids["sanguo"])
    )  # one copy kept


def test_chinese_lines_rejoined(built):
    ws, ids, _ = built
    text = "\n".join(c.text for c in ws.store.iter_chunks(ids["shuihu"]))
    assert "开封府，汴梁，宣武军便有一个浮浪破落户子弟" in text


def test_language_filter(built):
    ws, ids, stats = built
    assert list(ws.store.iter_chunks(ids["olap"])) == []
    assert stats.filtered["language:fr"]["items"] >= 5
    langs = {c.doc_id: c.lang for c in ws.store.iter_chunks()}
    assert langs[ids["shuihu"]] == "zh" and langs[ids["qwen"]] == "en"


def test_chunk_sizes_by_real_tokenizer(built):
    ws, _, stats = built
    rows = _rows(ws)
    assert stats.tokenizer == "qwen"
    assert len(rows) == stats.chunks > 50
    for r in rows:
        assert r["tokens"] == count_tokens(r["text"]) <= TARGET
    assert sum(r["tokens"] for r in rows) == stats.tokens


def test_provenance_spans_pages_tags(built):
    ws, ids, _ = built
    for key in ("shuihu", "sanguo", "qwen"):
        doc = ws.store.get_document(ids[key])
        pages = list(ws.store.iter_pages(doc.doc_id))
        fresh = DocumentCleaner(
            ws.config.corpus, ws.config.project.languages, Indexes(DedupIndex(0.8, 128), DedupIndex(0.8, 128))
        )
        cleaned = fresh.clean(doc, pages)
        chunks = list(ws.store.iter_chunks(doc.doc_id))
        assert [c.chunk_id for c in chunks] == [f"{doc.doc_id}-{i:05d}" for i in range(len(chunks))]
        for c in chunks:
            assert c.text == cleaned.text[c.start : c.end]
            assert c.source == doc.source and c.tags == doc.tags
            flat = "".join("".join(normalize_text(p.text).split()) for p in pages if p.page in c.pages)
            head = "".join(c.text.split("\n\n")[0].split())[:12]
            assert head in flat or head in flat.replace("-", "")
    qwen_pages = {p for c in ws.store.iter_chunks(ids["qwen"]) for p in c.pages}
    assert qwen_pages <= set(range(1, 9)) and len(qwen_pages) >= 6
    assert {c.tags.get("genre") for c in ws.store.iter_chunks(ids["shuihu"])} == {"novel"}


def test_output_files(built):
    ws, _, stats = built
    out = ws.out_dir
    row = _rows(ws)[0]
    assert {"text", "source", "pages", "chunk_id", "tokens"} <= row.keys()
    lf = list(read_jsonl(out / "llamafactory" / "corpus_pt.jsonl"))
    assert [r["text"] for r in lf] == [r["text"] for r in _rows(ws)]
    info = json.loads((out / "llamafactory" / "dataset_info.json").read_text())
    assert info["corpus_pt"] == {"file_name": "corpus_pt.jsonl", "columns": {"prompt": "text"}}
    st = json.loads((out / "corpus_stats.json").read_text())
    assert st["documents"] == 6 and st["chunks"] == stats.chunks and st["tokens"] == stats.tokens
    assert st["filtered"]["boilerplate"]["chars"] > 0 and st["duplicates"]["page_exact"]["items"] == 1
    assert st["chars_out"] < st["chars_in"]
    removed = list(read_jsonl(out / "corpus_removed.jsonl"))
    assert {r["removed_by"] for r in removed} == {"filter", "dedup"}
    (memo,) = [r for r in removed if r["source"] == "memo.pdf"]
    assert memo["kept"] == {"source": "memo.pdf", "pages": [1], "text": memo["kept"]["text"]} and memo[
        "pages"
    ] == [2]
    assert any(r.get("reason") == "boilerplate" and "rain8" in r["text"] for r in removed)


def test_chunks_know_their_heading(built):
    ws, ids, _ = built
    heads = [c.metadata.get("heading", "") for c in ws.store.iter_chunks(ids["shuihu"])]
    assert heads[-1].startswith("第") and "回" in heads[-1]
    assert all(h.startswith("第") for h in heads if h)


def test_rerun_is_idempotent(built):
    ws, _, stats = built
    before = [c.chunk_id for c in ws.store.iter_chunks()]
    n_dups = len(_dups(ws))
    again = build_corpus(ws)
    assert [c.chunk_id for c in ws.store.iter_chunks()] == before
    assert ws.store.counts()["chunks"] == len(before) == again.chunks == stats.chunks
    assert len(_dups(ws)) == n_dups
    assert len(_rows(ws)) == len(before)
