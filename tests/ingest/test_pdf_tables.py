"""Tables on PDF pages come out as Markdown tables in place of their cells' loose text."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.pdf import read
from corpusforge.ingest.tables import cell_text, clean_rows, draws_rules

CELLS = [
    ["地区", "收入", "成本", "利润"],
    ["华东", "1200", "800", "400"],
    ["华北", "950", "700", "250"],
]


def table_pdf(
    cells: list[list[str]], x0: float = 72, y0: float = 300, w: float = 110, h: float = 28
) -> bytes:
    """A page with a paragraph, a ruled table of ``cells`` (Chinese font) and a closing paragraph."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 120), "本页开头的说明文字。", fontname="china-s", fontsize=12)
    rows, cols = len(cells), len(cells[0])
    for i in range(rows + 1):
        page.draw_line((x0, y0 + i * h), (x0 + cols * w, y0 + i * h))
    for j in range(cols + 1):
        page.draw_line((x0 + j * w, y0), (x0 + j * w, y0 + rows * h))
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            page.insert_text((x0 + j * w + 6, y0 + i * h + 19), cell, fontname="china-s", fontsize=11)
    page.insert_text((72, y0 + rows * h + 60), "表后的结论文字。", fontname="china-s", fontsize=12)
    data = doc.tobytes()
    doc.close()
    return data


def _read(data: bytes, **kw: object) -> str:
    cfg = IngestConfig(ocr=False, **kw)  # type: ignore[arg-type]
    return read(data, Path("t.pdf"), cfg).pages[0].text


def test_ruled_3x4_table_is_a_markdown_table_in_order() -> None:
    doc = read(table_pdf(CELLS), Path("t.pdf"), IngestConfig(ocr=False))
    page = doc.pages[0]
    rows = [line for line in page.text.split("\n") if line.startswith("|")]
    assert rows[0] == "| 地区 | 收入 | 成本 | 利润 |"
    assert rows[1] == "|---|---|---|---|"
    assert rows[2:] == ["| 华东 | 1200 | 800 | 400 |", "| 华北 | 950 | 700 | 250 |"]
    assert page.metadata["tables"][0]["rows"] == 3 and page.metadata["tables"][0]["cols"] == 4
    text = page.text
    assert text.index("开头") < text.index("| 地区") < text.index("结论")  # reading order
    assert text.count("1200") == 1 and text.count("华北") == 1  # cells' loose text is gone


def test_tables_off_keeps_loose_text() -> None:
    text = _read(table_pdf(CELLS), pdf_tables="off")
    assert "|" not in text and "1200" in text and "华北" in text


def test_page_without_rules_is_not_searched() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "plain text", fontsize=12)
    page.draw_line((72, 110), (80, 110))  # an underline shorter than a rule
    assert not draws_rules(page)
    assert draws_rules(pymupdf.open("pdf", table_pdf(CELLS))[0])


def test_cells_are_cleaned() -> None:
    assert cell_text("主体信用\n评级") == "主体信用评级"
    assert cell_text("Hidden\nSize") == "Hidden Size"
    assert cell_text("a|b") == "a\\|b" and cell_text(None) == ""
    assert clean_rows([["a", None, "b"], [None, None, None], ["1", None, "2"]]) == [["a", "b"], ["1", "2"]]


def test_boxes_and_cell_by_cell_borders() -> None:
    """A framed box or stacked narrow boxes are no table; borders drawn cell by cell are joined."""
    doc = pymupdf.open()
    framed = doc.new_page()
    framed.draw_rect((143, 145, 461, 223))  # one framed paragraph (fr_olap fixture): two rules
    narrow = doc.new_page()
    for k in range(4):
        narrow.draw_rect((372, 100 + 60 * k, 441, 134 + 60 * k))  # 69 pt boxes: not table wide
    cells = doc.new_page()
    for y in (300, 328, 356):
        for x in (72, 182, 292):
            cells.draw_line((x, y), (x + 110, y))  # each cell's border its own 110 pt segment
    assert not draws_rules(framed) and not draws_rules(narrow)
    assert draws_rules(cells)


