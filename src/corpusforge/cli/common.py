"""Shared CLI helpers: the current workspace, the console, one-line errors, summary tables."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table

from corpusforge.redact import RedactFilter, redact

console = Console(stderr=True)
out = Console()

_state: dict[str, Any] = {"workspace_dir": None}


def setup_logging(verbose: bool) -> None:
    """Route library logging to the console (warnings by default, info with -v)."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_time=False, show_path=False)],
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactFilter())


def workspace_dir() -> Path:
    """The workspace folder chosen with --workspace, else the current folder."""
    return Path(_state["workspace_dir"] or ".").resolve()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error (secrets redacted) and exit."""
    console.print(f"[bold red]error:[/] {escape(redact(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def get_workspace():  # type: ignore[no-untyped-def]
    """Open the current workspace or exit with a one-line error."""
    from corpusforge.config import ConfigError
    from corpusforge.store import StoreError
    from corpusforge.workspace import WorkspaceError, open_workspace

    try:
        return open_workspace(workspace_dir())
    except (WorkspaceError, ConfigError, StoreError) as e:
        fail(str(e))


def summary_table(
    title: str, rows: dict[str, Any] | list[tuple[Any, ...]], columns: tuple[str, ...] = ("what", "count")
) -> None:
    """Print an end-of-run summary table."""
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c)
    items = rows.items() if isinstance(rows, dict) else rows
    for row in items:
        table.add_row(*[str(x) for x in row])
    console.print(table)
