"""``corpus`` section of corpusforge.yaml."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from corpusforge.configbase import Section

DEFAULT_BOILERPLATE = [
    r"(?:TXT|txt)?电子书(?:下载|免费下载)",
    r"版权声明",
    r"版权(?:为|归)?[^。，,]{0,12}所有",
    r"本站所有(?:电子书|小说|资源|作品)",
    r"仅供(?:读者|网友)?(?:研究|交流|学习)",
    r"(?:购买|支持)正版",
    r"如(?:有)?侵犯了?您的(?:版权|权益)",
    r"(?:整理|校对|制作|收集)[^。]{0,10}(?:www\.|http)",
    r"(?:www\.|https?://)\S+[^。]{0,10}(?:整理|校对|制作|下载|首发)",
    r"(?:更多|最新)[^。]{0,12}(?:请访问|请登录|尽在)",
    r"(?i)all rights reserved",
    r"(?i)copyright\s*(?:©|\(c\))",
    r"(?i)this (?:e-?book|file) (?:was|is) (?:downloaded|provided) (?:from|by)",
]


def _compiling(patterns: list[str]) -> list[str]:
    """The patterns unchanged, or a ValueError naming the first that is not a valid regular expression."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as e:
            raise ValueError(f"not a valid regular expression {p!r}: {e}") from None
    return patterns


class CleanConfig(Section):
    """Text cleaning, applied to every page before filtering."""

    traditional_to_simplified: bool = Field(
        False, description="Convert Traditional to Simplified Chinese with OpenCC (t2s)."
    )
    remove_headers_footers: bool = Field(
        True,
        description="Remove running headers/footers: lines at the top or bottom of pages that repeat across pages.",
    )
    header_min_pages: int = Field(
        3, ge=2, description="A header/footer line must repeat on at least this many pages."
    )
    header_min_ratio: float = Field(
        0.3, ge=0, le=1, description="... and on at least this fraction of the document's distinct pages."
    )
    header_zone_lines: int = Field(
        3, ge=1, description="How many lines at the top and bottom of a page may be headers/footers."
    )
    remove_page_numbers: bool = Field(
        True, description="Remove page-number lines (e.g. '12', '- 12 -', 'Page 3 of 9', '第 3 页')."
    )
    rejoin_lines: bool = Field(
        True,
        description="Rejoin lines broken inside sentences (Chinese lines, hyphenated English words) into paragraphs.",
    )
    rejoin_kinds: list[str] = Field(
        default_factory=lambda: ["pdf", "text"],
        description="Document kinds whose lines are wrapped and get rejoined; in others (docx, html) a line is a paragraph.",
    )


class FilterConfig(Section):
    """Paragraph and page filters; every drop is counted by reason."""

    languages: list[str] | None = Field(
        None, description="Languages kept (ISO 639-1); null means project.languages."
    )
    lang_min_chars: int = Field(
        40,
        ge=1,
        description="Headings and paragraphs with fewer letters than this (a Han character counts as 3) "
        "take the language of their neighbours.",
    )
    min_chars: int = Field(4, ge=0, description="Drop paragraphs shorter than this many characters.")
    min_doc_chars: int = Field(
        30, ge=0, description="Drop documents whose cleaned text is shorter than this."
    )
    max_symbol_ratio: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Drop paragraphs where punctuation, symbols and numbers (a whole number counts as "
        "one) exceed this share of the characters (tables of figures, debris).",
    )
    max_repeated_line_ratio: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Drop pages (of 10 or more lines) where this share of the lines repeat an earlier line.",
    )
    max_repeated_ngram_ratio: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Drop paragraphs where this share of the n-grams repeat earlier ones (n as below).",
    )
    ngram_chars: int = Field(
        6, ge=2, description="n of the character n-grams used by the repetition filter for Chinese."
    )
    ngram_words: int = Field(
        3, ge=1, description="n of the word n-grams used by the repetition filter for other languages."
    )
    boilerplate: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BOILERPLATE),
        description="Regular expressions of boilerplate (copyright, e-book site notices); matching paragraphs are dropped.",
    )

    @field_validator("boilerplate")
    @classmethod
    def _regexes_compile(cls, v: list[str]) -> list[str]:
        return _compiling(v)

    boilerplate_max_chars: int = Field(
        300,
        ge=0,
        description="Only paragraphs up to this long are dropped as boilerplate (long text merely quoting a notice stays).",
    )


class DedupConfig(Section):
    """Exact and near-duplicate removal across and within documents."""

    exact: bool = Field(
        True,
        description="Remove exact duplicates (hash of the normalised text) of documents, pages and paragraphs.",
    )
    near: bool | None = Field(
        None,
        description="Remove near-duplicate pages and paragraphs found by MinHash LSH. Unset (default): only "
        "while corpus.near_dup is disabled, since its document and chunk containment check already finds "
        "near copies across documents (one near-dedup pass, not two); true: run both.",
    )
    threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity at which two texts count as near duplicates.",
    )
    num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations (signature length).")
    recall_weight: float = Field(
        0.8,
        gt=0,
        lt=1,
        description="Weight of missed duplicates against extra candidates when LSH bands are chosen "
        "(datasketch uses 0.5); candidates are then checked against the threshold.",
    )
    char_ngram: int = Field(
        5, ge=1, description="Shingle size in characters for Chinese (and other unspaced scripts)."
    )
    word_ngram: int = Field(
        3, ge=1, description="Shingle size in words for English and other spaced languages."
    )
    min_chars: int = Field(
        30, ge=1, description="Paragraphs and pages shorter than this are never removed as near duplicates."
    )
    exact_min_chars: int = Field(
        8,
        ge=1,
        description="Paragraphs shorter than this are never removed as exact duplicates (short lines such as "
        "'当夜无事。' legitimately repeat).",
    )
    seed: int = Field(1, ge=0, description="Seed of the MinHash permutations.")


