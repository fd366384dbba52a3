"""CLI commands of the ingest stage."""

from __future__ import annotations

from pathlib import Path

import typer

from corpusforge.cli.common import console, fail, get_workspace, summary_table
from corpusforge.cli.progress import RichProgress
from corpusforge.scale.config import Engine


def ingest(
    paths: list[Path] = typer.Argument(
        ..., metavar="PATH", help="Files or folders to read (folders recursively)."
    ),
    ocr: bool = typer.Option(
        None, "--ocr/--no-ocr", help="Override ingest.ocr: OCR pages without a usable text layer."
    ),
    engine: Engine = typer.Option(
        None, "--engine", help="Override engine: local (this process) or ray (the cluster at ray.address)."
    ),
) -> None:
    """Read PDF, DOCX, PPTX, XLSX, EPUB, HTML, TXT and Markdown files into the workspace, one record per page.

    Unchanged files are skipped, changed files re-read (their old version marked stale).
    Files that cannot be read are listed with a one-line reason; the run goes on with the rest.
    Exits with status 1 when no file was found or every file failed.
    """
    from corpusforge.ingest.pipeline import IngestInterrupted
    from corpusforge.scale.cluster import EngineError
    from corpusforge.scale.engine import run_ingest

    ws = get_workspace()
    if ocr is not None:
        ws.config.ingest.ocr = ocr
    try:
        summary = run_ingest(ws, paths, progress=RichProgress(), engine=engine)
    except EngineError as e:
        ws.close()
        fail(str(e))
    except IngestInterrupted as e:
        _report(e.summary)
        console.print(
            "[yellow]interrupted:[/] everything listed above is stored; run the same command to finish."
        )
        raise typer.Exit(130) from None
    finally:
        ws.close()
    _report(summary)
    if summary.files_seen == 0:
        console.print("[red]error:[/] no files found under the given paths; nothing ingested.")
        raise typer.Exit(1)
    if summary.failed and not (summary.read or summary.unchanged or summary.duplicates):
        console.print(f"[red]error:[/] all {len(summary.failed)} files failed; nothing ingested.")
        raise typer.Exit(1)


def _report(summary) -> None:  # type: ignore[no-untyped-def]
    counts = summary.counts()
    rows = {
        k: counts[k]
        for k in (
            "files_seen",
            "read",
            "unchanged",
            "duplicates",
            "failed",
            "pages",
            "pages_ocr",
            "pages_no_text",
            "stale",
        )
    }
    rows["seconds"] = counts["seconds"]
    summary_table("ingest", rows)
    if summary.warnings:
        _paths_table("page warnings", summary.warnings, "note")
    if summary.skipped:
        _paths_table(f"skipped folders ({len(summary.skipped)})", summary.skipped, "reason")
    if summary.failed:
        _paths_table(f"failed files ({len(summary.failed)})", summary.failed, "reason")


def _paths_table(title: str, rows: list[tuple[str, str]], what: str) -> None:
    """A (file, text) table that folds long paths instead of cutting off the file name."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("file", overflow="fold", ratio=1)
    table.add_column(what, overflow="fold", ratio=2)
    for path, text in rows:
        table.add_row(_short(path), text)
    console.print(table)


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the app."""
    app.command()(ingest)
