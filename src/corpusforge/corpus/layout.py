"""Page layout clean-up: running headers/footers, page numbers, and lines rejoined into paragraphs.

Works on normalised pages (see :mod:`corpusforge.corpus.normalize`), one document at a time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field

from corpusforge.corpus.normalize import is_cjk

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—·•(\[]*\s*\d{1,4}\s*[-–—·•)\]]*|(?:page|p\.|seite|pagina)\s*\d{1,4}(?:\s*(?:of|/|von)\s*\d{1,4})?"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|[ivxlc]{1,7})$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^\W\d_]+")
_SEPARATOR = re.compile(r"^[\s\-=_*~·•.#+—–─━═]{3,}$")
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百千零〇两\d]+[回章节卷篇部集条]|[一二三四五六七八九十]+、|#{1,6}\s"
    r"|\d+(?:\.\d+){0,3}\.?\s+\S|(?:chapter|section|part|appendix)\s+\w+|[IVX]+\.\s+\S)",
    re.IGNORECASE,
)
SENTENCE_END = "。！？!?；;….:：”’」』\"')）】》"
_HARD_END = "。！？!?….;；"


@dataclass(slots=True)
class Para:
    """A paragraph of cleaned text with the pages it comes from."""

    text: str
    pages: list[int]
    heading: bool = False
    indented: bool = False
    lang: str = ""
    marks: list[tuple[int, int]] = field(default_factory=list)

    def page_marks(self) -> list[tuple[int, int]]:
        """(offset in ``text``, page) where each page's part of the paragraph begins."""
        return self.marks or [(0, self.pages[0])]


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line)).lower()


def running_lines(
    pages: list[list[str]], zone: int = 3, min_pages: int = 3, min_ratio: float = 0.3
) -> set[str]:
    """Keys of lines that repeat at the top or bottom of many distinct pages (headers, footers, page numbers).

    Args:
        pages: lines of each page.
        zone: how many non-empty lines at each edge of a page are candidates.
        min_pages: a line must occur on at least this many distinct pages ...
        min_ratio: ... and on at least this share of them.
    """
    seen: set[str] = set()
    counts: Counter[str] = Counter()
    n = 0
    for lines in pages:
        body = [ln.strip() for ln in lines if ln.strip()]
        sig = "\n".join(body)
        if sig in seen:  # a repeated page must not make its own lines look like a running header
            continue
        seen.add(sig)
        n += 1
        counts.update({_key(ln) for ln in body[:zone] + body[-zone:]})
    need = max(min_pages, math.ceil(min_ratio * n))
    return {k for k, c in counts.items() if c >= need and k}