class NearDupConfig(Section):
    """Near copies of whole documents (another edition, an excerpt, an edited copy) and of chunks.

    Texts are folded (NFKC, case, punctuation and whitespace removed, Traditional mapped to Simplified) and
    cut into shingles; a sample of the shingles (those whose hash falls below 1/sample_rate of the range)
    estimates how much of a text is contained in what was kept. Defaults come from the measured curve in
    bench/corpus.py (fixture novels with 1-10% of characters edited).
    """

    enabled: bool = Field(True, description="Remove near-copy documents and chunks by shingle containment.")
    char_ngram: int = Field(
        6,
        ge=2,
        le=32,
        description="Shingle size in characters (unspaced scripts): 6 keeps unrelated text of the same "
        "style below 0.05 containment while a copy with 5% of characters edited keeps about 0.7.",
    )
    word_ngram: int = Field(
        5, ge=1, le=16, description="Shingle size in words (spaced languages; 5 as in common web-text dedup)."
    )
    sample_rate: int = Field(
        8,
        ge=1,
        le=1024,
        description="Keep one shingle in this many (by hash) for the estimate; 1 compares every shingle "
        "(exact, more memory: about 12 bytes a kept shingle).",
    )
    containment: float = Field(
        0.6,
        gt=0,
        le=1,
        description="A document whose shingles are at least this share contained in another document is in "
        "that document's cluster (an excerpt, another edition, an edited copy); only one per cluster is kept.",
    )
    threshold: float = Field(
        0.45,
        gt=0,
        le=1,
        description="A chunk whose shingles are at least this share contained in chunks already kept (of any "
        "earlier document) is dropped as a near duplicate.",
    )
    keep: Literal["longest", "first", "last"] = Field(
        "longest",
        description="Which document of a cluster is kept: longest (most characters), first or last in the "
        "store's document order.",
    )
    min_chars: int = Field(
        100,
        ge=1,
        description="Documents and chunks with fewer folded characters than this are left to the "
        "paragraph-level de-duplication (the estimate needs about min_chars / sample_rate >= 12 samples).",
    )


class SharedBoilerplateConfig(Section):
    """Lines recurring across many documents (disclaimers, navigation, site adverts), removed by frequency."""

    enabled: bool = Field(True, description="Remove lines that occur in many documents.")
    min_docs: int = Field(
        5, ge=2, description="A line (normalised) occurring in at least this many documents is boilerplate."
    )
    min_chars: int = Field(
        10, ge=1, description="Shorter lines are never removed this way (chapter titles legitimately recur)."
    )
    allow: list[str] = Field(
        default_factory=list,
        description="Regular expressions of lines that are kept however often they recur (allow-list).",
    )

    @field_validator("allow")
    @classmethod
    def _allow_compiles(cls, v: list[str]) -> list[str]:
        return _compiling(v)


class DecontamConfig(Section):
    """Overlap checks between training text and held-out text (validation/test splits, eval files)."""

    enabled: bool = Field(True, description="Check training chunks and samples against held-out text.")
    char_ngram: int = Field(
        20, ge=4, description="n of the character n-grams compared for Chinese (punctuation ignored)."
    )
    word_ngram: int = Field(13, ge=3, description="n of the word n-grams compared for other languages.")
    min_overlaps: int = Field(
        1, ge=1, description="Shared n-grams from which a training chunk or sample counts as contaminated."
    )
    action: Literal["drop", "flag"] = Field(
        "drop",
        description="drop: leave contaminated training text out; flag: keep it, counted and listed.",
    )


class CorpusConfig(Section):
    """Cleaning, filtering, de-duplication and chunking of the continued-pretraining corpus."""

    chunk_tokens: int = Field(
        512, ge=16, description="Target chunk size in tokens of the target model's tokenizer."
    )
    chunk_overlap: int = Field(
        64, ge=0, description="Overlap between consecutive chunks, in tokens (whole sentences)."
    )
    clean: CleanConfig = Field(default_factory=CleanConfig, description="Cleaning.")
    filters: FilterConfig = Field(default_factory=FilterConfig, description="Filters.")
    dedup: DedupConfig = Field(default_factory=DedupConfig, description="De-duplication.")
    near_dup: NearDupConfig = Field(
        default_factory=NearDupConfig, description="Near copies of documents and chunks."
    )
    shared_boilerplate: SharedBoilerplateConfig = Field(
        default_factory=SharedBoilerplateConfig, description="Boilerplate shared across documents."
    )
    decontam: DecontamConfig = Field(
        default_factory=DecontamConfig, description="Decontamination against held-out text."
    )
    llamafactory_name: str = Field(
        "corpus_pt", description="Dataset name in the LLaMA-Factory dataset_info.json."
    )
