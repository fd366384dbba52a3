"""RapidOCR engine: engine choice, strip cuts for big pages, a round-trip scan and Chinese pages whose fonts
lost their ToUnicode maps read back at F1 >= 0.85."""

from __future__ import annotations

import collections

import numpy as np
import pymupdf
import pytest

from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.ocr import pick_engine
from corpusforge.ingest.pdf import read
from corpusforge.ingest.rapid_ocr import _strips


def _f1(pred: str, gold: str) -> float:
    def grams(t):
        t = "".join(t.split())
        return collections.Counter(t[i : i + 2] for i in range(len(t) - 1))

    p, g = grams(pred), grams(gold)
    hit = sum((p & g).values())
    return 2 * hit / (sum(p.values()) + sum(g.values())) if hit else 0.0


def test_auto_engine_prefers_rapidocr_for_chinese_and_english_only():
    assert pick_engine("auto", "chi_sim+eng") == "rapidocr"
    assert pick_engine("auto", "fra+eng") == "tesseract"
    assert pick_engine("tesseract", "chi_sim") == "tesseract"


def test_tall_pages_are_cut_in_blank_rows():
    gray = np.full((5000, 300), 255, dtype=np.uint8)
    for top in range(40, 5000, 60):  # text lines 30 px high, 30 px gaps
        gray[top : top + 30, 20:280] = 0
    strips = _strips(gray, np, 1600)
    assert strips[0][0] == 0 and strips[-1][1] == 5000
    assert all(b - a <= 1600 for a, b in strips) and len(strips) >= 4
    for _, cut in strips[:-1]:
        # never through a line of text, nor flush with one: mid-gap, so each strip keeps a margin of white
        assert gray[cut - 14 : cut + 14].min() == 255


@pytest.mark.slow
def test_round_trip_scan_is_read_back(fixtures_dir, tmp_path):
    src = pymupdf.open(fixtures_dir / "pdf" / "zh_unstructured_simplified_chinese.pdf")
    gold = src[0].get_text()
    scan = pymupdf.open()
    page = scan.new_page(width=src[0].rect.width, height=src[0].rect.height)
    page.insert_image(page.rect, stream=src[0].get_pixmap(dpi=150, colorspace="gray").tobytes("png"))
    path = tmp_path / "scan.pdf"
    scan.save(path)
    result = read(path.read_bytes(), path, IngestConfig(ocr=True, ocr_engine="rapidocr"))
    meta = result.pages[0].metadata
    assert meta["text_source"] == "ocr" and meta["quality"] == "empty"
    assert _f1(result.pages[0].text, gold) >= 0.85


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["zh_unstructured_simplified_chinese.pdf", "zh_pymupdf_academic-article_test_4182.pdf"]
)
def test_pages_without_tounicode_are_read_back_by_ocr(fixtures_dir, tmp_path, name):
    """Gold: the intact text layer. Before OCR read lines by their boxes (grid of names, 0.82) and ran the
    line-orientation classifier (dense article lines read as nothing, 0.82), both scored under 0.85."""
    doc = pymupdf.open(fixtures_dir / "pdf" / name)
    gold = doc[0].get_text()
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "ToUnicode")[0] != "null":
            doc.xref_set_key(xref, "ToUnicode", "null")
    path = tmp_path / name
    doc.save(path)
    cfg = IngestConfig(ocr=True, ocr_engine="rapidocr", ocr_dpi=150)
    page = read(path.read_bytes(), path, cfg).pages[0]
    assert page.metadata["text_source"] == "ocr" and page.metadata["quality"] == "garbage"
    assert _f1(page.text, gold) >= 0.85
