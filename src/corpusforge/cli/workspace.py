"""Workspace commands: ``init``, ``status``, ``dump``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from corpusforge.cli.common import console, get_workspace, out, summary_table

dump_app = typer.Typer(
    help="Write records from the store as JSONL, for scripts and for reading by eye.", no_args_is_help=True
)


def init(
    directory: Path = typer.Argument(Path("."), help="Folder to make a workspace (created if needed)."),
) -> None:
    """Create a workspace: corpusforge.yaml with commented defaults and an empty store."""
    from corpusforge.workspace import init_workspace

    ws = init_workspace(directory)
    console.print(f"workspace ready: {ws.root} (edit {ws.root / 'corpusforge.yaml'})")
    ws.close()


def status(as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON.")) -> None:
    """Counts of files, documents, pages, chunks and samples; failed files with their reasons."""
    from corpusforge.workspace_status import workspace_status

    ws = get_workspace()
    st = workspace_status(ws)
    ws.close()
    if as_json:
        out.print_json(json.dumps(st, ensure_ascii=False))
        return
    summary_table(f"workspace {st['workspace']}", st["counts"])
    if st["samples_by_status"]:
        summary_table("samples by status", st["samples_by_status"], ("status", "count"))
    if st["samples_by_task"]:
        summary_table("samples by task", st["samples_by_task"], ("task", "count"))
    if st["reasons"]:
        summary_table("quality-gate reasons", st["reasons"], ("reason", "samples"))
    if st["failed"]:
        summary_table("failed files", [(f["path"], f["error"]) for f in st["failed"]], ("file", "reason"))
    if st["runs"]:
        summary_table(
            "recent runs",
            [(r["id"], r["command"], r["status"], _when(r["started_at"])) for r in st["runs"]],
            ("run", "command", "status", "started"),
        )


def _when(ts: float | None) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


@dump_app.command("pages")
def dump_pages(out_path: Path = typer.Option(..., "--out", help="JSONL file to write.")) -> None:
    """One line per page: source, page, text (and doc_id, metadata)."""
    from corpusforge.io import write_jsonl

    ws = get_workspace()
    n = write_jsonl(
        out_path,
        (
            {"source": p.source, "page": p.page, "text": p.text, "doc_id": p.doc_id, "metadata": p.metadata}
            for p in ws.store.iter_pages()
        ),
    )
    console.print(f"wrote {n} pages to {out_path}")


@dump_app.command("chunks")
def dump_chunks(out_path: Path = typer.Option(..., "--out", help="JSONL file to write.")) -> None:
    """One line per chunk with its provenance."""
    from dataclasses import asdict

    from corpusforge.io import write_jsonl

    ws = get_workspace()
    n = write_jsonl(out_path, (asdict(c) for c in ws.store.iter_chunks()))
    console.print(f"wrote {n} chunks to {out_path}")


@dump_app.command("samples")
def dump_samples(
    out_path: Path = typer.Option(..., "--out", help="JSONL file to write."),
    task: str = typer.Option(None, help="Only this task."),
    status_: str = typer.Option(None, "--status", help="Only this status."),
) -> None:
    """Every sample with its fields, provenance and verdicts."""
    from corpusforge.io import write_jsonl

    ws = get_workspace()
    n = write_jsonl(out_path, (s.to_dict() for s in ws.store.iter_samples(task=task, status=status_)))
    console.print(f"wrote {n} samples to {out_path}")


def register(app: typer.Typer) -> None:
    """Add the workspace commands."""
    app.command()(init)
    app.command()(status)
    app.add_typer(dump_app, name="dump")
