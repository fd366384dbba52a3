"""OCR with RapidOCR (PP-OCRv4 det/rec ONNX models shipped inside the wheel, fully offline).

RapidOCR shrinks any image whose long side exceeds ``max_side_len`` (2000 px) before text detection. A big
page (the chemistry fixture is 1772 x 3347 pt, 4922 x 9297 px at 200 dpi, with 10.5 pt text) then has 6 px
high text and detection finds almost nothing (F1 0.10). Pages are therefore cut into horizontal strips at
blank rows, each strip at most ``STRIP_PX`` high, and the size limit is raised to the strip's width, so the
text keeps its rendered size whatever the page size.

RapidOCR's line-orientation classifier is not run: a rendered page is upright (PyMuPDF applies the page's
rotation), and the classifier turned upright lines of dense Chinese text upside down, which the
recogniser then read as nothing (4 of 41 lines of the academic-article fixture at 150 dpi; without it all 41
are read, in 40% of the time).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from corpusforge.ingest.base import ReadError

log = logging.getLogger(__name__)

STRIP_PX = 1600  # strip height; the detector's cost grows with pixels, so strips also bound memory
MAX_SIDE = 2000  # RapidOCR's own limit, kept for pages that fit in it


def rapidocr_available() -> bool:
    """True when ``rapidocr_onnxruntime`` (and opencv) can be imported."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def ocr_image(gray: Any, strip_px: int | None = STRIP_PX) -> list[tuple[float, float, float, float, str]]:
    """Read a grayscale image (numpy ``H x W``); returns text lines as (x0, y0, x1, y1, text).

    Args:
        gray: the image.
        strip_px: strip height; ``None`` reads the whole image under RapidOCR's own size limit (the
            behaviour that loses small text on big pages, kept for the benchmark).

    Raises:
        ReadError: RapidOCR is not installed.
    """
    try:
        import numpy as np
    except ImportError as e:  # pragma: no cover - numpy comes with opencv
        raise ReadError(f"RapidOCR needs numpy: {e}") from None
    if not rapidocr_available():
        raise ReadError("ingest.ocr_engine is rapidocr but rapidocr-onnxruntime is not installed")
    engine = _engine()
    lines: list[tuple[float, float, float, float, str]] = []
    height, width = gray.shape[:2]
    engine.max_side_len = MAX_SIDE if strip_px is None else max(MAX_SIDE, width + 1)
    for top, bottom in _strips(gray, np, strip_px or height):
        strip = np.ascontiguousarray(np.stack([gray[top:bottom]] * 3, axis=-1))
        result, _ = engine(strip, use_cls=False)
        for box, text, _score in result or []:
            xs = [p[0] for p in box]
            ys = [p[1] + top for p in box]
            lines.append((min(xs), min(ys), max(xs), max(ys), text))
    return lines


def _strips(gray: Any, np: Any, strip_px: int) -> list[tuple[int, int]]:
    """Row ranges of at most ``strip_px`` rows, cut in the middle of the longest run of blankest rows in
    each range's lower half (a cut flush with a line's last row of ink loses that line to the detector)."""
    height = gray.shape[0]
    if height <= strip_px:
        return [(0, height)]
    ink = (gray < 160).sum(axis=1)  # dark pixels per row
    out: list[tuple[int, int]] = []
    top = 0
    while height - top > strip_px:
        lo = top + strip_px // 2
        window = ink[lo : top + strip_px]
        cut = lo + _middle_of_blankest(window, np)
        out.append((top, cut))
        top = cut
    out.append((top, height))
    return out


def _middle_of_blankest(ink: Any, np: Any) -> int:
    """Index of the middle of the longest run of rows with the least ink."""
    low = np.concatenate(([0], (ink == ink.min()).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(low))
    starts, ends = edges[::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int(starts[k] + ends[k]) // 2
