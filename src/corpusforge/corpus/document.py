"""One document through cleaning, filters and de-duplication, giving its cleaned text and paragraph blocks.

The cleaned text is the kept paragraphs joined by blank lines; chunk spans index into it. Everything
dropped is returned as :class:`Removed` records (filter reason, or the kept copy it duplicates).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from corpusforge.corpus import filters as F
from corpusforge.corpus.boilerplate import SharedLines
from corpusforge.corpus.chunker import Block
from corpusforge.corpus.config import CorpusConfig
from corpusforge.corpus.lang import assign_languages
from corpusforge.corpus.layout import (
    Para,
    Vocabulary,
    merge_across_pages,
    paragraphs,
    running_lines,
    strip_edges,
)
from corpusforge.corpus.lsh import DedupIndex, exact_key
from corpusforge.corpus.minhash import shingles, signatures
from corpusforge.corpus.normalize import count_han, normalize_text
from corpusforge.records import Document, Page

PREVIEW = 300


@dataclass(slots=True)
class Removed:
    """Something taken out: by a filter (``reason``) or as a duplicate (``kind`` exact/near and ``kept``)."""

    unit: str
    pages: list[int]
    text: str
    reason: str = ""
    kind: str = ""
    similarity: float = 0.0
    kept: dict = field(default_factory=dict)


@dataclass(slots=True)
class CleanedDoc:
    """The result for one document."""

    text: str
    blocks: list[Block]
    removed: list[Removed]
    chars_in: int
    lines_removed: int


@dataclass
class Indexes:
    """De-duplication indexes shared by all documents of a run (documents+pages, and paragraphs)."""

    pages: DedupIndex
    paragraphs: DedupIndex

    def close(self) -> None:
        """Release both."""
        self.pages.close()
        self.paragraphs.close()


def unspaced(text: str) -> bool:
    """True when the text is mostly Chinese/Japanese (shingle by characters)."""
    return count_han(text, kana=True) >= 0.3 * max(1, len(text) - text.count(" "))


class DocumentCleaner:
    """Clean, filter and de-duplicate documents one at a time against shared indexes."""

    def __init__(
        self, cfg: CorpusConfig, languages: list[str], indexes: Indexes, shared: SharedLines | None = None
    ):
        self.cfg = cfg
        self.shared = shared
        self.languages = cfg.filters.languages or languages
        self.idx = indexes
        self.filters = F.build_filters(cfg.filters, self.languages)

    def _ref(self, doc: Document, unit: str, pages: list[int], text: str) -> str:
        return json.dumps(
            {
                "doc_id": doc.doc_id,
                "source": doc.source,
                "unit": unit,
                "pages": pages,
                "text": text[:PREVIEW],
            },
            ensure_ascii=False,
        )

    def _dedup(
        self,
        index: DedupIndex,
        doc: Document,
        unit: str,
        items: list[tuple[str, list[int]]],
        removed: list[Removed],
    ) -> list[bool]:
        """Exact then near de-duplication of items (text, pages) in order; returns keep flags."""
        d = self.cfg.dedup
        keep = [True] * len(items)
        todo: list[int] = []
        for i, (text, pages) in enumerate(items):
            if len(text) < min(d.min_chars, d.exact_min_chars):
                continue
            if d.exact and len(text) >= d.exact_min_chars:
                old = index.exact(exact_key(text), self._ref(doc, unit, pages, text))
                if old is not None:
                    keep[i] = False
                    removed.append(
                        Removed(unit, pages, text, kind="exact", similarity=1.0, kept=json.loads(old))
                    )
                    continue
            if len(text) >= d.min_chars:
                todo.append(i)
        near = d.near if d.near is not None else not self.cfg.near_dup.enabled
        if not near or not todo:
            return keep
        sets = [shingles(items[i][0], unspaced(items[i][0]), d.char_ngram, d.word_ngram) for i in todo]
        sigs = signatures(sets, d.num_perm, d.seed)
        keys = index.keys(sigs)
        for row, i in enumerate(todo):
            if not len(sets[row]):
                continue
            text, pages = items[i]
            hit = index.query(sigs[row], keys[row])
            if hit is not None:
                keep[i] = False
                removed.append(
                    Removed(
                        unit, pages, text, kind="near", similarity=round(hit[1], 4), kept=json.loads(hit[0])
                    )
                )
            else:
                index.insert(sigs[row], keys[row], self._ref(doc, unit, pages, text))
        return keep

    def clean(self, doc: Document, pages: list[Page]) -> CleanedDoc:
        """Run one document (all its pages) through cleaning, filters and de-duplication."""
        cc, fc = self.cfg.clean, self.cfg.filters
        removed: list[Removed] = []
        chars_in = sum(len(p.text) for p in pages)
        lines = [normalize_text(p.text, cc.traditional_to_simplified).split("\n") for p in pages]
        n_lines = 0
        running: set[str] = set()
        if cc.remove_headers_footers and len(pages) >= cc.header_min_pages:
            running = running_lines(lines, cc.header_zone_lines, cc.header_min_pages, cc.header_min_ratio)
        if running or cc.remove_page_numbers:
            for i, ls in enumerate(lines):
                lines[i], n = strip_edges(ls, running, cc.header_zone_lines, cc.remove_page_numbers)
                n_lines += n
        if self.shared is not None and self.shared.texts:
            for i, (p, ls) in enumerate(zip(pages, lines, strict=True)):
                keep_ls = []
                for line in ls:
                    if self.shared.is_shared(line):
                        removed.append(Removed("line", [p.page], line.strip(), reason="shared_boilerplate"))
                    else:
                        keep_ls.append(line)
                lines[i] = keep_ls
        whole = "\n".join("\n".join(ls) for ls in lines)
        if self.cfg.dedup.exact and len(whole.strip()) >= self.cfg.dedup.min_chars:
            old = self.idx.pages.exact(
                exact_key(whole) ^ 1, self._ref(doc, "document", [p.page for p in pages], whole)
            )
            if old is not None:
                removed.append(
                    Removed(
                        "document",
                        [p.page for p in pages],
                        whole.strip(),
                        kind="exact",
                        similarity=1.0,
                        kept=json.loads(old),
                    )
                )
                return CleanedDoc("", [], removed, chars_in, n_lines)
        kept_pages: list[tuple[int, list[str]]] = []
        for p, ls in zip(pages, lines, strict=True):
            if F.repeated_line_ratio(ls) > fc.max_repeated_line_ratio:
                removed.append(Removed("page", [p.page], "\n".join(ls).strip(), reason="repeated_lines"))
            else:
                kept_pages.append((p.page, ls))
        items = [(re.sub(r"\s+", " ", " ".join(ls)).strip(), [pg]) for pg, ls in kept_pages]
        flags = self._dedup(self.idx.pages, doc, "page", items, removed)
        paras: list[Para] = []
        rejoin = cc.rejoin_lines and doc.kind in cc.rejoin_kinds
        vocab = Vocabulary(lines) if rejoin else None
        for (pg, ls), ok in zip(kept_pages, flags, strict=True):
            if ok:
                paras.extend(paragraphs(ls, pg, rejoin, vocab))
        paras = merge_across_pages(paras, vocab)
        for para, lang in zip(
            paras,
            assign_languages(
                [x.text for x in paras],
                fc.lang_min_chars,
                tuple(self.languages),
                [x.heading for x in paras],
                doc.lang,
            ),
            strict=True,
        ):
            para.lang = lang
        passed: list[Para] = []
        for para in paras:
            reason = next((r for _, f in self.filters if (r := f(para)) is not None), None)
            if reason:
                removed.append(Removed("paragraph", para.pages, para.text, reason=reason))
            else:
                passed.append(para)
        flags = self._dedup(
            self.idx.paragraphs, doc, "paragraph", [(x.text, x.pages) for x in passed], removed
        )
        kept = [x for x, ok in zip(passed, flags, strict=True) if ok]
        if kept and sum(len(x.text) for x in kept) < fc.min_doc_chars:
            for x in kept:
                removed.append(Removed("paragraph", x.pages, x.text, reason="doc_too_short"))
            kept = []
        parts, blocks, pos = [], [], 0
        for x in kept:
            marks = [(pos + off, pg) for off, pg in x.page_marks()]
            blocks.append(Block(pos, pos + len(x.text), x.pages, x.heading, x.lang, marks))
            parts.append(x.text)
            pos += len(x.text) + 2
        return CleanedDoc("\n\n".join(parts), blocks, removed, chars_in, n_lines)
