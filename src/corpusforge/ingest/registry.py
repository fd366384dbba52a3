"""Readers by kind: ``READERS`` maps a kind to its reader, ``"package.module:attribute"``, imported on first use.

The built-in kinds point at their module's ``read`` function; :mod:`corpusforge.ingest.detect` tells them
apart by content. A new kind is one module defining ``READER = Reader(read, suffixes=(...))``
(:class:`corpusforge.ingest.base.Reader`, which also tells detection which files are its own) plus one
line here or one ``READERS.register("kind", "package.module:READER")`` call.

Modules are imported on first use so that ``corpusforge --help`` does not load PyMuPDF or trafilatura.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpusforge.registry import Registry

if TYPE_CHECKING:
    from corpusforge.ingest.base import ReadFunction

#: the kinds that :func:`corpusforge.ingest.detect.detect_kind` recognises by content
BUILTIN_KINDS = ("pdf", "docx", "html", "text")

READERS: Registry[ReadFunction] = Registry(
    "reader",
    {
        "pdf": "corpusforge.ingest.pdf:read",
        "docx": "corpusforge.ingest.docx:read",
        "html": "corpusforge.ingest.html:read",
        "text": "corpusforge.ingest.text:read",
        "pptx": "corpusforge.ingest.pptx:READER",
        "xlsx": "corpusforge.ingest.xlsx:READER",
        "epub": "corpusforge.ingest.epub:READER",
    },
)


def get_reader(kind: str) -> ReadFunction:
    """The reader registered for ``kind``.

    Raises:
        corpusforge.registry.UnknownName: when no reader is registered for ``kind``.
    """
    return READERS.get(kind)


def plugin_kinds() -> list[str]:
    """Registered kinds other than the built-in ones (their readers say which files they take)."""
    return [k for k in READERS.names() if k not in BUILTIN_KINDS]
