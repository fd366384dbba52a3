"""The knowledge base on disk: passages.jsonl, a BM25 index (bm25s) and, optionally, dense embeddings.

Layout of the folder (``kb.dir``, default ``out/kb``): ``passages.jsonl`` (the JSONL export: id, text,
source, pages, doc_id, lang), ``bm25/`` (bm25s), ``embeddings.npy`` (L2-normalised, one row per passage)
and ``kb.json`` (counts, embedding model). Search fuses BM25 and dense rankings by reciprocal rank.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.kb.passages import Passage
from corpusforge.kb.text import query_lang, quiet_bm25s, words

log = logging.getLogger(__name__)


class KBMissing(RuntimeError):
    """No knowledge base at the folder (run `corpusforge kb build`)."""


@dataclass(slots=True)
class Hit:
    """One retrieved passage: its rank (1-based), fused score, and the BM25 / cosine scores behind it."""

    passage: Passage
    rank: int
    score: float
    bm25: float = 0.0
    dense: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON for ``kb search --json``: id, file, pages, score, text."""
        p = self.passage
        return {
            "rank": self.rank,
            "id": p.id,
            "file": p.source,
            "pages": p.pages,
            "score": round(self.score, 6),
            "bm25": round(self.bm25, 4),
            "dense": None if self.dense is None else round(self.dense, 4),
            "text": p.text,
        }


@dataclass
class KnowledgeBase:
    """An opened knowledge base.

    Attributes:
        passages: indexed passages, by row; bm25: the bm25s retriever; vectors: embeddings (or None).
        model_path: embedding model folder (None: BM25 only); meta: the contents of kb.json.
    """

    root: Path
    passages: list[Passage]
    bm25: Any
    vectors: Any = None
    model_path: str | None = None
    dense_languages: list[str] = field(default_factory=lambda: ["en"])
    fusion_k: int = 60
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        root: str | Path,
        model_path: str | None = None,
        dense_languages: list[str] | None = None,
        fusion_k: int = 60,
    ) -> KnowledgeBase:
        """Open the knowledge base in ``root``.

        Raises:
            KBMissing: no knowledge base there.
        """
        import bm25s
        import numpy as np

        quiet_bm25s()
        root = Path(root)
        if not (root / "kb.json").exists():
            raise KBMissing(f"{root}: no knowledge base; run `corpusforge kb build` first")
        meta = json.loads((root / "kb.json").read_text(encoding="utf-8"))
        with open(root / "passages.jsonl", encoding="utf-8") as f:
            passages = [Passage(**json.loads(line)) for line in f if line.strip()]
        bm25 = bm25s.BM25.load(str(root / "bm25"), show_progress=False) if passages else None
        vectors = None
        if meta.get("embedding_model") and (root / "embeddings.npy").exists():
            vectors = np.load(root / "embeddings.npy")
        return cls(
            root=root,
            passages=passages,
            bm25=bm25,
            vectors=vectors,
            model_path=(model_path or meta.get("embedding_path")) if vectors is not None else None,
            dense_languages=list(dense_languages or ["en"]),
            fusion_k=fusion_k,
            meta=meta,
        )

    def _bm25(self, query: str, n: int) -> list[tuple[int, float]]:
        toks = words(query)
        if not toks or self.bm25 is None:
            return []
        idx, scores = self.bm25.retrieve([toks], k=min(n, len(self.passages)), show_progress=False)
        return [(int(i), float(s)) for i, s in zip(idx[0], scores[0], strict=True) if s > 0]

    def _dense(self, query: str, n: int) -> list[tuple[int, float]]:
        import numpy as np

        from corpusforge.kb.embed import encode

        if self.vectors is None or not self.model_path or query_lang(query) not in self.dense_languages:
            return []
        q = encode(self.model_path, [query])[0]
        sims = self.vectors @ q
        order = np.argsort(-sims, kind="stable")[:n]
        return [(int(i), float(sims[i])) for i in order]

    def search(self, query: str, k: int = 5, exclude: set[str] | None = None) -> list[Hit]:
        """The ``k`` best passages for ``query`` (``exclude``: passage ids to leave out)."""
        exclude = exclude or set()
        n = max(4 * (k + len(exclude)), 20)
        lex, den = self._bm25(query, n), self._dense(query, n)
        fused: dict[int, float] = {}
        for ranking in (lex, den):
            for r, (i, _) in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.fusion_k + r + 1)
        bm, dn = dict(lex), dict(den)
        if not den:  # BM25 alone: its own score is more telling than a rank
            fused = {i: s for i, s in lex}
        order = sorted(fused, key=lambda i: (-fused[i], i))
        hits: list[Hit] = []
        for i in order:
            p = self.passages[i]
            if p.id in exclude:
                continue
            hits.append(
                Hit(passage=p, rank=len(hits) + 1, score=fused[i], bm25=bm.get(i, 0.0), dense=dn.get(i))
            )
            if len(hits) == k:
                break
        return hits
