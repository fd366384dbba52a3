"""XLSX reader (openpyxl): one page per sheet, its cells as a Markdown table (first row the header).

Each page's metadata names its sheet (``{"sheet": "Q3", "rows": 12}``). Cell values are the cached
results of formulas (``data_only``); empty rows and trailing empty columns are dropped.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from corpusforge.ingest.base import OnPage, PageText, Reader, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read an Excel workbook, one page per sheet (``on_page`` is called before each sheet)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ReadError(f"corrupt XLSX: {_first_line(e)}") from None
    except Exception as e:  # lxml errors, InvalidFileException, ...
        raise ReadError(f"corrupt XLSX: {type(e).__name__}: {_first_line(e)}") from None
    try:
        names = book.sheetnames
        pages = []
        for n, name in enumerate(names, 1):
            if on_page:
                on_page(n, len(names))
            rows = _rows(book[name])
            pages.append(PageText(markdown_table(rows), {"sheet": name, "rows": len(rows)}))
        title = book.properties.title or ""
    finally:
        book.close()
    if not pages:
        raise ReadError("empty: the workbook has no sheets")
    return ReadResult(pages=pages, title=title[:200], metadata={"sheets": len(pages)})


def _rows(sheet: Any) -> list[list[str]]:
    rows = [
        [_cell(v) for v in row]
        for row in sheet.iter_rows(values_only=True)
        if any(v is not None and str(v).strip() for v in row)
    ]
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v), default=0)
    return [(row + [""] * width)[:width] for row in rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table of ``rows``, the first being the header; empty string for no rows."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(lines)


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


READER = Reader(read, suffixes=(".xlsx", ".xlsm"), label="Excel workbook")
