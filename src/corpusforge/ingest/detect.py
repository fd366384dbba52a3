"""Detect a file's type from its content (magic bytes), with the extension only as a tie-breaker.

Readers registered beyond the built-in kinds (:class:`corpusforge.ingest.base.Reader`) are asked first:
a file is theirs when its extension or first bytes match what they declare.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

from corpusforge.ingest.base import Reader
from corpusforge.ingest.registry import READERS, plugin_kinds

TEXT_SUFFIXES = {
    ".txt",
    ".md",
    ".markdown",
    ".text",
    ".rst",
    ".csv",
    ".tsv",
    ".log",
    ".json",
    ".yaml",
    ".yml",
}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

# Signatures of binary formats we do not read, so the reason can name what the file is.
_BINARY_MAGIC = [
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\xd0\xcf\x11\xe0", "legacy Office (OLE) file"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"%!PS", "PostScript file"),
    (b"SQLite format 3", "SQLite database"),
    (b"{\\rtf", "RTF document"),
]
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<title")


def detect_kind(data: bytes, suffix: str = "") -> tuple[str | None, str]:
    """Return ``(kind, what)``: the reader kind, or None when no reader takes the file, and a label.

    The kind is ``pdf``, ``docx``, ``html``, ``text`` or one registered in ``READERS`` with a
    :class:`~corpusforge.ingest.base.Reader` that claims the file.

    Args:
        data: the file's bytes (the first few KB are enough except for ZIP containers).
        suffix: the lower-case file extension: what registered readers claim, else used only when content
            is ambiguous (text vs HTML).
    """
    head = data[:2048]
    plugin = _plugin_kind(head, suffix)
    if plugin is not None:
        return plugin
    if b"%PDF-" in head[:1024]:
        return "pdf", "PDF document"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"\x1f\x8b") and _gunzip_head(data).lstrip().lower().startswith(_HTML_MARKERS):
        return "html", "gzip-compressed HTML page"
    for magic, label in _BINARY_MAGIC:
        if head.startswith(magic):
            return None, label
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(sniff.startswith(m) for m in _HTML_MARKERS) or (suffix in HTML_SUFFIXES and b"<" in sniff[:200]):
        return "html", "HTML page"
    if _looks_binary(head):
        return None, "binary data"
    return "text", "text file"


def _plugin_kind(head: bytes, suffix: str) -> tuple[str, str] | None:
    """The first registered non-built-in reader claiming the file, as ``(kind, label)``."""
    for kind in plugin_kinds():
        reader = READERS.get(kind)
        if isinstance(reader, Reader) and reader.claims(head, suffix):
            return kind, reader.label or f"{kind} file"
    return None


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 2048)
    except zlib.error:
        return b""


def _zip_kind(data: bytes) -> tuple[str | None, str]:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
    except Exception:  # BadZipFile, NotImplementedError (unknown zip version), EOFError, ...
        return "docx", "damaged ZIP container"  # let the DOCX reader give the precise reason
    if "word/document.xml" in names:
        return "docx", "Word document"
    if "xl/workbook.xml" in names:
        return None, "Excel workbook"
    if "ppt/presentation.xml" in names:
        return None, "PowerPoint presentation"
    if "mimetype" in names and any(n.startswith("META-INF/") for n in names):
        return None, "OpenDocument/EPUB container"
    return None, "ZIP archive"


def _looks_binary(head: bytes) -> bool:
    """NUL bytes that do not decode as UTF-16/32 text, or many control bytes, mean binary."""
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return not any(_printable_share(head, enc) > 0.95 for enc in ("utf-16-le", "utf-16-be", "utf-32"))
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > 0.1 * len(head)


def _printable_share(head: bytes, encoding: str) -> float:
    unit = 4 if encoding == "utf-32" else 2
    text = head[: len(head) // unit * unit].decode(encoding, errors="replace")
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return good / len(text)
