"""PPTX reader (python-pptx): one page per slide, its title, text frames and tables; notes apart.

Each page's metadata names its slide (``{"slide": 3, "title": "..."}``); speaker notes go into the
page metadata (``notes``), not into the text.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from corpusforge.ingest.base import OnPage, PageText, Reader, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig

CELL_SEP = " | "


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read a PowerPoint file, one page per slide (``on_page`` is called before each slide)."""
    import pptx

    try:
        deck = pptx.Presentation(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"corrupt PPTX: {_first_line(e)}") from None
    except Exception as e:  # lxml XMLSyntaxError, PackageNotFoundError, ...
        raise ReadError(f"corrupt PPTX: {type(e).__name__}: {_first_line(e)}") from None
    slides = list(deck.slides)
    pages = []
    for n, slide in enumerate(slides, 1):
        if on_page:
            on_page(n, len(slides))
        pages.append(_slide_page(slide, n))
    if not pages:
        raise ReadError("empty: the presentation has no slides")
    core = deck.core_properties
    metadata: dict[str, Any] = {"slides": len(pages)}
    if core.author:
        metadata["author"] = core.author
    title = core.title or next((p.metadata["title"] for p in pages if p.metadata["title"]), "")
    return ReadResult(pages=pages, title=title[:200], metadata=metadata)


def _slide_page(slide: Any, n: int) -> PageText:
    title_shape = slide.shapes.title
    title = title_shape.text_frame.text.strip() if title_shape is not None else ""
    lines: list[str] = []
    for shape in slide.shapes:
        lines.extend(_shape_lines(shape))
    meta: dict[str, Any] = {"slide": n, "title": title}
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame.text.strip() if slide.notes_slide.notes_text_frame else ""
        if notes:
            meta["notes"] = notes
    return PageText("\n".join(lines), meta)


def _shape_lines(shape: Any) -> list[str]:
    if shape.shape_type is not None and getattr(shape, "shapes", None) is not None:  # a group
        return [ln for sub in shape.shapes for ln in _shape_lines(sub)]
    if getattr(shape, "has_table", False) and shape.has_table:
        return [CELL_SEP.join(c.text.strip() for c in row.cells) for row in shape.table.rows]
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return [p.text for p in shape.text_frame.paragraphs if p.text.strip()]
    return []


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


READER = Reader(read, suffixes=(".pptx",), label="PowerPoint presentation")
