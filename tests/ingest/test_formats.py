"""PPTX, XLSX and EPUB: real files written by python-pptx, openpyxl and ebooklib, read through ingest."""

from __future__ import annotations

import pytest

from corpusforge.ingest.pipeline import ingest_paths


def _pptx(path):
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    for title, body in [
        ("Qingxi reservoir", "Level 62.4 m on 1 March 2025."),
        ("Tariffs", "Tier 1: 2.9 yuan"),
    ]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = body
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    for i, text in enumerate(["tier", "price", "2", "3.6"]):
        table.cell(i // 2, i % 2).text = text
    slide.notes_slide.notes_text_frame.text = "Say the prices slowly."
    deck.save(path)


def _xlsx(path):
    import openpyxl

    book = openpyxl.Workbook()
    q3 = book.active
    q3.title = "Q3"
    for row in [
        ["month", "m3 sold", "note"],
        ["July", 1200, "dry | hot"],
        [None, None, None],
        ["August", 1350.0],
    ]:
        q3.append(row)
    book.create_sheet("Q4").append(["month", "m3 sold"])
    book.save(path)


def _epub(path):
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("qingxi-1")
    book.set_title("Qingxi Water History")
    book.set_language("en")
    book.add_author("Water Bureau")
    chapters = []
    for i, (title, text) in enumerate([("The Dam", "Built in 1958."), ("The Plant", "Opened in 1972.")], 1):
        ch = epub.EpubHtml(title=title, file_name=f"chap_{i}.xhtml", lang="en")
        ch.content = f"<html><body><h1>{title}</h1><p>{text}</p><p>Second paragraph.</p></body></html>"
        book.add_item(ch)
        chapters.append(ch)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(path), book)


@pytest.fixture
def ingested(make_ws, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _pptx(folder / "deck.pptx")
    _xlsx(folder / "sales.xlsx")
    _epub(folder / "history.epub")
    ws = make_ws()
    summary = ingest_paths(ws, [folder])
    assert summary.failed == [] and summary.read == 3, summary
    docs = {d.source: d for d in ws.store.iter_documents()}
    return ws, docs


def _pages(ws, doc):
    return list(ws.store.iter_pages(doc.doc_id))


def test_pptx_one_page_per_slide(ingested):
    ws, docs = ingested
    doc = docs["deck.pptx"]
    assert doc.kind == "pptx" and doc.metadata["detected"] == "PowerPoint presentation"
    pages = _pages(ws, doc)
    assert [(p.page, p.metadata["slide"], p.metadata["title"]) for p in pages] == [
        (1, 1, "Qingxi reservoir"),
        (2, 2, "Tariffs"),
    ]
    assert "62.4 m" in pages[0].text
    assert "tier | price" in pages[1].text and "2 | 3.6" in pages[1].text
    assert pages[1].metadata["notes"] == "Say the prices slowly."
    assert "slowly" not in pages[1].text


def test_xlsx_sheets_as_markdown_tables(ingested):
    ws, docs = ingested
    pages = _pages(ws, docs["sales.xlsx"])
    assert [(p.metadata["sheet"], p.metadata["rows"]) for p in pages] == [("Q3", 3), ("Q4", 1)]
    assert pages[0].text.splitlines() == [
        "| month | m3 sold | note |",
        "|---|---|---|",
        "| July | 1200 | dry \\| hot |",
        "| August | 1350 |  |",
    ]


def test_epub_one_page_per_chapter(ingested):
    ws, docs = ingested
    doc = docs["history.epub"]
    assert doc.title == "Qingxi Water History" and doc.metadata["author"] == "Water Bureau"
    pages = _pages(ws, doc)
    assert [p.metadata["chapter"] for p in pages] == ["The Dam", "The Plant"]
    assert pages[0].text.splitlines() == ["The Dam", "Built in 1958.", "Second paragraph."]


@pytest.mark.parametrize("suffix,label", [(".pptx", "PPTX"), (".xlsx", "XLSX"), (".epub", "EPUB")])
def test_corrupt_container_has_a_one_line_reason(make_ws, tmp_path, suffix, label):
    folder = tmp_path / "in"
    folder.mkdir()
    {".pptx": _pptx, ".xlsx": _xlsx, ".epub": _epub}[suffix](tmp_path / f"x{suffix}")
    data = (tmp_path / f"x{suffix}").read_bytes()
    (folder / f"broken{suffix}").write_bytes(data[: len(data) // 2])
    summary = ingest_paths(make_ws(), [folder])
    [(path, reason)] = summary.failed
    assert path.endswith(f"broken{suffix}")
    assert reason.startswith(f"corrupt {label}") and "\n" not in reason
