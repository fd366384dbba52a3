from corpus_testlib import novel, pdf_pages

from corpusforge.corpus.layout import (
    join_lines,
    merge_across_pages,
    paragraphs,
    running_lines,
    strip_edges,
    vocabulary,
)
from corpusforge.corpus.normalize import normalize_text


def _lines(pages):
    return [normalize_text(p).split("\n") for p in pages]


def test_running_headers_removed_from_real_paper(fixtures_dir):
    pages = _lines(pdf_pages(fixtures_dir / "pdf" / "fr_unstructured_fr_olap.pdf"))
    assert sum("J. Aligon et al." in ln for ls in pages for ln in ls) >= 5
    running = running_lines(pages)
    cleaned = [strip_edges(ls, running, 3, True)[0] for ls in pages]
    assert not any(ln.strip() == "J. Aligon et al." for ls in cleaned for ln in ls)
    headers = sum(
        ln.strip() == "Résumés et interrogations de logs de requêtes OLAP" for ls in cleaned for ln in ls
    )
    assert headers == 0
    # body text survives
    assert any("QSL" in ln for ls in cleaned for ln in ls)


def test_page_numbers_removed_from_real_report(fixtures_dir):
    pages = _lines(pdf_pages(fixtures_dir / "pdf" / "en_pymupdf_qwen2-tech-report_test_4751.pdf"))
    last = [[ln for ln in ls if ln.strip()][-1].strip() for ls in pages]
    assert last[5:10] == ["6", "7", "8", "9", "10"]
    running = running_lines(pages)
    cleaned = [strip_edges(ls, running, 3, True)[0] for ls in pages]
    last = [[ln for ln in ls if ln.strip()][-1].strip() for ls in cleaned]
    assert not any(x.isdigit() and int(x) == i + 1 for i, x in enumerate(last))


def test_repeated_page_does_not_make_headers(fixtures_dir):
    """The memo's two identical pages must not turn every line into a 'running header'."""
    pages = _lines(pdf_pages(fixtures_dir / "pdf" / "en_unstructured_fake-memo-with-duplicate-page.pdf"))
    assert running_lines(pages * 3, min_pages=2) == set()


def test_chinese_lines_rejoined_in_real_novel(fixtures_dir):
    text = novel(fixtures_dir, "sanguoyanyi", 5000)
    assert "楚、汉\n分争" in text
    paras = paragraphs(normalize_text(text).split("\n"), 1)
    joined = [p.text for p in paras]
    assert any("及秦灭之后，楚、汉分争，又并入于汉。" in t for t in joined)
    assert all("\n" not in t for t in joined)
    assert paras[0].heading and paras[0].text.startswith("第一回")
    # one paragraph per indented paragraph of the source, not one per line
    assert len(paras) < text.count("\n") / 2


def test_chinese_pdf_lines_rejoined(fixtures_dir):
    (page,) = pdf_pages(fixtures_dir / "pdf" / "zh_pymupdf_academic-article_test_4182.pdf")
    assert "第\n二，" in page
    paras = paragraphs(normalize_text(page).split("\n"), 1)
    text = "\n".join(p.text for p in paras)
    assert "等主要特征。第二，数字拟人品的成长" in text
    assert any(p.heading and p.text == "一、引言" for p in paras)


def test_hyphenated_english_words_rejoined(fixtures_dir):
    pages = pdf_pages(fixtures_dir / "pdf" / "en_pymupdf_qwen2-tech-report_test_4751.pdf")
    assert "Transformer ar-\nchitecture" in pages[3]
    text = " ".join(p.text for p in paragraphs(normalize_text(pages[3]).split("\n"), 4))
    assert "Transformer architecture" in text
    assert "instruction-\nfollowing" in pages[2]
    lines = [normalize_text(p).split("\n") for p in pages]
    text = " ".join(p.text for p in paragraphs(lines[2], 3, vocab=vocabulary(lines)))
    assert "multi-turn instruction-following datasets" in text  # a real compound keeps its hyphen


def test_join_lines_rules():
    assert join_lines("exam-", "ple") == "example"
    assert join_lines("state-of-", "the-art") == "state-of-the-art"
    assert join_lines("截至2", "025年12月") == "截至2025年12月"
    assert join_lines("large language", "models") == "large language models"


def test_paragraph_cut_by_page_break_is_merged_with_page_marks():
    p1 = paragraphs(["第一段完整。", "", "这一句话被分页"], 1)
    p2 = paragraphs(["打断了，但仍是同一句。"], 2)
    merged = merge_across_pages(p1 + p2)
    assert [p.text for p in merged] == ["第一段完整。", "这一句话被分页打断了，但仍是同一句。"]
    assert merged[1].pages == [1, 2]
    assert merged[1].page_marks() == [(0, 1), (len("这一句话被分页"), 2)]


def test_markdown_table_rows_stay_lines_of_one_block():
    lines = [
        "水厂的出水指标如下，各项均达到",
        "国家标准。",
        "| 指标 | 数值 |",
        "| --- | --- |",
        "| 浊度 | 0.3 |",
        "| 余氯 | 0.5 |",
        "表后的说明文字。",
    ]
    for rejoin in (True, False):
        paras = paragraphs(lines, 1, rejoin)
        tables = [p for p in paras if p.text.startswith("|")]
        assert len(tables) == 1 and tables[0].text.split("\n") == lines[2:6]
        assert not tables[0].heading and paras[-1].text == "表后的说明文字。"
    assert paragraphs(lines, 1)[0].text == "水厂的出水指标如下，各项均达到国家标准。"
    pages = merge_across_pages(paragraphs(lines[:4], 1) + paragraphs(["续页的文字"], 2))
    assert pages[-1].text == "续页的文字"
