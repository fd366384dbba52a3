"""OCR of PDF pages with Tesseract (through pytesseract), for pages without a usable text layer."""

from __future__ import annotations

import logging
import os
import shutil
from typing import Any

from corpusforge.ingest.base import ReadError

log = logging.getLogger(__name__)

OCR_DPI = 200


def tesseract_available() -> bool:
    """True when the ``tesseract`` binary is on PATH."""
    return shutil.which("tesseract") is not None


# RapidOCR's PP-OCRv4 models read Chinese (simplified and traditional) and English; other languages go
# to Tesseract.
RAPID_LANGS = {"chi_sim", "chi_tra", "eng", "chi_sim_vert", "chi_tra_vert"}


def pick_engine(engine: str, languages: str) -> str:
    """``rapidocr`` or ``tesseract`` for ``ingest.ocr_engine`` (``auto`` prefers RapidOCR when it can)."""
    if engine != "auto":
        return engine
    from corpusforge.ingest.rapid_ocr import rapidocr_available

    if set(languages.split("+")) <= RAPID_LANGS and rapidocr_available():
        return "rapidocr"
    return "tesseract"


def ocr_page(
    page: Any,
    languages: str,
    dpi: int = OCR_DPI,
    timeout: float = 0,
    engine: str = "auto",
    clip: Any = None,
) -> str:
    """Render one PyMuPDF page (or the ``clip`` rectangle of it) and read it with RapidOCR or Tesseract.

    See :func:`pick_engine` for the choice of engine.

    Args:
        page: a ``pymupdf.Page``.
        languages: Tesseract language codes, e.g. ``chi_sim+eng``.
        engine: ``auto``, ``rapidocr`` or ``tesseract``.
        dpi: render resolution.
        timeout: seconds before Tesseract is stopped (0: no limit).
        clip: a ``pymupdf.Rect`` of the page to read (an image on a text page); None for the whole page.

    Raises:
        ReadError: when the page cannot be rendered, or Tesseract is missing, lacks a language pack or
            runs out of time.
    """
    if pick_engine(engine, languages) == "rapidocr":
        return ocr_rapid(_render(page, dpi, clip))
    try:
        import pytesseract
        from PIL import Image
    except ImportError as e:  # pragma: no cover - both are core dependencies
        raise ReadError(f"OCR needs pytesseract and Pillow: {e}") from None
    if not tesseract_available():
        raise ReadError("OCR is on but the tesseract binary is not installed (apt install tesseract-ocr)")
    # One thread per tesseract: its OpenMP threads fight each other (3x slower) on small shared machines.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    pix = _render(page, dpi, clip)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    try:
        text = pytesseract.image_to_string(image, lang=languages, config="--psm 3", timeout=timeout)
    except pytesseract.TesseractError as e:
        raise ReadError(f"tesseract failed ({languages}): {str(e).strip().splitlines()[-1]}") from None
    except RuntimeError as e:  # pytesseract's timeout
        raise ReadError(f"tesseract gave up after {timeout:g} s ({e})") from None
    return _join_cjk(text)


def _render(page: Any, dpi: int, clip: Any = None) -> Any:
    """The page (or its ``clip`` rectangle) as a grayscale pixmap."""
    try:
        return page.get_pixmap(dpi=dpi, colorspace="gray", alpha=False, clip=clip)
    except Exception as e:  # a damaged content stream or resource: this page only, the rest still read
        first = (str(e).strip().splitlines() or [""])[0][:120]
        raise ReadError(f"page cannot be rendered: {type(e).__name__}: {first}") from None


def ocr_rapid(pix: Any, strip_px: int | None = -1) -> str:
    """Read a grayscale pixmap with RapidOCR; lines are put in reading order (columns one by one, each
    line's boxes left to right)."""
    import numpy as np

    from corpusforge.ingest.layout import Block, reading_order
    from corpusforge.ingest.rapid_ocr import ocr_image

    gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
    lines = ocr_image(gray) if strip_px == -1 else ocr_image(gray, strip_px)
    pt = 72 / (pix.xres or 72)  # boxes in points, the unit of reading_order's gutters and gaps
    blocks = [Block(x0 * pt, y0 * pt, x1 * pt, y1 * pt, text) for x0, y0, x1, y1, text in lines]
    ordered, _ = reading_order(blocks)
    return "\n".join(b.text for b in ordered)


def _join_cjk(text: str) -> str:
    """Tesseract puts spaces between Chinese characters; drop the ones between two CJK characters."""
    out: list[str] = []
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch == " " and 0 < i < len(chars) - 1 and _cjk(chars[i - 1]) and _cjk(chars[i + 1]):
            continue
        out.append(ch)
    return "".join(out)


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
