"""Plain text and Markdown, with encoding detection (BOM, UTF-8, then charset-normalizer).

Files over :data:`STREAM_BYTES` are decoded in chunks after detecting the encoding on a sample, and cut
into pages of about ``ingest.text_page_chars`` characters, so memory stays a small multiple of the file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
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
#: files larger than this are decoded in chunks (encoding detected on the first SAMPLE_BYTES)
STREAM_BYTES = 4 * 1024 * 1024
SAMPLE_BYTES = 1024 * 1024
CHUNK_BYTES = 1024 * 1024
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


def detect_encoding(data: bytes, sample_bytes: int = SAMPLE_BYTES) -> str:
    """The encoding of ``data`` judged on its first ``sample_bytes`` (a character cut at the end is fine).

    Raises:
        ReadError: when no encoding gives readable text (binary content).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:sample_bytes]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(data) <= sample_bytes)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if len(data) > sample_bytes:  # end the sample at a line end, so no character is cut
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    return decode(sample)[1]


def iter_decoded(data: bytes, encoding: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[str]:
    """Decode ``data`` chunk by chunk; characters split across chunk boundaries are decoded whole."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    for start in range(0, len(data), chunk_bytes):
        yield decoder.decode(view[start : start + chunk_bytes], final=False)
    yield decoder.decode(b"", final=True)


def iter_pages(chunks: Iterator[str], page_chars: int) -> Iterator[str]:
    """Pages of text: split at form feeds, and pieces of about ``page_chars`` (cut after a newline)."""
    buf = ""
    for chunk in chunks:
        buf += chunk
        keep_cr = buf.endswith("\r")  # a CRLF may be split across chunks
        if keep_cr:
            buf = buf[:-1]
        buf = buf.replace("\r\n", "\n").replace("\r", "\n")
        *done, buf = buf.split("\f")
        for part in done:
            yield from _pieces(part, page_chars)
        rest = list(_pieces(buf, page_chars))
        buf = rest.pop()
        yield from rest
        if keep_cr:
            buf += "\r"
    yield buf.replace("\r", "\n")


def _pieces(text: str, n: int) -> Iterator[str]:
    """Cut ``text`` into pieces of at most ``n`` characters (after a newline when there is one)."""
    while len(text) > n:
        cut = text.rfind("\n", n // 2, n) + 1 or n
        yield text[:cut]
        text = text[cut:]
    yield text


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read a text or Markdown file: one page per form-feed-separated part, big parts cut into pages.

    ``on_page`` is not called (no real pages).
    """
    if len(data) > STREAM_BYTES:
        encoding = detect_encoding(data)
        try:
            texts = list(iter_pages(iter_decoded(data, encoding), cfg.text_page_chars))
        except UnicodeDecodeError as e:
            raise ReadError(f"not text: bytes at offset {e.start} do not decode as {encoding}") from None
    else:
        text, encoding = decode(data)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        texts = [q for p in text.split("\f") for q in _pieces(p, cfg.text_page_chars)]
    head = texts[0][:5000] if texts else ""
    heading = _HEADING.search(head) if path.suffix.lower() in {".md", ".markdown"} else None
    title = heading.group(1) if heading else next((ln.strip() for ln in head.splitlines() if ln.strip()), "")
    return ReadResult(
        pages=[PageText(p) for p in texts] or [PageText("")],
        title=title[:200],
        metadata={"encoding": encoding, "format": "markdown" if heading else "text"},
    )
