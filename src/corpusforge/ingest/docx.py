"""DOCX reader (python-docx): body paragraphs and tables in document order; headers/footers kept apart.

Tables become text rows (cells joined by `` | ``, merged cells once). Headers and footers are read into
the document metadata, never into the body, so running heads are not repeated into the text.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from corpusforge.ingest.base import OnPage, PageText, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig

CELL_SEP = " | "


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read a DOCX file as one logical page (``on_page`` is not called: no real pages)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"corrupt DOCX: {_first_line(e)}") from None
    except Exception as e:  # lxml XMLSyntaxError and friends from a damaged part
        raise ReadError(f"corrupt DOCX: {type(e).__name__}: {_first_line(e)}") from None
    try:
        lines, n_tables = _body_lines(document)
    except Exception as e:  # a damaged table grid or paragraph python-docx cannot walk
        raise ReadError(f"corrupt DOCX: body cannot be read: {type(e).__name__}: {_first_line(e)}") from None
    headers, footers = _running_texts(document)
    title, author = _core_properties(document)
    title = title or _heading_title(document)
    metadata: dict[str, Any] = {"tables": n_tables, "headers": headers, "footers": footers}
    if author:
        metadata["author"] = author
    return ReadResult(pages=[PageText("\n".join(lines))], title=title, metadata=metadata)


def _body_lines(document: Any) -> tuple[list[str], int]:
    """The body as text lines (paragraphs, table rows) and the number of tables."""
    lines: list[str] = []
    n_tables = 0
    for kind, item in _body_items(document):
        if kind == "table":
            n_tables += 1
            lines.extend(table_rows(item))
        elif item.text.strip():
            lines.append(item.text.strip())
    return lines, n_tables


def _body_items(document: Any) -> list[tuple[str, Any]]:
    """Paragraphs and tables of the body, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    items: list[tuple[str, Any]] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            items.append(("p", Paragraph(child, document)))
        elif tag == "tbl":
            items.append(("table", Table(child, document)))
    return items


def table_rows(table: Any) -> list[str]:
    """One text line per table row; merged cells (repeated by python-docx) appear once."""
    rows: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            nested = [r for t in cell.tables for r in table_rows(t)]
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            cells.append(" ".join([text, *nested]).strip())
        if any(cells):
            rows.append(CELL_SEP.join(cells))
    return rows


def _running_texts(document: Any) -> tuple[list[str], list[str]]:
    """Distinct header and footer texts over all sections."""
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        for part, bucket in ((section.header, headers), (section.footer, footers)):
            try:
                text = "\n".join(p.text.strip() for p in part.paragraphs if p.text.strip())
            except Exception:  # a missing or broken header part is not worth failing the file
                continue
            if text and text not in bucket:
                bucket.append(text)
    return headers, footers


def _heading_title(document: Any) -> str:
    """The first non-empty paragraph styled as a title or heading; '' when the styles part is damaged."""
    try:
        return next(
            (
                p.text.strip()
                for p in document.paragraphs
                if p.style is not None
                and p.style.name.lower().startswith(("title", "heading"))
                and p.text.strip()
            ),
            "",
        )
    except Exception:  # a styles part of the wrong type or with broken XML: no title, body still read
        return ""


def _core_properties(document: Any) -> tuple[str, str]:
    """``(title, author)`` from the document properties; a damaged properties part gives ``("", "")``."""
    try:
        props = document.core_properties
        return props.title or "", props.author or ""
    except Exception:  # wrong content type, broken XML, bad dates: the body is still worth reading
        return "", ""


def _first_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return msg[0] if msg else type(e).__name__
