"""The ``corpusforge`` command: a table of stage modules, each registering its typed commands."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from corpusforge import __version__
from corpusforge.cli import common

app = typer.Typer(
    name="corpusforge",
    help="Turn your own documents into a domain-expert LLM:\n\n"
    "ingest -> corpus -> generate -> check -> review -> export -> train -> eval",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# One line per stage: the module under corpusforge.cli whose register(app) adds its commands.
STAGES = ["workspace", "ingest", "corpus", "generate", "quality", "review", "export", "train", "evaluate", "kb"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corpusforge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    workspace: Path | None = typer.Option(  # noqa: UP007
        None, "--workspace", "-w", help="Workspace folder (default: the current folder).", envvar="CORPUSFORGE_WORKSPACE"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show info logs."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    common._state["workspace_dir"] = workspace
    common.setup_logging(verbose)


for _stage in STAGES:
    importlib.import_module(f"corpusforge.cli.{_stage}").register(app)


def main() -> None:
    """Entry point of the ``corpusforge`` script."""
    app()
