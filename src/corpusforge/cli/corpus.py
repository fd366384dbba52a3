"""CLI commands of the corpus stage."""

from __future__ import annotations

from pathlib import Path

import typer

from corpusforge.cli.common import console, fail, get_workspace, summary_table
from corpusforge.cli.progress import RichProgress
from corpusforge.scale.config import Engine


def corpus(
    out: Path | None = typer.Option(None, "--out", help="Output folder (default: out/ in the workspace)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    engine: Engine = typer.Option(
        None, "--engine", help="Override engine: local (this process) or ray (the cluster at ray.address)."
    ),
) -> None:
    """Build the continued-pretraining corpus: clean, filter, de-duplicate and chunk the ingested pages.

    Writes corpus.jsonl, llamafactory/ (pretraining format + dataset_info.json), corpus_stats.json and
    corpus_removed.jsonl (every dropped paragraph/page with its reason, every duplicate with its kept copy),
    corpus_contaminated.jsonl (chunks overlapping eval.contamination_files) and corpus_boilerplate.jsonl
    (lines shared by many documents, removed as boilerplate, each once with its document count).
    """
    from corpusforge.corpus.decontam import ContaminationFileError
    from corpusforge.scale.cluster import EngineError
    from corpusforge.scale.engine import run_corpus

    ws = get_workspace()
    try:
        stats = run_corpus(ws, out_dir=out, progress=RichProgress() if progress else None, engine=engine)
    except (ContaminationFileError, EngineError) as e:
        fail(str(e))
    finally:
        ws.close()
    summary_table("corpus", stats.rows(), ("what", "items", "characters"))
    if stats.failed:
        summary_table("failed documents", stats.failed, ("document", "reason"))
    console.print(f"wrote {stats.chunks} chunks ({stats.tokens} tokens) to {stats.out_dir}")


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the app."""
    app.command("corpus")(corpus)
