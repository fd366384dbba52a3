"""What a corpus build did: documents, characters, tokens, and what each filter and the dedup removed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CorpusStats:
    """Summary of one ``build_corpus`` run.

    Attributes:
        documents: documents read from the store; ``documents_kept`` of them gave at least one chunk.
        failed: (source, reason) of documents that could not be processed (the run went on).
        chars_in, chars_out: characters of the pages read and of the cleaned, kept text.
        lines_removed: header/footer and page-number lines removed by cleaning.
        filtered: reason -> {"items", "chars"} dropped by each filter.
        duplicates: "<unit>_<exact|near>" -> {"items", "chars"} removed as duplicates.
        contaminated: "drop" or "flag" -> {"items", "chars"} of chunks overlapping held-out text.
        boilerplate: "paragraphs", "chars", "documents", "distinct": shared boilerplate removed.
        tokenizer: ``qwen`` or ``char-estimate``.
    """

    documents: int = 0
    documents_kept: int = 0
    pages: int = 0
    chars_in: int = 0
    chars_out: int = 0
    tokens: int = 0
    chunks: int = 0
    lines_removed: int = 0
    filtered: dict[str, dict[str, int]] = field(default_factory=dict)
    duplicates: dict[str, dict[str, int]] = field(default_factory=dict)
    contaminated: dict[str, dict[str, int]] = field(default_factory=dict)
    boilerplate: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    tokenizer: str = ""
    seconds: float = 0.0
    out_dir: str = ""

    def count(self, table: dict[str, dict[str, int]], key: str, chars: int) -> None:
        """Add one removed item of ``chars`` characters under ``key``."""
        row = table.setdefault(key, {"items": 0, "chars": 0})
        row["items"] += 1
        row["chars"] += chars

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict."""
        return asdict(self)

    def rows(self) -> list[tuple[str, Any, Any]]:
        """(what, items, characters) rows for the end-of-run table."""
        rows: list[tuple[str, Any, Any]] = [
            ("documents read", self.documents, self.chars_in),
            ("documents kept", self.documents_kept, self.chars_out),
            ("documents failed", len(self.failed), ""),
            ("pages", self.pages, ""),
            ("header/footer/page-number lines removed", self.lines_removed, ""),
        ]
        rows += [(f"filter: {k}", v["items"], v["chars"]) for k, v in sorted(self.filtered.items())]
        rows += [(f"duplicate: {k}", v["items"], v["chars"]) for k, v in sorted(self.duplicates.items())]
        rows += [(f"contaminated: {k}", v["items"], v["chars"]) for k, v in sorted(self.contaminated.items())]
        if self.boilerplate:
            b = self.boilerplate
            rows.append(
                (
                    f"shared boilerplate ({b['distinct']} distinct, {b['documents']} docs)",
                    b["paragraphs"],
                    b["chars"],
                )
            )
        rows += [(f"language kept: {k}", "", v) for k, v in sorted(self.languages.items())]
        rows += [("chunks", self.chunks, self.chars_out), (f"tokens ({self.tokenizer})", self.tokens, "")]
        return rows
