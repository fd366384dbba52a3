"""Tables of PDF pages as Markdown tables, so numbers keep their row and column.

PyMuPDF's ``page.find_tables()`` (with its layout model, the ``pymupdf-layout`` package) scored best of the
three finders compared in ``bench/bench_pdf_tables.py``; it costs about a second a page, so it only runs on
pages that draw at least ``min_rules`` horizontal rules of one width (table borders or booktabs lines, see
:func:`draws_rules`), a check on ``page.get_cdrawings()`` that costs about half a ``get_text()``, skipped
when the boxes of the page's vector paths (from the text page the reader makes anyway) show no rule or
too few. Pages of running text, framed boxes and figures do not qualify and are not slowed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from corpusforge.ingest.layout import Block

log = logging.getLogger(__name__)

MIN_RULE_PT = 20.0  # a rule shorter than this (an underline, a tick, a bullet) does not count
MIN_RULES = 3  # booktabs tables draw three: top, below the header, bottom
MIN_TABLE_PT = 100.0  # a joined rule narrower than this is a box or an underline, not a table border
MAX_CELL_PT = 40.0  # a taller box is a frame (figure, sidebar), not a cell or a rule
END_TOL = 3.0  # points by which the ends of one table's rules may differ
THIN_PT = 6.0  # a vector path at most this tall (a stroked line, a bar) holds no two rows' rules
_IS_RECT = "is-rect: true"  # in a vector block's text (PyMuPDF "blocks"): the path is one rectangle


@dataclass(slots=True)
class PageTable:
    """A table found on a page: its box (points) and its Markdown."""

    bbox: tuple[float, float, float, float]
    markdown: str
    rows: int
    cols: int


def draws_rules(page: Any, min_rules: int = MIN_RULES, vectors: list[Any] | None = None) -> bool:
    """True when the page draws ``min_rules`` horizontal rules of one width, stacked: a table's borders.

    ``vectors``: the boxes ``(x0, y0, x1, y1, ...)`` of the page's vector paths, as a text page made with
    ``TEXT_COLLECT_VECTORS`` lists them at no extra cost. ``get_cdrawings()`` is then not called when no
    path is ``MIN_RULE_PT`` wide (no rule at all: most pages of running text), nor when the wide paths are
    thin ones (a header bar, a footnote separator) and rectangles (a page background, a framed box) whose
    edges lie in fewer than ``min_rules`` bands ``THIN_PT`` tall (:func:`_may_draw_rules`): no table row
    fits in one. (The full check would count a thick bar's two edges as two rules; no table is drawn so.)

    Horizontal segments (lines, thin rectangles, the top and bottom edges of boxes) that touch on one
    height are joined first (tables drawn cell by cell, booktabs ``cmidrule``); the page qualifies when at
    least ``min_rules`` joined rules, each at least ``MIN_TABLE_PT`` wide, share their left and right ends
    (within ``END_TOL`` points) at distinct heights. A framed box (two rules), stacked narrow boxes and
    underlines do not; see ``bench/bench_pdf_tables.py`` for the tables it keeps.
    """
    if vectors is not None and not _may_draw_rules(vectors, min_rules):
        return False
    try:
        paths = page.get_cdrawings()
    except Exception:  # a damaged content stream: no tables, the text is still read
        return False
    segments: list[tuple[float, float, float]] = []  # (y, x0, x1)
    for path in paths:
        for item in path.get("items", ()):
            if item[0] == "l":
                (x0, y0), (x1, y1) = item[1], item[2]
                if abs(y1 - y0) < 1 and abs(x1 - x0) >= MIN_RULE_PT:
                    segments.append((y0, min(x0, x1), max(x0, x1)))
            elif item[0] == "re":
                x0, y0, x1, y1 = item[1]
                if abs(x1 - x0) >= MIN_RULE_PT and abs(y1 - y0) < MAX_CELL_PT:  # a rule or a cell
                    segments.append((min(y0, y1), min(x0, x1), max(x0, x1)))
                    if abs(y1 - y0) >= 2:
                        segments.append((max(y0, y1), min(x0, x1), max(x0, x1)))
    if len(segments) < min_rules:
        return False
    rules = [r for r in _join(segments) if r[2] - r[1] >= MIN_TABLE_PT]
    rules.sort(key=lambda r: (r[1], r[2]))
    for k, (_, x0, x1) in enumerate(rules):
        heights = {round(r[0]) for r in rules[k:] if abs(r[1] - x0) <= END_TOL and abs(r[2] - x1) <= END_TOL}
        if len(heights) >= min_rules:
            return True
    return False


def _may_draw_rules(vectors: list[Any], min_rules: int) -> bool:
    """False when the vector boxes leave room for fewer than ``min_rules`` table-wide rules.

    Each path ``MIN_RULE_PT`` wide or more holds its horizontal segments in bands: a thin path (at most
    ``THIN_PT`` tall) in one, a rectangle (``is-rect: true`` in the vector block's text) along its top and
    bottom edges, any other path anywhere (then the page is not settled here). Overlapping bands are
    merged; a merged band holds at most one rule, and only when the widths of its paths add up to
    ``MIN_TABLE_PT``. A merged band taller than ``THIN_PT`` is not settled either. Without the marker (an
    other PyMuPDF text format) a rectangle counts as any other path: slower, never a different verdict.
    """
    wide = [v for v in vectors if v[2] - v[0] >= MIN_RULE_PT]
    if len(wide) < min_rules and all(v[3] - v[1] <= THIN_PT for v in wide):
        return False
    bands: list[tuple[float, float, float]] = []  # (y0, y1, width)
    for x0, y0, x1, y1, text, *_ in wide:
        if y1 - y0 <= THIN_PT:
            bands.append((y0, y1, x1 - x0))
        elif _IS_RECT in text:
            bands += [(y0, y0 + THIN_PT, x1 - x0), (y1 - THIN_PT, y1, x1 - x0)]
        else:
            return True  # a figure or a path of many lines: only get_cdrawings() can tell
    rules = 0
    merged: list[list[float]] = []
    for y0, y1, width in sorted(bands):
        if merged and y0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], y1)
            merged[-1][2] += width
        else:
            merged.append([y0, y1, width])
    for y0, y1, width in merged:
        if y1 - y0 > THIN_PT:
            return True
        rules += width >= MIN_TABLE_PT
    return rules >= min_rules


def _join(segments: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Horizontal segments on one height (within a point) that touch or overlap, joined."""
    out: list[tuple[float, float, float]] = []
    for y, x0, x1 in sorted(segments, key=lambda s: (round(s[0]), s[1])):
        if out and abs(out[-1][0] - y) < 1 and x0 <= out[-1][2] + 2:
            out[-1] = (out[-1][0], out[-1][1], max(out[-1][2], x1))
        else:
            out.append((y, x0, x1))
    return out


def find_tables(page: Any, use_layout: bool = True) -> list[PageTable]:
    """Tables of at least 2 rows and 2 columns on ``page``, top to bottom; [] when PyMuPDF fails."""
    try:
        found = page.find_tables(use_layout=use_layout).tables
    except Exception as e:  # a table finder crash must not lose the page's text
        log.debug("find_tables failed on page %s: %s", page.number, e)
        return []
    out: list[PageTable] = []
    for table in found:
        rows = clean_rows(table.extract())
        if len(rows) >= 2 and len(rows[0]) >= 2:
            out.append(PageTable(tuple(table.bbox), markdown_table(rows), len(rows), len(rows[0])))
    return sorted(out, key=lambda t: (t.bbox[1], t.bbox[0]))


def clean_rows(rows: list[list[str | None]]) -> list[list[str]]:
    """Cells as one-line strings (merged cells empty); rows and columns with no text dropped."""
    cells = [[cell_text(c) for c in row] for row in rows]
    cells = [row for row in cells if any(row)]
    if not cells:
        return []
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]
    keep = [j for j in range(width) if any(row[j] for row in cells)]
    return [[row[j] for j in keep] for row in cells]


def cell_text(value: str | None) -> str:
    """A cell's lines joined (no space between CJK characters), ``|`` escaped."""
    if not value:
        return ""
    parts = [p.strip() for p in value.split("\n") if p.strip()]
    text = ""
    for part in parts:
        cjk = text and (_cjk(text[-1]) or _cjk(part[0]))
        text = text + part if not text or cjk else text + " " + part
    return text.replace("|", "\\|")


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table of ``rows``, the first being the header."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(lines)


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\uac00" <= ch <= "\ud7af"


def blocks_outside(
    page: Any, boxes: list[tuple[float, float, float, float]], flags: int, textpage: Any = None
) -> list[Block]:
    """The page's text blocks without the lines centred inside one of ``boxes`` (the tables' cells);
    ``textpage``: the page's text, already extracted (``flags`` then unused)."""
    out: list[Block] = []
    for block in page.get_text("dict", flags=flags, textpage=textpage)["blocks"]:
        if block.get("type") != 0:
            continue
        lines = [line for line in block["lines"] if not _inside(line["bbox"], boxes)]
        text = "\n".join("".join(s["text"] for s in line["spans"]) for line in lines)
        if text.strip():
            x0s, y0s, x1s, y1s = zip(*(line["bbox"] for line in lines), strict=True)
            out.append(Block(min(x0s), min(y0s), max(x1s), max(y1s), text))
    return out


def _inside(bbox: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)
