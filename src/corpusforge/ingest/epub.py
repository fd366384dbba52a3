"""EPUB reader (ebooklib): one page per chapter (spine document), HTML reduced to text.

Each page's metadata names its chapter (``{"chapter": "...", "file": "chap_01.xhtml"}``): the title
from the table of contents, else the chapter's first heading, else its file name.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from corpusforge.ingest.base import OnPage, PageText, Reader, ReadError, ReadResult
from corpusforge.ingest.config import IngestConfig

_BLOCKS = ("p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")


def read(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> ReadResult:
    """Read an EPUB book, one page per chapter in reading order (``on_page`` before each chapter)."""
    import ebooklib
    from ebooklib import epub

    try:
        book = epub.read_epub(BytesIO(data), {"ignore_ncx": False})
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"corrupt EPUB: {_first_line(e)}") from None
    except Exception as e:  # EpubException, lxml errors, ...
        raise ReadError(f"corrupt EPUB: {type(e).__name__}: {_first_line(e)}") from None
    toc = _toc_titles(book.toc)
    items = [book.get_item_with_id(idref) for idref, _linear in book.spine]
    docs = [i for i in items if i is not None and i.get_type() == ebooklib.ITEM_DOCUMENT]
    docs = [d for d in docs if not isinstance(d, epub.EpubNav)]
    pages = []
    for n, item in enumerate(docs, 1):
        if on_page:
            on_page(n, len(docs))
        heading, text = _html_text(item.get_content())
        name = item.get_name()
        chapter = toc.get(name) or heading or Path(name).stem
        pages.append(PageText(text, {"chapter": chapter, "file": name}))
    if not pages:
        raise ReadError("empty: the book has no chapters")
    titles = book.get_metadata("DC", "title")
    authors = book.get_metadata("DC", "creator")
    metadata: dict[str, Any] = {"chapters": len(pages)}
    if authors:
        metadata["author"] = authors[0][0]
    return ReadResult(pages=pages, title=(titles[0][0] if titles else "")[:200], metadata=metadata)


def _toc_titles(toc: Any) -> dict[str, str]:
    """File name -> title of the table-of-contents entries (nested sections included)."""
    found: dict[str, str] = {}
    for entry in toc:
        if isinstance(entry, tuple):  # (Section, [children])
            section, children = entry
            found.update(_toc_titles(children))
            entry = section
        href = getattr(entry, "href", "") or ""
        title = getattr(entry, "title", "") or ""
        if href and title:
            found.setdefault(href.split("#")[0], title)
    return found


def _html_text(content: bytes) -> tuple[str, str]:
    """``(first heading, text)`` of an XHTML chapter, one line per block element."""
    import lxml.html

    if not content.strip():
        return "", ""
    root = lxml.html.fromstring(content)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    heading = next((h.text_content().strip() for h in root.xpath("//h1|//h2|//h3")), "")
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    lines = (" ".join(ln.split()) for ln in root.text_content().splitlines())
    return heading, "\n".join(ln for ln in lines if ln)


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


READER = Reader(read, suffixes=(".epub",), label="EPUB book")
