"""What a reader returns, and the one error a reader raises for a file it cannot read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OnPage = Callable[[int, int], None]
"""Progress callback of readers: (page number, page count), called before each page of paged formats."""


class ReadError(Exception):
    """A file could not be read; ``str(err)`` is a one-line reason shown to the user and stored."""


@dataclass(slots=True)
class PageText:
    """Text of one page as read, with how it was read (``method``, ``quality``, ...)."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ReadResult:
    """A whole document as read.

    Attributes:
        pages: one entry per page (PDF) or one logical page (DOCX, HTML, TXT).
        title: title from the file's metadata, its first heading, or empty.
        metadata: what else the reader found (author, encoding, OCR counts, ...).
        warnings: one-line notes about pages that were empty, garbled or OCR'd.
    """

    pages: list[PageText]
    title: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def n_chars(self) -> int:
        """Characters of text over all pages (whitespace excluded)."""
        return sum(len("".join(p.text.split())) for p in self.pages)
