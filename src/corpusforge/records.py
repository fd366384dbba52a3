"""Records that flow through the pipeline. Each carries its provenance (source file, pages, chunk ids).

Records are plain ``@dataclass(slots=True)`` objects; the workspace store (``corpusforge.store``)
persists them and every stage reads and writes them through it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from typing import Any


def content_hash(data: bytes | str, length: int = 16) -> str:
    """Return a short, stable hex digest (sha256) of bytes or text."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:length]


@dataclass(slots=True)
class Document:
    """One ingested file version, keyed by the hash of its bytes.

    Attributes:
        doc_id: sha256 of the file content (16 hex chars); unchanged files keep their id.
        source: file name shown to users and written into every derived record.
        path: path of the file as ingested (relative to the workspace when possible).
        kind: reader that parsed it (``pdf``, ``docx``, ``html``, ``text``).
        title: document title (metadata, first heading or file stem).
        tags: user tags assigned by path pattern in ``corpusforge.yaml`` (``ingest.tags``).
        metadata: anything else the reader found (author, encoding, page count, ...).
    """

    doc_id: str
    source: str
    path: str
    kind: str
    title: str = ""
    lang: str = ""
    n_pages: int = 0
    tags: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Page:
    """Text of one page (PDF page, or the single logical page of DOCX/HTML/TXT). Pages are 1-based."""

    doc_id: str
    source: str
    page: int
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Chunk:
    """A piece of cleaned document text, sized for the target model's tokenizer.

    Attributes:
        chunk_id: stable id ``{doc_id}-{index:05d}``.
        pages: the 1-based pages the chunk's text comes from.
        start, end: character span in the document's cleaned text (concatenation of cleaned pages).
        tokens: token count by the target tokenizer (or character estimate).
    """

    chunk_id: str
    doc_id: str
    source: str
    pages: list[int]
    text: str
    index: int = 0
    start: int = 0
    end: int = 0
    tokens: int = 0
    lang: str = ""
    tags: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Sample:
    """One generated training sample (instruction data), with provenance and quality verdict.

    Attributes:
        sample_id: stable id derived from the request key and item index (so reruns never duplicate).
        task: task name (``qa``, ``summary``, ``classify``, ``report``, ``claim``, ``cot``, ``rag`` ...).
        instruction, input, output: alpaca-style fields; ``messages`` the same as chat turns.
        source, pages, chunk_ids, doc_id: provenance.
        status: ``generated`` -> ``passed`` | ``flagged`` | ``dropped`` (quality gate) -> ``accepted`` |
            ``rejected`` (review).
        grounding: grounding score in [0, 1] from the quality gate (None before it ran).
        reasons: the reasons the gate gave (empty when it passed cleanly).
        relevance: score in [0, 1] that the answer answers this question (None before the gate ran).
        evidence: verified supporting quotes, each ``{"quote", "chunk_id", "start", "end", "page",
            "score"}``: ``start``/``end`` are character offsets into the chunk's text, ``page`` the 1-based
            page the quote is on, ``score`` the alignment score (1.0 exact).
    """

    sample_id: str
    task: str
    instruction: str
    input: str
    output: str
    source: str
    doc_id: str
    pages: list[int] = field(default_factory=list)
    chunk_ids: list[str] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)
    backend: str = ""
    model: str = ""
    prompt_version: str = ""
    request_key: str = ""
    created_at: float = field(default_factory=time.time)
    status: str = "generated"
    grounding: float | None = None
    relevance: float | None = None
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of all fields."""
        return asdict(self)

    def default_messages(self) -> list[dict[str, str]]:
        """Chat turns for this sample: user = instruction (+ input), assistant = output."""
        user = self.instruction if not self.input else f"{self.instruction}\n\n{self.input}"
        return [{"role": "user", "content": user}, {"role": "assistant", "content": self.output}]


@dataclass(slots=True)
class Candidate:
    """One of K candidate answers for a sample, rated in review (good / fair / poor) for DPO pairs."""

    sample_id: str
    idx: int
    output: str
    temperature: float = 0.0
    model: str = ""
    rating: str | None = None
    rank: int | None = None
