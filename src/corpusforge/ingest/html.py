"""HTML reader: trafilatura main-content extraction (menus, footers and comments left out)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from corpusforge.ingest.base import OnPage, PageText, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig

# A source line break inside Chinese text becomes a space after whitespace collapsing; drop it again.
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")

# Settings chosen on the trafilatura evaluation pages (tests/ingest/test_html.py measures them):
# tables are content; comments are not.
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "deduplicate": False,
}


def extract_main_text(html: bytes | str, url: str | None = None) -> tuple[str, str]:
    """Return ``(title, main text)`` of an HTML page ('' when nothing is found)."""
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return "", ""
    # The <title> element, not trafilatura.extract_metadata: its date guessing costs seconds per page.
    title = " ".join((tree.findtext(".//title") or "").split())
    text = trafilatura.extract(tree, url=url, **EXTRACT_OPTIONS) or ""
    return title, _CJK_SPACE.sub("", text)


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress a gzip file into at most ``limit`` bytes (a small file may expand without bound).

    Raises:
        ReadError: corrupt or truncated data, or more than ``limit`` bytes once decompressed.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as e:
        raise ReadError(f"corrupt gzip-compressed HTML: {e}") from None
    if len(out) > limit:
        raise ReadError(
            f"too large: gzip-compressed HTML expands past {limit / 1048576:g} MB (ingest.max_file_mb)"
        )
    if not inflater.eof:
        raise ReadError("corrupt gzip-compressed HTML: the compressed data is cut short")
    return out


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read an HTML page (also ``.html.gz``) as one logical page (``on_page`` is not called: no real pages)."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, limit=int(cfg.max_file_mb * 1024 * 1024))
    try:
        title, text = extract_main_text(data)
    except Exception as e:  # lxml or trafilatura choking on a broken page
        raise ReadError(f"HTML could not be parsed: {type(e).__name__}: {str(e)[:120]}") from None
    return ReadResult(pages=[PageText(text)], title=title, metadata={"extractor": "trafilatura"})
