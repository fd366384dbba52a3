"""Structure-aware chunking to a token budget: headings and paragraphs first, then whole sentences.

A chunk never cuts a sentence unless that one sentence is longer than the budget (then it is cut after
commas, and failing that by tokens; such chunks carry ``metadata['cut_sentence'] = True``). Consecutive
chunks overlap by whole trailing sentences up to ``overlap`` tokens.

The document's text is tokenised once (:class:`TokenSpans`): sentence counts come from that encoding, and
a chunk's exact count from it plus its two edges encoded alone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from corpusforge.corpus.sentences import split_clauses, split_sentences
from corpusforge.corpus.tokens import count_tokens, token_char_offsets, token_ends


@dataclass(slots=True)
class Block:
    """A paragraph placed in the document's cleaned text."""

    start: int
    end: int
    pages: list[int]
    heading: bool = False
    lang: str = ""
    marks: list[tuple[int, int]] = field(default_factory=list)


def _pages_in(block: Block, a: int, b: int) -> list[int]:
    """Pages of the part [a, b) of a block (``marks`` are (offset, page) where each page's text begins)."""
    if len(block.marks) < 2:
        return block.pages
    out = []
    for i, (off, page) in enumerate(block.marks):
        nxt = block.marks[i + 1][0] if i + 1 < len(block.marks) else block.end
        if off < b and nxt > a:
            out.append(page)
    return out or block.pages


@dataclass(slots=True)
class Span:
    """A chunk before it becomes a record: span in the cleaned text, pages, tokens, language."""

    start: int
    end: int
    pages: list[int]
    tokens: int
    lang: str
    cut: bool = False
    langs: dict[str, int] = field(default_factory=dict)
    heading: str = ""


@dataclass(slots=True)
class _Sent:
    start: int
    end: int
    tokens: int
    block: int
    first: bool
    cut: bool = False
    i: int = 0


