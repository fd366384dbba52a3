"""Plain text and Markdown, with encoding detection (BOM, UTF-8, then charset-normalizer)."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from corpusforge.ingest.base import OnPage, PageText, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Detected legacy Chinese encodings are read with their supersets, so rare characters still decode.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text; return ``(text, encoding)``.

    Raises:
        ReadError: when no encoding gives readable text (binary content).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("not text: no character encoding fits its bytes (binary file?)")
    encoding = _SUPERSETS.get(best.encoding.replace("_", "").lower(), best.encoding)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text, encoding = str(best), best.encoding
    if _junk_share(text) > 0.05:
        raise ReadError(
            f"not text: decoding as {encoding} gives control or unassigned characters (binary file?)"
        )
    return text, encoding


def _junk_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(
        1 for ch in sample if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\r\n\t\f"
    )
    return bad / len(sample)


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read a text or Markdown file: one page per form-feed-separated part, usually one.

    ``on_page`` is not called (no real pages).
    """
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = [p for p in text.split("\f")] or [""]
    heading = _HEADING.search(text[:5000]) if path.suffix.lower() in {".md", ".markdown"} else None
    title = heading.group(1) if heading else next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return ReadResult(
        pages=[PageText(p) for p in parts],
        title=title[:200],
        metadata={"encoding": encoding, "format": "markdown" if heading else "text"},
    )
