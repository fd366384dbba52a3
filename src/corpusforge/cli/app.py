"""The ``corpusforge`` command: a table of stage modules, each registering its typed commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from corpusforge import __version__
from corpusforge.cli import common
from corpusforge.registry import Registry

app = typer.Typer(
    name="corpusforge",
    help="Turn your own documents into a domain-expert LLM:\n\n"
    "ingest -> corpus -> generate -> check -> review -> export -> train -> eval",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# One line per stage: its register(app), which adds the stage's commands (in this order).
STAGES: Registry[Callable[[typer.Typer], None]] = Registry(
    "CLI stage",
    {
        "workspace": "corpusforge.cli.workspace:register",
        "ingest": "corpusforge.cli.ingest:register",
        "corpus": "corpusforge.cli.corpus:register",
        "generate": "corpusforge.cli.generate:register",
        "quality": "corpusforge.cli.quality:register",
        "review": "corpusforge.cli.review:register",
        "export": "corpusforge.cli.export:register",
        "train": "corpusforge.cli.train:register",
        "evaluate": "corpusforge.cli.evaluate:register",
        "kb": "corpusforge.cli.kb:register",
    },
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corpusforge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    workspace: Path | None = typer.Option(  # noqa: UP007
        None,
        "--workspace",
        "-w",
        help="Workspace folder (default: the current folder).",
        envvar="CORPUSFORGE_WORKSPACE",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show info logs."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    common._state["workspace_dir"] = workspace
    common.setup_logging(verbose)


for _stage in STAGES:
    STAGES.get(_stage)(app)


def main() -> None:
    """Entry point of the ``corpusforge`` script: a store that breaks mid-command is one line, not a traceback."""
    try:
        app()
    except Exception as e:
        from rich.markup import escape

        from corpusforge.store import Store, is_db_error, store_error

        if not is_db_error(e):
            raise
        path = Store.last_path or common.workspace_dir() / ".corpusforge" / "store.db"
        msg = escape(str(store_error(path, e)))
        common.console.print(f"[bold red]error:[/] {msg}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