class TokenSpans:
    """Token counts of spans of one text from a single encoding of it (token end offsets).

    :meth:`count` is exact: the tokens of the encoding that lie between two token boundaries well inside
    the span, plus the two edges (``EDGE`` characters or so) encoded on their own, where a span encoded
    alone can tokenise differently (`` word`` vs ``word``, ``。他`` vs ``他``).
    """

    EDGE = 32

    def __init__(self, text: str):
        self.text = text
        self.ends = token_ends(text) if text else np.zeros(0, dtype=np.int64)
        self.starts = np.concatenate([[0], self.ends[:-1]]) if len(self.ends) else self.ends

    def count(self, a: int, b: int) -> int:
        """Tokens of ``text[a:b]`` encoded alone."""
        e, w = self.ends, self.EDGE
        if b - a <= 3 * w:
            return count_tokens(self.text[a:b])
        i = int(np.searchsorted(e, a + w, side="left"))  # first token ending at or after a + w
        j = int(np.searchsorted(self.starts, b - w, side="right")) - 1  # last token starting by b - w
        x, y = int(e[i]), int(self.starts[j])
        if y <= x:
            return count_tokens(self.text[a:b])
        mid = int(np.searchsorted(e, y, side="right") - np.searchsorted(e, x, side="right"))
        return count_tokens(self.text[a:x]) + mid + count_tokens(self.text[y:b])

    def counts(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Tokens of the encoding overlapping each span (an estimate within a token or two of :meth:`count`)."""
        return np.searchsorted(self.starts, ends, side="left") - np.searchsorted(
            self.ends, starts, side="right"
        )


def _sentences(text: str, blocks: list[Block], limit: int, toks: TokenSpans) -> list[_Sent]:
    raw: list[tuple[int, int, int, bool]] = []
    for bi, b in enumerate(blocks):
        for k, (s, e) in enumerate(split_sentences(text[b.start : b.end], b.start)):
            raw.append((s, e, bi, k == 0))
    counts = toks.counts(
        np.array([r[0] for r in raw], dtype=np.int64), np.array([r[1] for r in raw], dtype=np.int64)
    ).tolist()
    out: list[_Sent] = []
    for (s, e, bi, first), n in zip(raw, counts, strict=True):
        if n <= limit:
            out.append(_Sent(s, e, n, bi, first))
        else:
            out.extend(_cut(text, s, e, bi, first, limit))
    return out


def _cut(text: str, s: int, e: int, bi: int, first: bool, limit: int) -> list[_Sent]:
    """Pieces of a sentence longer than ``limit``: clauses packed greedily, over-long clauses cut by tokens."""
    pieces: list[tuple[int, int]] = []
    for cs, ce in split_clauses(text[s:e], s):
        if count_tokens(text[cs:ce]) <= limit:
            pieces.append((cs, ce))
            continue
        ends = token_char_offsets(text[cs:ce])
        a = cs
        for i in range(limit, len(ends) + limit, limit):
            b = cs + ends[min(i, len(ends)) - 1]
            if b > a:
                pieces.append((a, b))
                a = b
    pieces = [q for p in pieces for q in _halve(text, p[0], p[1], limit)]
    merged: list[tuple[int, int]] = []
    for p in pieces:
        if merged and count_tokens(text[merged[-1][0] : p[1]]) <= limit:
            merged[-1] = (merged[-1][0], p[1])
        else:
            merged.append(p)
    return [
        _Sent(a, b, count_tokens(text[a:b]), bi, first and i == 0, cut=True)
        for i, (a, b) in enumerate(merged)
    ]


def _halve(text: str, a: int, b: int, limit: int) -> list[tuple[int, int]]:
    """Split [a, b) in halves until each part re-tokenises within ``limit`` (token cuts may re-merge)."""
    if b - a <= 1 or count_tokens(text[a:b]) <= limit:
        return [(a, b)]
    m = (a + b) // 2
    return _halve(text, a, m, limit) + _halve(text, m, b, limit)


def chunk_spans(text: str, blocks: list[Block], target: int, overlap: int = 0) -> list[Span]:
    """Cut a document's cleaned text into chunks of at most ``target`` tokens.

    Args:
        text: the document's cleaned text.
        blocks: its paragraphs (spans into ``text``) in order, with pages, heading flag and language.
        target: token budget of a chunk.
        overlap: tokens of whole trailing sentences repeated at the start of the next chunk.
    """
    toks = TokenSpans(text)
    sents = _sentences(text, blocks, target, toks)
    prefix = [0]
    for k, x in enumerate(sents):
        x.i = k
        prefix.append(prefix[-1] + x.tokens)
    last_head: list[int] = []  # index of the nearest heading block at or before each block (-1: none)
    for i, b in enumerate(blocks):
        last_head.append(i if b.heading else (last_head[-1] if last_head else -1))
    block_tokens: dict[int, int] = {}
    for s in sents:
        block_tokens[s.block] = block_tokens.get(s.block, 0) + s.tokens + 1
    spans: list[Span] = []
    cur: list[_Sent] = []
    n_carry = 0

    def size(items: list[_Sent]) -> int:  # items are consecutive sentences
        if not items:
            return 0
        return prefix[items[-1].i + 1] - prefix[items[0].i] + len(items) - 1

    def close() -> None:
        nonlocal cur, n_carry
        while True:
            a, b = cur[0].start, cur[-1].end
            n = toks.count(a, b)
            if n <= target:
                break
            if len(cur) - n_carry > 1:
                pending.appendleft(cur.pop())
            elif n_carry:
                cur.pop(0)
                n_carry -= 1
            else:
                break
        bis = sorted({x.block for x in cur})
        langs: dict[str, int] = {}
        for bi in bis:
            langs[blocks[bi].lang] = langs.get(blocks[bi].lang, 0) + blocks[bi].end - blocks[bi].start
        pages = sorted({p for bi in bis for p in _pages_in(blocks[bi], a, b)})
        head = (
            text[blocks[last_head[bis[0]]].start : blocks[last_head[bis[0]]].end]
            if last_head[bis[0]] >= 0
            else ""
        )
        spans.append(
            Span(
                a,
                b,
                pages,
                n,
                max(langs, key=lambda k: langs[k]) if langs else "",
                any(x.cut for x in cur),
                langs,
                head,
            )
        )
        carry: list[_Sent] = []
        for x in reversed(cur[1:]):
            if size([x, *carry]) > overlap:
                break
            carry.insert(0, x)
        cur, n_carry = carry, len(carry)

    pending = deque(sents)
    while pending:
        s = pending.popleft()
        fresh = len(cur) > n_carry
        if fresh:
            used = size(cur)
            if blocks[s.block].heading and s.first and used - size(cur[:n_carry]) >= target // 4:
                close()
            elif s.first and used + block_tokens[s.block] > target and used >= target // 2:
                close()
            elif used + 1 + s.tokens > target:
                close()
        while cur and size(cur) + 1 + s.tokens > target and n_carry:
            cur.pop(0)
            n_carry -= 1
        cur.append(s)
    if len(cur) > n_carry:
        close()
    return spans