def _vectors(page: pymupdf.Page) -> list:
    tp = page.get_textpage(flags=pymupdf.TEXTFLAGS_BLOCKS | pymupdf.TEXT_COLLECT_VECTORS)
    return [b for b in page.get_text("blocks", textpage=tp) if b[6] == 3]


def test_vector_boxes_settle_the_check_only_when_nothing_is_rule_wide() -> None:
    """The text page's vector boxes skip get_cdrawings on pages that draw nothing 20 pt wide or fewer
    than three thin rules; any other page gets the full check, with the same verdict as without them."""
    doc = pymupdf.open()
    plain = doc.new_page()
    plain.insert_text((72, 100), "plain text", fontsize=12)
    plain.draw_line((72, 110), (80, 110))  # an underline shorter than a rule
    cells = doc.new_page()
    for y in (300, 328, 356):
        for x in (72, 182, 292):
            cells.draw_line((x, y), (x + 110, y))
    framed = doc.new_page()
    framed.draw_rect((143, 145, 461, 223))
    ruled = doc.new_page()
    ruled.draw_rect((72, 56, 540, 60), color=None, fill=(0, 0, 0))  # a running header's 4 pt bar
    ruled.draw_line((72, 700), (200, 700))  # a footnote separator
    table_doc = pymupdf.open("pdf", table_pdf(CELLS))
    plain, cells, framed, ruled, table = doc[0], doc[1], doc[2], doc[3], table_doc[0]
    assert _vectors(plain) and not any(v[2] - v[0] >= 20 for v in _vectors(plain))
    assert len(_vectors(ruled)) == 2 and not draws_rules(ruled, vectors=[])
    for page in (plain, cells, framed, ruled, table):
        assert draws_rules(page, vectors=_vectors(page)) == draws_rules(page)
    assert draws_rules(table, vectors=_vectors(table)) and not draws_rules(plain, vectors=[])


def test_rectangles_settle_the_check_by_their_edges() -> None:
    """A page background and thin rules (the memo and fr_olap fixtures) are settled from the vector boxes:
    PyMuPDF marks a rectangle's block ``is-rect: true``; a figure path is left to the full check."""
    doc = pymupdf.open()
    memo = doc.new_page()
    memo.draw_rect(memo.rect, color=None, fill=(1, 1, 1))  # a full-page white background
    memo.insert_text((72, 100), "MEMO", fontsize=12)
    rules = doc.new_page()
    for y in (279, 295):
        rules.draw_line((112, y), (340, y))  # two wide rules, a third too short: no table
    rules.draw_line((265, 310), (285, 310))
    figure = doc.new_page()
    figure.draw_polyline([(100, 100), (300, 250), (400, 120)])  # a plot line: not a rectangle
    memo, rules, figure = doc[0], doc[1], doc[2]
    assert any("is-rect: true" in v[4] for v in _vectors(memo))
    for page in (memo, rules):
        assert not draws_rules(page, vectors=_vectors(page)) and not draws_rules(page)
        page.get_cdrawings = None  # type: ignore[method-assign]  # settled: never called
        assert not draws_rules(page, vectors=_vectors(page))
    assert draws_rules(figure, vectors=_vectors(figure)) == draws_rules(figure)
    table = pymupdf.open("pdf", table_pdf(CELLS))[0]
    assert draws_rules(table, vectors=_vectors(table))


def test_vector_boxes_keep_every_fixture_verdict(fixtures_dir: Path) -> None:
    """On each of the 66 fixture pages the pre-check gives the full check's verdict; most skip it."""
    files = sorted((fixtures_dir / "pdf").glob("*.pdf")) + sorted((fixtures_dir / "pdf-gold").glob("*.pdf"))
    pages = settled = 0
    for f in files:
        doc = pymupdf.open(f)
        doc.authenticate("foo")
        for page in doc:
            vectors = _vectors(page)
            full = draws_rules(page)
            calls: list[int] = []
            real = page.get_cdrawings
            page.get_cdrawings = lambda c=calls, r=real: c.append(1) or r()  # type: ignore[method-assign]
            assert draws_rules(page, vectors=vectors) == full, (f.name, page.number)
            pages, settled = pages + 1, settled + (not calls)
    assert pages == 66 and settled >= 39
