"""Ingest and the corpus build on the chosen engine (``engine:`` in corpusforge.yaml, or ``--engine``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from corpusforge.corpus.pipeline import build_corpus
from corpusforge.corpus.stats import CorpusStats
from corpusforge.ingest.pipeline import IngestSummary, ingest_paths
from corpusforge.progress import Progress
from corpusforge.scale.cluster import connect
from corpusforge.scale.config import Engine
from corpusforge.workspace import Workspace


def run_ingest(
    ws: Workspace,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> IngestSummary:
    """:func:`~corpusforge.ingest.pipeline.ingest_paths` on ``engine`` (default: the config's ``engine``).

    Raises:
        corpusforge.scale.cluster.EngineError: the ray engine cannot run (before anything is stored).
        corpusforge.ingest.pipeline.IngestInterrupted: on Ctrl-C, as the local engine.
    """
    if (engine or ws.config.engine) == "local":
        return ingest_paths(ws, paths, progress=progress)
    from corpusforge.scale.ray_ingest import ray_files

    connect(ws.config.ray)
    return ingest_paths(ws, paths, progress=progress, run_files=ray_files(ws.config.ray))


def run_corpus(
    ws: Workspace,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> CorpusStats:
    """:func:`~corpusforge.corpus.pipeline.build_corpus` on ``engine`` (default: the config's ``engine``).

    Raises:
        corpusforge.scale.cluster.EngineError: the ray engine cannot run (before anything is written).
    """
    if (engine or ws.config.engine) == "local":
        return build_corpus(ws, out_dir=out_dir, progress=progress)
    from corpusforge.scale.ray_corpus import ray_docs

    connect(ws.config.ray)
    return build_corpus(ws, out_dir=out_dir, progress=progress, clean_docs=ray_docs(ws.config.ray))
