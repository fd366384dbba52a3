"""Big images on PDF text pages are OCRed in reading order and fenced; small ones are left alone."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.image_text import FENCE
from corpusforge.ingest.pdf import read
from corpusforge.ingest.rapid_ocr import rapidocr_available

pytestmark = pytest.mark.skipif(not rapidocr_available(), reason="rapidocr-onnxruntime is not installed")


def text_image(lines: list[str], width: float, height: float) -> bytes:
    """PNG of ``lines`` rendered from a scratch page (an image with known text, no text layer)."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    for i, line in enumerate(lines):
        page.insert_text((10, 30 + 26 * i), line, fontsize=18)
    png = page.get_pixmap(dpi=150).tobytes("png")
    doc.close()
    return png


def page_with_image(png: bytes, rect: tuple[float, float, float, float]) -> bytes:
    """A text page: a paragraph, the image at ``rect``, a closing paragraph."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 90), "Opening paragraph of the report text layer.", fontsize=11)
    page.insert_image(pymupdf.Rect(rect), stream=png)
    page.insert_text((72, 700), "Closing paragraph after the pasted figure.", fontsize=11)
    data = doc.tobytes()
    doc.close()
    return data


def _cfg() -> IngestConfig:
    return IngestConfig(ocr=True, ocr_engine="rapidocr", ocr_languages="eng")


def test_big_image_text_is_read_in_order_and_marked() -> None:
    png = text_image(["QUARTERLY REVENUE 2024", "NORTH REGION 4810 UNITS"], 400, 80)
    page = read(page_with_image(png, (72, 200, 472, 280)), Path("t.pdf"), _cfg()).pages[0]
    text = page.text
    assert FENCE in text and "QUARTERLY" in text.upper() and "4810" in text
    assert text.index("Opening") < text.index(FENCE) < text.index("4810") < text.index("Closing")
    block = text[text.index(FENCE) : text.index("```", text.index(FENCE) + 3) + 3]
    assert "\n\n" + block + "\n\n" in text  # a paragraph of its own
    (region,) = page.metadata["ocr_regions"]
    assert region["bbox"] == pytest.approx([72, 200, 472, 280], abs=1) and region["chars"] >= 30
    assert page.metadata["text_source"] == "text"


def test_tiny_logo_is_not_ocred() -> None:
    png = text_image(["ACME"], 120, 40)
    page = read(page_with_image(png, (500, 40, 548, 56)), Path("t.pdf"), _cfg()).pages[0]
    assert FENCE not in page.text and "ocr_regions" not in page.metadata
    assert "Opening" in page.text


def test_image_ocr_off() -> None:
    png = text_image(["QUARTERLY REVENUE 2024"], 400, 80)
    cfg = _cfg().model_copy(update={"image_ocr": False})
    page = read(page_with_image(png, (72, 200, 472, 280)), Path("t.pdf"), cfg).pages[0]
    assert FENCE not in page.text and "QUARTERLY" not in page.text.upper()


def test_captioned_figure_is_not_ocred_unless_asked() -> None:
    png = text_image(["STRESS MPa 250", "STRAIN 0.4 0.8"], 400, 80)
    doc = pymupdf.open("pdf", page_with_image(png, (72, 200, 472, 280)))
    doc[0].insert_text((72, 300), "Fig. 7. Stress-strain curves of the annealed samples.", fontsize=9)
    data = doc.tobytes()
    page = read(data, Path("t.pdf"), _cfg()).pages[0]
    assert FENCE not in page.text and "ocr_regions" not in page.metadata
    assert "Fig. 7." in page.text
    cfg = _cfg()
    cfg.image_ocr_figures = True
    assert "STRAIN" in read(data, Path("t.pdf"), cfg).pages[0].text.upper()
