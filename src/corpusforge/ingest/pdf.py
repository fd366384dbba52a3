"""PDF reader (PyMuPDF): text per page in reading order, bad text layers detected, OCR when enabled."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pymupdf

from corpusforge.ingest.base import OnPage, PageText, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.furniture import strip_furniture
from corpusforge.ingest.garble import neighbour_outliers
from corpusforge.ingest.image_text import image_blocks
from corpusforge.ingest.layout import Block, reading_order
from corpusforge.ingest.quality import check_text
from corpusforge.ingest.tables import blocks_outside, draws_rules, find_tables

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# PyMuPDF's flags for "blocks" (whitespace kept, clipped to the page, unknown glyphs as U+FFFD so that the
# quality check sees them) minus TEXT_PRESERVE_LIGATURES: "ﬁ" is written as "fi".
TEXT_FLAGS = pymupdf.TEXTFLAGS_BLOCKS & ~pymupdf.TEXT_PRESERVE_LIGATURES


def open_pdf(data: bytes, cfg: IngestConfig) -> Any:
    """Open PDF bytes, unlocking encrypted files with the configured passwords.

    Raises:
        ReadError: corrupt file, no pages, or encrypted with no working password.
    """
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as e:  # PyMuPDF raises its own FileDataError, RuntimeError, ValueError
        raise ReadError(f"corrupt PDF: {_first_line(e)}") from None
    try:
        _check_open(doc, cfg)
    except Exception as e:
        doc.close()
        if isinstance(e, ReadError):
            raise
        raise ReadError(f"corrupt PDF: {_first_line(e)}") from None  # e.g. a broken page count
    return doc


def _check_open(doc: Any, cfg: IngestConfig) -> None:
    """Unlock ``doc`` with the configured passwords; raise :class:`ReadError` when locked or page-less."""
    if doc.needs_pass:
        if not any(doc.authenticate(pw) for pw in cfg.pdf_passwords):
            tried = (
                f"none of the {len(cfg.pdf_passwords)} passwords in"
                if cfg.pdf_passwords
                else "no password set in"
            )
            raise ReadError(f"encrypted PDF: {tried} ingest.pdf_passwords opens it")
    if doc.page_count == 0:
        raise ReadError("corrupt PDF: no pages")


def page_text(page: Any, cfg: IngestConfig | None = None) -> tuple[str, int]:
    """Text of one page in reading order (columns one after another); returns (text, columns).

    With ``cfg``, tables come as Markdown tables in place of their cells' text (see :func:`page_blocks`).
    """
    return join_blocks(page_blocks(page, cfg))


def page_blocks(
    page: Any, cfg: IngestConfig | None = None, meta: dict[str, Any] | None = None
) -> list[Block]:
    """The page's text blocks; with ``cfg.pdf_tables`` on, a page that draws rules has its tables as
    Markdown blocks instead of their cells' lines (each listed in ``meta["tables"]``)."""
    # One text page serves the blocks, the boxes of the vector paths (for the table pre-check) and, on a
    # table page, the lines outside the tables: the page's content is interpreted once for all three.
    textpage = page.get_textpage(flags=TEXT_FLAGS | pymupdf.TEXT_COLLECT_VECTORS)
    found = page.get_text("blocks", textpage=textpage)
    tables = []
    if cfg is not None and cfg.pdf_tables != "off":
        vectors = [b for b in found if b[6] == 3]
        if draws_rules(page, cfg.table_min_rules, vectors):
            tables = find_tables(page, use_layout=cfg.pdf_tables == "layout")
    if not tables:
        return [Block(b[0], b[1], b[2], b[3], b[4]) for b in found if b[6] == 0 and b[4].strip()]
    if meta is not None:
        meta["tables"] = [
            {"bbox": [round(v, 1) for v in t.bbox], "rows": t.rows, "cols": t.cols} for t in tables
        ]
    cells = blocks_outside(page, [t.bbox for t in tables], TEXT_FLAGS, textpage)
    return cells + [Block(*t.bbox, t.markdown, kind="table") for t in tables]


