"""``build_kb``: index the workspace's chunks (and any passage JSONL) into the knowledge base folder.

The folder is built beside the old one and swapped in, so searches never see half a build; embeddings of
passages whose text is unchanged are taken from the previous build instead of computed again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.io import atomic_dir
from corpusforge.kb.config import KBConfig
from corpusforge.kb.embed import encode, model_name, resolve_model
from corpusforge.kb.index import KnowledgeBase
from corpusforge.kb.passages import Passage, from_jsonl, from_store
from corpusforge.kb.text import quiet_bm25s, words
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class KBSummary:
    """What ``kb build`` did.

    Attributes:
        passages: passages indexed; from_chunks / from_jsonl: where they came from.
        duplicates: passages left out because their id was already indexed.
        errors: one line per skipped JSONL line (``file:line: reason``).
        embedded / reused: embeddings computed now / taken from the previous build; model: embedding model.
    """

    dir: Path
    passages: int = 0
    from_chunks: int = 0
    from_jsonl: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    model: str = ""
    seconds: float = 0.0


def kb_dir(ws: Workspace) -> Path:
    """The knowledge base folder of a workspace."""
    d = Path(ws.config.kb.dir)
    return d if d.is_absolute() else ws.root / d


def open_kb(ws: Workspace) -> KnowledgeBase:
    """The workspace's knowledge base (raises ``KBMissing`` before ``kb build``)."""
    cfg = ws.config.kb
    return KnowledgeBase.load(
        kb_dir(ws), resolve_model(cfg.embedding_model), cfg.dense_languages, cfg.fusion_k
    )


def _previous_vectors(root: Path) -> dict[str, Any]:
    """text hash -> embedding row of the previous build (empty when there is none)."""
    try:
        import numpy as np

        with open(root / "passages.jsonl", encoding="utf-8") as f:
            old = [Passage(**json.loads(line)) for line in f if line.strip()]
        vecs = np.load(root / "embeddings.npy")
        return {p.hash: vecs[i] for i, p in enumerate(old)} if len(old) == len(vecs) else {}
    except (OSError, ValueError, TypeError):
        return {}


def _embed(
    passages: list[Passage],
    model: str,
    cfg: KBConfig,
    old: dict[str, Any],
    s: KBSummary,
    on_progress: Callable[[int, int], None] | None,
) -> Any:
    import numpy as np

    todo = [i for i, p in enumerate(passages) if p.hash not in old]
    new = None
    if todo:
        step, parts = cfg.batch_size * 8, []
        for a in range(0, len(todo), step):
            parts.append(encode(model, [passages[i].text for i in todo[a : a + step]], cfg.batch_size))
            if on_progress:
                on_progress(min(a + step, len(todo)), len(todo))
        new = np.vstack(parts)
    rows, j = [], 0
    for i, p in enumerate(passages):
        if new is not None and j < len(todo) and todo[j] == i:
            rows.append(new[j])
            j += 1
        else:
            rows.append(old[p.hash])
    s.embedded, s.reused = len(todo), len(passages) - len(todo)
    return np.vstack(rows).astype("float32") if rows else np.zeros((0, 0), dtype="float32")


def build_kb(
    ws: Workspace,
    jsonl: list[str | Path] | None = None,
    chunks: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> KBSummary:
    """Build the knowledge base from the workspace's chunks and the given passage JSONL files.

    Args:
        jsonl: JSONL files of passages (``id``, ``text``, ``source``, optional ``pages``); bad lines are skipped
            and reported in ``errors``.
        chunks: also index the workspace's chunks (``corpusforge corpus``).
        on_progress: called with (passages embedded, passages to embed) after each slice.
    """
    import bm25s
    import numpy as np

    quiet_bm25s()
    t0 = time.time()
    cfg, root = ws.config.kb, kb_dir(ws)
    s = KBSummary(dir=root)
    passages: list[Passage] = []
    seen: set[str] = set()
    sources = [("chunks", from_store(ws.store))] if chunks else []
    sources += [("jsonl", from_jsonl(p, s.errors)) for p in (jsonl or [])]
    for kind, it in sources:
        for p in it:
            if p.id in seen:
                s.duplicates += 1
                continue
            seen.add(p.id)
            passages.append(p)
            if kind == "chunks":
                s.from_chunks += 1
            else:
                s.from_jsonl += 1
    s.passages = len(passages)
    model = resolve_model(cfg.embedding_model)
    root.parent.mkdir(parents=True, exist_ok=True)
    with atomic_dir(root) as tmp:
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        if passages:
            bm = bm25s.BM25()
            bm.index([words(p.text) for p in passages], show_progress=False)
            bm.save(str(tmp / "bm25"), show_progress=False)
        if model and passages:
            np.save(
                tmp / "embeddings.npy", _embed(passages, model, cfg, _previous_vectors(root), s, on_progress)
            )
            s.model = model_name(model)
        meta = {
            "passages": s.passages,
            "from_chunks": s.from_chunks,
            "from_jsonl": s.from_jsonl,
            "embedding_model": s.model,
            "embedding_path": model if s.model else None,
            "segmentation": "jieba (zh) + word tokens",
            "bm25": "bm25s lucene k1=1.5 b=0.75",
        }
        (tmp / "kb.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    s.seconds = round(time.time() - t0, 3)
    log.info("kb: %d passages indexed in %s", s.passages, root)
    return s
