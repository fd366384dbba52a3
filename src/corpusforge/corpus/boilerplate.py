"""Boilerplate shared across documents: lines that recur in many documents (as C4, datatrove).

A first pass (:meth:`SharedLines.add_document`, once per document) counts, per hash of the folded line
(NFKC, case, whitespace and punctuation folded), how many documents contain it; memory is one counter per
distinct line, and a line's text is kept only once it reaches ``min_docs``. The cleaner then drops the
lines for which :meth:`SharedLines.is_shared` is true, before filtering, de-duplication and chunking.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from corpusforge.corpus.normalize import word_chars

_FOLD = re.compile(r"[\W_]+")


def fold(line: str) -> str:
    """The line as compared: NFKC, casefolded, without whitespace, punctuation or symbols."""
    return _FOLD.sub("", unicodedata.normalize("NFKC", line).casefold())


def fold_lines(lines: list[str]) -> list[str]:
    """:func:`fold` of each line, done over the lines joined (NFKC and casefolding never cross a newline).

    Chinese punctuation is first replaced by its NFKC form (the same result), so that only the lines with
    other compatibility characters need NFKC; the removal of ``[\\W_]`` goes by a code point table.
    """
    text = "\n".join(lines)
    for k, v in _NFKC_PUNCT:
        text = text.replace(k, v)
    if not unicodedata.is_normalized("NFKC", text):
        text = "\n".join(
            ln if unicodedata.is_normalized("NFKC", ln) else unicodedata.normalize("NFKC", ln)
            for ln in text.split("\n")
        )
    out = word_chars(text.casefold(), keep_newlines=True).split("\n")
    return out if len(out) == len(lines) else [fold(x) for x in lines]  # a line held a newline itself


_NFKC_PUNCT = [(k, unicodedata.normalize("NFKC", k)) for k in "，。！？：；（）…、"]


def line_key(folded: str) -> int:
    """64-bit hash of a folded line."""
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little")


class SharedLines:
    """Document counts of lines across a corpus.

    Args:
        min_docs: a line in at least this many documents is boilerplate.
        min_chars: lines shorter than this once folded are never counted.
        allow: regular expressions (``re.search``) of lines never treated as boilerplate.
    """

    def __init__(self, min_docs: int, min_chars: int, allow: list[str] | None = None):
        self.min_docs = min_docs
        self.min_chars = min_chars
        self.allow = [re.compile(p) for p in allow or []]
        self.counts: dict[int, int] = {}
        self.texts: dict[int, str] = {}
        self.documents = 0
        self.doc_sigs: set[int] = set()

    def _key(self, line: str, folded: str | None = None) -> int | None:
        f = fold(line) if folded is None else folded
        if len(f) < self.min_chars or any(a.search(line) for a in self.allow):
            return None
        return line_key(f)

    def add_document(self, lines: Iterable[str]) -> None:
        """First pass: count each distinct line of one document once (documents with the same lines once)."""
        self.documents += 1
        lines = list(lines)
        folded = fold_lines(lines)
        seen: dict[int, str] = {}
        for line, f in zip(lines, folded, strict=True):
            k = self._key(line, f)
            if k is not None and k not in seen:
                seen[k] = line
        sig = line_key("\x00".join(map(str, sorted(seen))))
        if sig in self.doc_sigs:  # a copy of a document already counted is left to de-duplication
            return
        self.doc_sigs.add(sig)
        for k, line in seen.items():
            n = self.counts.get(k, 0) + 1
            self.counts[k] = n
            if n >= self.min_docs and k not in self.texts:
                self.texts[k] = line.strip()

    def is_shared(self, line: str) -> bool:
        """True when the line occurs in at least ``min_docs`` documents (and is not allow-listed)."""
        if not self.texts:
            return False
        k = self._key(line)
        return k is not None and k in self.texts

    def report(self) -> list[dict[str, Any]]:
        """Each boilerplate line once with its document count, most shared first."""
        rows = [{"documents": self.counts[k], "text": t} for k, t in self.texts.items()]
        return sorted(rows, key=lambda r: (-r["documents"], r["text"]))
