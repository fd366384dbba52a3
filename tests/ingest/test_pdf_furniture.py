"""Running headers, footers and page numbers leave the text and stay in page metadata."""

from __future__ import annotations

from corpusforge.ingest.base import PageText
from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.furniture import strip_furniture
from corpusforge.ingest.pdf import read

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon"]


def _pages(n=4):
    return [
        PageText(
            f"Journal of Tests 12 (2024) 1-{n}\nBody text of page {i} about {WORDS[i]}.\n"
            f"More body, {WORDS[-1 - i]} cell {i + 40}\n{i + 101}",
            {"text_source": "text"},
        )
        for i in range(n)
    ]


def test_headers_and_page_numbers_are_moved_to_metadata():
    pages = _pages()
    strip_furniture(pages)
    for i, page in enumerate(pages):
        assert "Journal of Tests" not in page.text and f"Body text of page {i}" in page.text
        assert page.text.splitlines()[-1] == f"More body, {WORDS[-1 - i]} cell {i + 40}"
        assert page.metadata["furniture"] == ["Journal of Tests 12 (2024) 1-4", str(i + 101)]


def test_numbers_that_do_not_count_pages_stay():
    pages = _pages()
    pages[2].text += "\n7"  # a stray number at the bottom of one page, not in the page sequence
    strip_furniture(pages)
    assert pages[2].text.endswith("\n7")


def test_a_page_is_never_emptied():
    pages = [PageText(f"Same form line {i}\nSame other line", {}) for i in range(4)]
    strip_furniture(pages)
    assert all(p.text for p in pages)


def test_short_documents_are_left_alone():
    pages = _pages(2)
    before = [p.text for p in pages]
    strip_furniture(pages)
    assert [p.text for p in pages] == before


def test_fixture_running_header_and_page_numbers_are_gone(fixtures_dir):
    path = fixtures_dir / "pdf-gold" / "en_mineru-bench_academic_literature_0b2c9c91.pdf"
    result = read(path.read_bytes(), path, IngestConfig(ocr=False))
    header = "H. Ashuri, A. Hassani / Journal of Alloys and Compounds 617 (2014) 444–454"
    assert all(header not in p.text for p in result.pages)
    assert header in result.pages[1].metadata["furniture"] and "445" in result.pages[1].metadata["furniture"]