def strip_edges(lines: list[str], running: set[str], zone: int, page_numbers: bool) -> tuple[list[str], int]:
    """Remove running lines and page numbers from the top and bottom zone of a page; return (lines, removed)."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    edge = set(idx[:zone] + idx[-zone:])
    num_edge = set(idx[:2] + idx[-2:])
    drop = {i for i in edge if _key(lines[i]) in running}
    if page_numbers:
        drop |= {i for i in num_edge if _PAGE_NUMBER.match(lines[i].strip())}
    return [ln for i, ln in enumerate(lines) if i not in drop], len(drop)


def is_heading(s: str) -> bool:
    """A short line that reads like a heading (第一回, 一、, 1.2 Title, Chapter 3, # Title)."""
    return len(s) <= 60 and not s.endswith(tuple("，,；;：:、")) and bool(_HEADING.match(s))


def vocabulary(pages: list[list[str]]) -> set[str]:
    """Lower-cased words of a document (to tell ``ar-`` + ``chitecture`` from ``instruction-`` + ``following``)."""
    return {w.lower() for ls in pages for ln in ls for w in _WORDS.findall(ln)}


class Vocabulary:
    """:func:`vocabulary` of a document's pages, collected on the first look-up (only a line ending in a
    hyphen asks, so most documents never pay for it)."""

    def __init__(self, pages: list[list[str]]):
        self._pages = pages
        self._words: set[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = vocabulary(self._pages)
        return word in self._words


def join_lines(a: str, b: str, vocab: Container[str] | None = None) -> str:
    """Join two broken lines: no space near CJK (``截至2`` + ``025年``), else one space.

    A line ending in ``word-`` before a lower-case word is a hyphenated word: the hyphen goes (``exam-`` +
    ``ple``) unless the document's ``vocab`` knows both halves as words and not the joined form
    (``instruction-`` + ``following``), or the first half already holds a hyphen (``state-of-``).
    """
    if not a:
        return b
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[:1].islower():
        lw, rw = _WORDS.findall(a[-40:-1]), _WORDS.match(b)
        left, right = (lw[-1].lower() if lw else ""), (rw.group(0).lower() if rw else "")
        last = a.rsplit(" ", 1)[-1]
        keep = last.count("-") > 1 or (
            vocab is not None
            and left + right not in vocab
            and left in vocab
            and right in vocab
            and len(left) > 2
            and len(right) > 2
        )
        return a + b if keep else a[:-1] + b
    if any(is_cjk(c) for c in a[-2:] + b[:2]):
        return a + b
    return a + " " + b


def paragraphs(
    lines: list[str], page: int, rejoin: bool = True, vocab: Container[str] | None = None
) -> list[Para]:
    """Rebuild the paragraphs of one page from its lines.

    A paragraph ends at a blank line or separator, before an indented line or a heading, and after a
    line that ends a sentence while clearly shorter than the page's full lines. Other line breaks are
    inside a sentence and are removed (see :func:`join_lines`). Markdown table rows (lines starting with
    ``|``, as ingest writes PDF and spreadsheet tables) keep their own lines: a table is one paragraph.
    """
    body = [ln.rstrip() for ln in lines]
    widths = sorted(len(ln.strip()) for ln in body if ln.strip())
    full = widths[int(len(widths) * 0.9)] if widths else 0
    indents = [len(ln) - len(ln.lstrip()) for ln in body if ln.strip()]
    base = min(indents) if indents else 0
    out: list[Para] = []
    cur: list[str] = []
    cur_indented = False
    prev = ""
    table = False

    def flush() -> None:
        nonlocal cur, prev, table
        if cur:
            text = "\n".join(cur) if table else (" ".join(cur) if not rejoin else cur[0])
            text = re.sub(r" {2,}", " ", text).strip()
            if text:
                out.append(
                    Para(
                        text=text,
                        pages=[page],
                        heading=is_heading(text) and len(cur) == 1 and not table,
                        indented=cur_indented,
                    )
                )
        cur, prev, table = [], "", False

    for ln in body:
        s = ln.strip()
        if s.startswith("|"):  # a table row: its own line, the rows of one table one block
            if not table:
                flush()
            cur.append(s)
            table = True
            continue
        if table:
            flush()
        if not s or _SEPARATOR.match(s):
            flush()
            continue
        indented = len(ln) - len(ln.lstrip()) >= base + 2
        heading = is_heading(s)
        brk = (
            indented
            or heading
            or not rejoin
            or (prev and is_heading(prev))
            or (prev and prev.endswith(tuple(_HARD_END + '”’」』"')) and len(prev) < 0.75 * full)
        )
        if brk:
            flush()
        if not cur:
            cur, cur_indented = [s], indented
        elif rejoin:
            cur[0] = join_lines(cur[0], s, vocab)
        else:
            cur.append(s)
        prev = s
        if heading:
            flush()
    flush()
    return out


def merge_across_pages(paras: list[Para], vocab: Container[str] | None = None) -> list[Para]:
    """Join a paragraph cut by a page break (it ends mid-sentence and the next one is not a new paragraph)."""
    out: list[Para] = []
    for p in paras:
        if (
            out
            and out[-1].pages[-1] != p.pages[0]
            and not out[-1].heading
            and not p.heading
            and not p.indented
            and not out[-1].text.endswith(tuple(SENTENCE_END))
            and not out[-1].text.startswith("|")
            and not p.text.startswith("|")
        ):
            last = out[-1]
            marks = last.page_marks()
            last.text = join_lines(last.text, p.text, vocab)
            last.marks = marks + [(len(last.text) - len(p.text), p.pages[0])]
            last.pages = sorted(set(last.pages) | set(p.pages))
        else:
            out.append(p)
    return out
