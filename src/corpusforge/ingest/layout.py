"""Reading order of a PDF page's text blocks: a recursive XY-cut that reads columns one after another.

At each level the blocks are split at a vertical gutter when one runs through the whole region and at least
two sides hold running text (so table cells are not read column-wise); otherwise into horizontal bands,
top to bottom, where consecutive bands that share a gutter (the lines of side-by-side columns) are kept
together and tried as columns again. Leaves are read line by line, top to bottom, and each line left to
right; blocks whose heights overlap by half the taller one's share a line, so a line's boxes stay in order
when their tops differ by a few points (OCR boxes, a larger first word).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_GUTTER = 8.0  # points of empty space between columns
MIN_GAP = 1.0  # points between horizontal bands


@dataclass(slots=True)
class Block:
    """One text block of a page (PyMuPDF ``get_text("blocks")`` entry, a table or an image's OCR text)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    kind: str = "text"  # text, table (Markdown) or ocr (text read from an image)

    @property
    def lines(self) -> int:
        """Number of text lines in the block."""
        return self.text.count("\n") + 1


def reading_order(blocks: list[Block]) -> tuple[list[Block], int]:
    """Return the blocks in reading order and the largest number of side-by-side text columns found."""
    out: list[Block] = []
    columns = _cut(blocks, out)
    return out, columns


def _cut(blocks: list[Block], out: list[Block]) -> int:
    if len(blocks) <= 1:
        out.extend(blocks)
        return 1
    cols = _columns(blocks)
    if cols is not None:
        return sum(_cut(c, out) for c in cols)
    bands = _bands(blocks)
    if len(bands) == 1:
        out.extend(_by_lines(blocks))
        return 1
    groups = _group_bands(bands)
    if len(groups) == 1:  # the whole region, already tried as columns
        groups = bands
    return max(_cut(g, out) for g in groups)


def _by_lines(blocks: list[Block]) -> list[Block]:
    """Blocks line by line, top to bottom, each line left to right."""
    lines: list[list[Block]] = []
    for b in sorted(blocks, key=lambda b: (b.y0, b.x0)):
        if lines and _same_line(lines[-1][0], b):
            lines[-1].append(b)
        else:
            lines.append([b])
    return [b for line in lines for b in sorted(line, key=lambda b: b.x0)]


def _same_line(a: Block, b: Block) -> bool:
    """Whether ``b`` (below or level with ``a``) overlaps ``a`` in height by half the taller one's height
    (a paragraph block and a one-line block beside it are not one line)."""
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * max(a.y1 - a.y0, b.y1 - b.y0)


def _group_bands(bands: list[list[Block]]) -> list[list[Block]]:
    """Join consecutive bands that share a vertical gutter (lines of side-by-side columns)."""
    groups: list[list[Block]] = []
    for band in bands:
        if (
            groups
            and len(_x_parts(band)) > 1
            and len(_x_parts(groups[-1])) > 1
            and len(_x_parts(groups[-1] + band)) > 1
        ):
            groups[-1] = groups[-1] + band
        else:
            groups.append(band)
    return groups


def _bands(blocks: list[Block]) -> list[list[Block]]:
    """Split into horizontal bands at y-gaps that no block spans."""
    ordered = sorted(blocks, key=lambda b: b.y0)
    bands: list[list[Block]] = [[ordered[0]]]
    bottom = ordered[0].y1
    for b in ordered[1:]:
        if b.y0 >= bottom - MIN_GAP:
            bands.append([b])
        else:
            bands[-1].append(b)
        bottom = max(bottom, b.y1)
    return bands


def _x_parts(blocks: list[Block]) -> list[list[Block]]:
    """Split blocks at vertical gutters (x-gaps that no block spans)."""
    ordered = sorted(blocks, key=lambda b: b.x0)
    parts: list[list[Block]] = [[ordered[0]]]
    right = ordered[0].x1
    for b in ordered[1:]:
        if b.x0 >= right + MIN_GUTTER:
            parts.append([b])
        else:
            parts[-1].append(b)
        right = max(right, b.x1)
    return parts


def _columns(blocks: list[Block]) -> list[list[Block]] | None:
    """Split at vertical gutters when at least two parts are real text columns; None otherwise."""
    parts = _x_parts(blocks)
    width = max(b.x1 for b in blocks) - min(b.x0 for b in blocks)
    if len(parts) < 2 or sum(_is_column(p, width) for p in parts) < 2:
        return None
    return parts


def _is_column(part: list[Block], region_width: float) -> bool:
    """Running text: wide enough, 3+ lines, and most blocks fill the column's width (unlike table cells)."""
    width = max(b.x1 for b in part) - min(b.x0 for b in part)
    if width < max(100.0, 0.25 * region_width) or sum(b.lines for b in part) < 3:
        return False
    widths = sorted(b.x1 - b.x0 for b in part)
    return widths[len(widths) // 2] >= 0.6 * width