def join_blocks(blocks: list[Block]) -> tuple[str, int]:
    """Blocks in reading order as one text (tables and OCR text set apart by blank lines), and columns."""
    ordered, columns = reading_order(blocks)
    text = "\n".join(b.text.rstrip("\n") if b.kind == "text" else f"\n{b.text}\n" for b in ordered)
    return text.strip("\n") if any(b.kind != "text" for b in ordered) else text, columns


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read every page; pages with no or garbage text are OCR'd when ``cfg.ocr`` is on, else left empty.

    Args:
        on_page: called with (page number, page count) before each page, for progress on long files.
    """
    doc = open_pdf(data, cfg)
    encrypted = bool((doc.metadata or {}).get("encryption"))
    pages: list[PageText] = []
    warnings: list[str] = []
    counts = {"ocr": 0, "empty": 0, "garbage": 0, "multi_column": 0, "broken": 0}
    try:
        for number in range(1, doc.page_count + 1):
            if on_page:
                on_page(number, doc.page_count)
            pages.append(_read_page(doc, number, cfg, counts, warnings))
        layers = [p.text if p.metadata.get("text_source") == "text" else "" for p in pages]
        for i, why in neighbour_outliers(layers).items():  # script unlike the neighbours': OCR it
            meta = pages[i].metadata
            meta.update(quality="garbage", reason=why)
            pages[i].text = _fallback(doc.load_page(i), i + 1, why, cfg, meta, warnings)
            counts["garbage"] += 1
            counts["ocr"] += meta["method"] == "ocr"
            meta["text_source"] = meta["method"]
        strip_furniture(pages)
        if counts["broken"] == len(pages):
            why = pages[0].metadata["reason"]
            raise ReadError(f"corrupt PDF: none of its {len(pages)} pages can be loaded: {why}")
    finally:
        metadata = {
            k: v
            for k, v in (doc.metadata or {}).items()
            if v and k in ("title", "author", "subject", "creator", "producer")
        }
        doc.close()
    metadata.update(pages=len(pages), encrypted=encrypted, **{f"pages_{k}": v for k, v in counts.items()})
    return ReadResult(pages=pages, title=metadata.get("title", ""), metadata=metadata, warnings=warnings)


def _read_page(
    doc: Any, number: int, cfg: IngestConfig, counts: dict[str, int], warnings: list[str]
) -> PageText:
    """One page's text (OCR'd or left empty when its text layer is unusable); a broken page stays empty."""
    try:  # a damaged page tree or page object must not lose the rest of the document
        page = doc.load_page(number - 1)
    except Exception as e:  # PyMuPDF raises FzErrorFormat, ValueError, RuntimeError, ...
        counts["broken"] += 1
        warnings.append(f"page {number}: cannot be loaded: {_first_line(e)}")
        return PageText("", {"method": "none", "quality": "broken", "reason": _first_line(e)})
    meta: dict[str, Any] = {"method": "text"}
    blocks: list[Block] = []
    try:
        blocks = page_blocks(page, cfg, meta)
        text, columns = join_blocks(blocks)
    except Exception as e:
        text, columns = "", 1
        warnings.append(f"page {number}: text extraction failed: {_first_line(e)}")
    meta["columns"] = columns
    verdict = check_text(text, has_images=len(text) < 64 and _has_images(page))
    if verdict.quality == "ok" and cfg.ocr and cfg.image_ocr:
        extra, regions = image_blocks(page, blocks, cfg, warnings)
        if regions:
            meta["ocr_regions"] = regions
        if extra:
            text, columns = join_blocks(blocks + extra)
            meta["columns"] = columns
    counts["multi_column"] += columns > 1
    text = _CONTROL.sub("", text)  # e.g. U+0007 bullets in the Korean fixture
    if verdict.quality != "ok":
        counts[verdict.quality] += 1
        meta.update(quality=verdict.quality, reason=verdict.reason)
        text = _fallback(page, number, verdict.reason, cfg, meta, warnings)
        counts["ocr"] += meta["method"] == "ocr"
    meta["text_source"] = meta["method"]  # text, ocr or none; ``reason`` says why when not text
    return PageText(text, meta)


def _fallback(
    page: Any, number: int, reason: str, cfg: IngestConfig, meta: dict[str, Any], warnings: list[str]
) -> str:
    """OCR a page whose text layer is missing or garbage; without OCR the page is kept empty."""
    if not cfg.ocr:
        warnings.append(f"page {number}: {reason}; left empty (ingest.ocr is off)")
        meta["method"] = "none"
        return ""
    try:
        text = ocr_text(page, cfg)
    except ReadError as e:  # a page OCR cannot read must not lose the document's other pages
        warnings.append(f"page {number}: {reason}; OCR failed: {e}")
        meta.update(method="none", ocr_error=str(e))
        return ""
    after = check_text(text)
    meta.update(method="ocr", ocr_quality=after.quality)
    warnings.append(f"page {number}: {reason}; read by OCR ({len(text.strip())} characters)")
    return text if after.quality != "garbage" else ""


def ocr_text(page: Any, cfg: IngestConfig) -> str:
    """OCR one page (imported lazily so PDFs with good text layers never load pytesseract)."""
    from corpusforge.ingest.ocr import ocr_page

    return ocr_page(
        page, cfg.ocr_languages, dpi=cfg.ocr_dpi, timeout=cfg.ocr_timeout_s, engine=cfg.ocr_engine
    )


def _has_images(page: Any) -> bool:
    try:
        return bool(page.get_images())
    except Exception:  # a damaged resource dictionary: judge the page by its text alone
        return False


def _first_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return msg[0] if msg else type(e).__name__
