"""Readers by kind. A new reader is one module with ``read(data, path, cfg, on_page=None) -> ReadResult``
plus one line here.

Modules are imported on first use so that ``corpusforge --help`` does not load PyMuPDF or trafilatura.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from corpusforge.ingest.base import OnPage, ReadResult
    from corpusforge.ingest.config import IngestConfig


class Reader(Protocol):
    """The ``read`` function of a reader module."""

    def __call__(self, data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
        """Read a file's bytes; raise ``ReadError`` with a one-line reason when it cannot be read."""

READERS: dict[str, str] = {
    "pdf": "corpusforge.ingest.pdf",
    "docx": "corpusforge.ingest.docx",
    "html": "corpusforge.ingest.html",
    "text": "corpusforge.ingest.text",
}


def get_reader(kind: str) -> Reader:
    """The ``read`` function of the reader registered for ``kind``.

    Raises:
        KeyError: when no reader is registered for ``kind``.
    """
    return importlib.import_module(READERS[kind]).read  # type: ignore[no-any-return]
