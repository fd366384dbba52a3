"""Readers by kind. A new reader is one module with ``read(data, path, cfg) -> ReadResult`` plus one line here.

Modules are imported on first use so that ``corpusforge --help`` does not load PyMuPDF or trafilatura.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpusforge.ingest.base import ReadResult
    from corpusforge.ingest.config import IngestConfig

Reader = Callable[[bytes, Path, "IngestConfig"], "ReadResult"]

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
