"""``ingest`` section of corpusforge.yaml."""

from __future__ import annotations

import importlib.util
import shutil
from typing import Literal

from pydantic import Field

from corpusforge.configbase import Section


class IngestConfig(Section):
    """How documents are read."""

    ocr: bool = Field(
        default_factory=lambda: (
            shutil.which("tesseract") is not None
            or importlib.util.find_spec("rapidocr_onnxruntime") is not None
        ),
        description="Re-read pages with no or garbage text layer by OCR "
        "(default: on when RapidOCR or tesseract is installed).",
    )
    ocr_languages: str = Field("chi_sim+eng", description="Tesseract language codes for OCR.")
    ocr_engine: Literal["auto", "rapidocr", "tesseract"] = Field(
        "auto",
        description="OCR engine: rapidocr (PP-OCRv4, Chinese and English), tesseract, or auto "
        "(RapidOCR when installed and ocr_languages are only Chinese/English, else Tesseract).",
    )
    ocr_dpi: int = Field(200, ge=72, le=600, description="Resolution at which pages are rendered for OCR.")
    ocr_timeout_s: float = Field(
        180.0,
        gt=0,
        description="Give up OCR of one page after this many seconds "
        "(the page is then left empty, with a warning).",
    )
    image_ocr: bool = Field(
        True,
        description="OCR big images on PDF text pages (tables, charts, pasted scans) when ingest.ocr is on; "
        "their text is placed in reading order, fenced as ```ocr ... ```, and listed in the page's "
        "metadata ocr_regions.",
    )
    image_ocr_figures: bool = Field(
        False,
        description="Also OCR images captioned as figures (Fig. 3, Figure 3, 图 3): their tick labels "
        "and panel letters (image_ocr).",
    )
    image_ocr_min_area: float = Field(
        0.04, gt=0, le=1, description="Share of the page an image must cover to be OCRed (image_ocr)."
    )
    image_ocr_min_px: int = Field(
        100, ge=1, description="Pixels an image must have on both sides to be OCRed (image_ocr)."
    )
    pdf_tables: Literal["layout", "lines", "off"] = Field(
        "layout",
        description="Tables on PDF pages that draw rules become Markdown tables in place of their loose "
        "text: layout (PyMuPDF find_tables with its layout model, best cell accuracy, ~1 s a table page), "
        "lines (ruling lines only, ~0.1 s, misses tables without vertical rules) or off.",
    )
    table_min_rules: int = Field(
        3, ge=1, description="Straight rules a PDF page must draw before tables are looked for on it."
    )
    pdf_passwords: list[str] = Field(
        default_factory=list, description="Passwords tried on encrypted PDFs, in order."
    )
    max_file_mb: float = Field(200.0, gt=0, description="Files larger than this are skipped with a reason.")
    text_page_chars: int = Field(
        200_000,
        ge=1000,
        description="Text/Markdown files are split into pages of about this many characters.",
    )
    tags: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Tags by path glob, e.g. {'reports/*.pdf': {'source_type': 'report'}}; "
        "kept on the document and every record made from it.",
    )
    include: list[str] = Field(
        default_factory=lambda: ["**/*"], description="Globs of files to ingest in folders."
    )
    exclude: list[str] = Field(
        default_factory=lambda: ["**/.*", "**/.corpusforge/**"],
        description="Globs of files to skip in folders.",
    )
