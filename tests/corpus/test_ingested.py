"""build_corpus on documents read by the real ingest step: the quickstart documents and fixture files."""

from __future__ import annotations

import pytest

from corpusforge.corpus.pipeline import build_corpus


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, quickstart_dir, fixtures_dir):
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("ingested") / "ws")
    ws.config.corpus.chunk_tokens = 160
    ws.config.corpus.chunk_overlap = 16
    summary = ingest_paths(
        ws,
        [
            quickstart_dir,
            fixtures_dir / "docx" / "en_unstructured_duplicate-paragraphs.docx",
            fixtures_dir / "pdf" / "en_unstructured_fake-memo-with-duplicate-page.pdf",
        ],
    )
    assert not summary.failed
    stats = build_corpus(ws)
    docs = {d.source: d for d in ws.store.iter_documents()}
    yield ws, docs, stats
    ws.close()


def _chunks(ws, docs, source):
    return list(ws.store.iter_chunks(docs[source].doc_id))


def test_every_quickstart_document_gives_chunks(ingested, quickstart_dir):
    ws, docs, stats = ingested
    for f in quickstart_dir.iterdir():
        assert _chunks(ws, docs, f.name), f.name
    assert not stats.failed


def test_running_header_and_page_footer_gone(ingested):
    ws, docs, _ = ingested
    pages = list(ws.store.iter_pages(docs["annual_report_2025.pdf"].doc_id))
    # ingest moves the running header and the page footer out of the page text into page metadata
    assert all("青溪市自来水公司 2025年度报告" not in p.text and "页 共 3 页" not in p.text for p in pages)
    assert all(
        any("青溪市自来水公司 2025年度报告" in line for line in p.metadata["furniture"]) for p in pages
    )
    text = "\n".join(c.text for c in _chunks(ws, docs, "annual_report_2025.pdf"))
    assert text.count("2025年度报告") <= 1 and "共 3 页" not in text  # the title once, no running header
    assert "截至2025年12月31日，公司服务人口约86万人" in text  # line broken inside a number, rejoined
    assert "采用“混凝—沉淀—砂滤—臭氧活性炭—消毒”深度处理工艺，2025年" in text


def test_pages_of_chunks(ingested):
    ws, docs, _ = ingested
    chunks = _chunks(ws, docs, "annual_report_2025.pdf")
    for c in chunks:
        if "二、净水生产" in c.text:
            assert 2 in c.pages
        if "六、2026年工作计划" in c.text:
            assert 3 in c.pages
        assert set(c.pages) <= {1, 2, 3}
    assert {p for c in chunks for p in c.pages} == {1, 2, 3}


def test_languages_and_numbers_kept(ingested):
    ws, docs, _ = ingested
    gbk = _chunks(ws, docs, "customer_service_gbk.txt")
    assert {c.lang for c in gbk} == {"zh"}
    assert any("2025年度满意度目标为95%，实际达到96.2%。" in c.text for c in gbk)
    faq = _chunks(ws, docs, "water_quality_faq.md")
    assert {c.lang for c in faq} == {"en"}
    assert any(c.text.startswith("## ") for c in faq)  # headings start chunks


def test_repeated_paragraphs_and_page_found(ingested):
    ws, docs, stats = ingested
    dup_doc = docs["en_unstructured_duplicate-paragraphs.docx"].doc_id
    rows = ws.store.conn.execute(
        "SELECT unit, kind, text, kept_doc_id FROM corpus_duplicates WHERE doc_id=?", (dup_doc,)
    ).fetchall()
    assert len(rows) == 5 and all(r["text"] == "some text" and r["kept_doc_id"] == dup_doc for r in rows)
    (chunk,) = _chunks(ws, docs, "en_unstructured_duplicate-paragraphs.docx")
    assert chunk.text == "This document contains duplicates\n\nsome text"
    memo = docs["en_unstructured_fake-memo-with-duplicate-page.pdf"].doc_id
    (row,) = ws.store.conn.execute(
        "SELECT unit, pages, kept_pages FROM corpus_duplicates WHERE doc_id=?", (memo,)
    )
    assert tuple(row) == ("page", "[2]", "[1]")
    assert stats.duplicates["paragraph_exact"]["items"] >= 5
