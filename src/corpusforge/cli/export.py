"""``corpusforge export``: write the samples in the formats trainers read."""

from __future__ import annotations

from pathlib import Path

import typer

from corpusforge.cli.common import console, fail, get_workspace, out, summary_table


def export(
    formats: list[str] = typer.Option(
        [], "--format", "-f", help="Format to write (repeatable); see --list-formats."
    ),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="Export folder (default: export.out_dir)."),
    list_formats: bool = typer.Option(False, "--list-formats", help="List the formats and exit."),
    task: list[str] = typer.Option([], "--task", help="Only this task (repeatable)."),
    status: list[str] = typer.Option(
        [], "--status", help="Only this status (repeatable; default passed, accepted)."
    ),
    source: list[str] = typer.Option([], "--source", help="Only this source file (glob, repeatable)."),
    min_grounding: float | None = typer.Option(None, "--min-grounding", help="Lowest grounding score kept."),
    system_prompt: str | None = typer.Option(None, "--system-prompt", help="System prompt of chat formats."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the split."),
    validation_size: float | None = typer.Option(None, "--validation-size", help="Validation share."),
    test_size: float | None = typer.Option(None, "--test-size", help="Test share."),
) -> None:
    """Export samples (split by source document) as messages, alpaca, sharegpt, preference, pretrain, hf."""
    from corpusforge.export.formats import UnknownFormat, describe

    if list_formats:
        for name, help_ in describe().items():
            out.print(f"[bold]{name}[/]  {help_}", highlight=False)
        return
    from corpusforge.export import run_export

    ws = get_workspace()
    try:
        s = run_export(
            ws,
            formats or None,
            out_dir,
            tasks=task or None,
            statuses=status or None,
            sources=source or None,
            min_grounding=min_grounding,
            system_prompt=system_prompt,
            seed=seed,
            validation_size=validation_size,
            test_size=test_size,
        )
    except (UnknownFormat, ValueError) as e:
        fail(str(e).splitlines()[0])
    finally:
        ws.close()
    summary_table(f"export -> {s.out_dir}", s.files, ("file", "records"))
    rows = [
        (k, s.splits[k], sum(1 for v in s.split_of_source.values() if v == k), s.pair_splits.get(k, 0))
        for k in s.splits
    ]
    summary_table("splits (by source document)", rows, ("split", "samples", "sources", "pairs"))
    if s.cross_split:
        console.print(
            f"[yellow]{s.cross_split} samples show passages of documents in another split[/] "
            "(rag distractors); set export.drop_cross_split to leave them out",
            highlight=False,
        )
    if s.skipped:
        summary_table("left out", s.skipped, ("reason", "count"))
    if not s.splits:
        console.print("[yellow]no sample passed the filters[/] (only passed/accepted samples are exported)")
    elif s.empty_splits:
        console.print(
            f"[yellow]empty split left out: {', '.join(s.empty_splits)}[/] (no sample from its documents "
            "passed the filters): no file for it in any format, no entry in dataset_info.json",
            highlight=False,
        )
    extra = [sp for sp in s.empty_pair_splits if sp not in s.empty_splits]
    if extra and s.pair_splits:
        console.print(f"no preference pair in {', '.join(extra)}: left out of preference/", highlight=False)
    if s.empty_files:
        console.print(f"empty, not written: {', '.join(s.empty_files)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the export command."""
    app.command()(export)
