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


def ocr_page(page: Any, languages: str, dpi: int = OCR_DPI, timeout: float = 0) -> str:
    """Render one PyMuPDF page and read it with Tesseract.

    Args:
        page: a ``pymupdf.Page``.
        languages: Tesseract language codes, e.g. ``chi_sim+eng``.
        dpi: render resolution.
        timeout: seconds before Tesseract is stopped (0: no limit).

    Raises:
        ReadError: when the page cannot be rendered, or Tesseract is missing, lacks a language pack or
            runs out of time.
    """
    try:
        import pytesseract
        from PIL import Image
    except ImportError as e:  # pragma: no cover - both are core dependencies
        raise ReadError(f"OCR needs pytesseract and Pillow: {e}") from None
    if not tesseract_available():
        raise ReadError("OCR is on but the tesseract binary is not installed (apt install tesseract-ocr)")
    # One thread per tesseract: its OpenMP threads fight each other (3x slower) on small shared machines.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        pix = page.get_pixmap(dpi=dpi, colorspace="gray", alpha=False)
    except Exception as e:  # a damaged content stream or resource: this page only, the rest still read
        first = (str(e).strip().splitlines() or [""])[0][:120]
        raise ReadError(f"page cannot be rendered: {type(e).__name__}: {first}") from None
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    try:
        text = pytesseract.image_to_string(image, lang=languages, config="--psm 3", timeout=timeout)
    except pytesseract.TesseractError as e:
        raise ReadError(f"tesseract failed ({languages}): {str(e).strip().splitlines()[-1]}") from None
    except RuntimeError as e:  # pytesseract's timeout
        raise ReadError(f"tesseract gave up after {timeout:g} s ({e})") from None
    return _join_cjk(text)


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
