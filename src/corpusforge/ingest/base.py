"""What a reader is and returns, and the one error a reader raises for a file it cannot read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from corpusforge.ingest.config import IngestConfig

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


class ReadFunction(Protocol):
    """What ``READERS`` holds: a reader called with a file's bytes.

    The built-in kinds (``pdf``, ``docx``, ``html``, ``text``) are plain ``read`` functions, recognised by
    :func:`corpusforge.ingest.detect.detect_kind` from their content; any other kind is a :class:`Reader`,
    which also says which files are its own.
    """

    def __call__(
        self, data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None
    ) -> ReadResult:
        """Read a file's bytes; raise :class:`ReadError` with a one-line reason when it cannot be read."""
        ...


@dataclass(frozen=True, slots=True)
class Reader:
    """A reader for a kind of file that ``detect`` does not know: its ``read`` and how to recognise its files.

    Register it with one line, ``READERS.register("kind", "package.module:READER")``. A file is this
    reader's when its extension is one of ``suffixes`` or its bytes start with one of ``magic``; such
    readers are asked before the built-in detection, in registration order.

    Attributes:
        read: the reader itself (``read(data, path, cfg, on_page=None) -> ReadResult``).
        suffixes: lower-case file extensions with the dot (``(".eml",)``).
        magic: byte strings a file of this kind starts with.
        label: what the file is, for ``documents.metadata.detected`` (default ``"<kind> file"``).
    """

    read: ReadFunction
    suffixes: tuple[str, ...] = ()
    magic: tuple[bytes, ...] = ()
    label: str = ""

    def __call__(
        self, data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None
    ) -> ReadResult:
        """Read a file (see :attr:`read`)."""
        return self.read(data, path, cfg, on_page=on_page)

    def claims(self, head: bytes, suffix: str) -> bool:
        """Whether a file with these first bytes and this lower-case extension is of this kind."""
        return suffix in self.suffixes or any(head.startswith(m) for m in self.magic)
