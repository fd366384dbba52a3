"""Text inside images on text pages: big images (tables, charts, pasted scans) are OCRed in place.

An image qualifies when its own resolution is at least ``ingest.image_ocr_min_px`` on both sides and it
covers at least ``ingest.image_ocr_min_area`` of the page, so logos, icons and rules are never read. Its box
is rendered at ``ingest.ocr_dpi`` and read by the page OCR engine; the text becomes one block placed among
the page's text blocks in reading order, fenced as

    ```ocr
    text read from the image
    ```

with a blank line before and after, so the corpus stage keeps it as its own paragraph and a reader (or a
filter) can tell it from the text layer. The page's ``metadata["ocr_regions"]`` lists every region read as
``{"bbox": [x0, y0, x1, y1], "chars": n}``. An image the text layer already covers (a searchable scan, a
background under real text) is not read again, nor (unless ``ingest.image_ocr_figures``) a figure: an image
whose nearest text block below (or just above) is a figure caption (``Fig. 3``, ``Figure 3``, ``图 3``).
Its tick labels and panel letters are noise next to the caption (human gold such as MinerU's leaves
figures out: reading them lowered the MinerU gold article from F1 0.884 to 0.867); tables and charts
captioned ``Table``/``表``/``图表`` are still read.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from corpusforge.ingest.base import ReadError
from corpusforge.ingest.layout import Block

if TYPE_CHECKING:
    from corpusforge.ingest.config import IngestConfig

log = logging.getLogger(__name__)

FENCE = "```ocr"
_CAPTION = re.compile(r"^\s*(?:fig(?:ure|\.)?|abb\.?|图|圖)\s*\d", re.I)
CAPTION_ABOVE_PT = 30.0  # a caption above a figure sits this close
COVERED_CHARS = 20  # text-layer characters inside an image that mean the image's text is already there


def big_images(page: Any, min_area: float, min_px: int) -> list[Any]:
    """Boxes (``pymupdf.Rect``) of the page's images big enough to hold text worth reading, top to bottom."""
    try:
        images = page.get_images(full=True)
    except Exception:  # a damaged resource dictionary: read the text layer alone
        return []
    page_area = page.rect.width * page.rect.height
    boxes: list[Any] = []
    for image in images:
        if min(image[2], image[3]) < min_px:  # the image's own width and height in pixels
            continue
        try:
            rects = page.get_image_rects(image[0])
        except Exception:
            continue
        for rect in rects:
            rect = rect & page.rect
            if (
                not rect.is_empty
                and rect.width * rect.height >= min_area * page_area
                and all(max(abs(a - c) for a, c in zip(rect, b, strict=True)) > 1 for b in boxes)
            ):
                boxes.append(rect)
    return sorted(boxes, key=lambda r: (r.y0, r.x0))


def image_blocks(
    page: Any, blocks: list[Block], cfg: IngestConfig, warnings: list[str]
) -> tuple[list[Block], list[dict[str, Any]]]:
    """OCR the page's big images that the text layer does not cover; returns (blocks, ``ocr_regions``)."""
    from corpusforge.ingest.ocr import ocr_page

    out: list[Block] = []
    regions: list[dict[str, Any]] = []
    for rect in big_images(page, cfg.image_ocr_min_area, cfg.image_ocr_min_px):
        if _covered(rect, blocks) or (not cfg.image_ocr_figures and _figure(rect, blocks, page.rect.height)):
            continue
        try:
            text = ocr_page(
                page,
                cfg.ocr_languages,
                dpi=cfg.ocr_dpi,
                timeout=cfg.ocr_timeout_s,
                engine=cfg.ocr_engine,
                clip=rect,
            ).strip()
        except ReadError as e:  # the text layer is still good: keep it, say what was not read
            warnings.append(f"page {page.number + 1}: image at {_box(rect)} not OCRed: {e}")
            continue
        regions.append({"bbox": _box(rect), "chars": len("".join(text.split()))})
        if text:
            out.append(Block(rect.x0, rect.y0, rect.x1, rect.y1, f"{FENCE}\n{text}\n```", kind="ocr"))
    return out, regions


def _covered(rect: Any, blocks: list[Block]) -> bool:
    """Whether text-layer blocks centred inside ``rect`` hold at least ``COVERED_CHARS`` characters."""
    chars = 0
    for b in blocks:
        if rect.x0 <= (b.x0 + b.x1) / 2 <= rect.x1 and rect.y0 <= (b.y0 + b.y1) / 2 <= rect.y1:
            chars += len("".join(b.text.split()))
    return chars >= COVERED_CHARS


def _figure(rect: Any, blocks: list[Block], page_height: float) -> bool:
    """Whether the text block nearest below ``rect`` (within a quarter page), or one just above it, in
    the same column is a figure caption."""
    beside = [b for b in blocks if b.kind == "text" and min(b.x1, rect.x1) - max(b.x0, rect.x0) > 0]
    below = [b for b in beside if b.y0 >= rect.y1 - 2 and b.y0 - rect.y1 <= page_height / 4]
    above = [b for b in beside if b.y1 <= rect.y0 + 2 and rect.y0 - b.y1 <= CAPTION_ABOVE_PT]
    near = [min(below, key=lambda b: b.y0)] if below else []
    near += [max(above, key=lambda b: b.y1)] if above else []
    return any(_CAPTION.match(b.text) for b in near)


def _box(rect: Any) -> list[float]:
    return [round(rect.x0, 1), round(rect.y0, 1), round(rect.x1, 1), round(rect.y1, 1)]
