"""CLI commands of the generate stage: ``corpusforge generate``."""

from __future__ import annotations

from typing import Any, Optional

import typer
from typer.core import TyperCommand, TyperOption

from corpusforge.cli.common import console, fail, get_workspace, summary_table
from corpusforge.cli.progress import RichProgress
from corpusforge.generate.tasks import TASKS

MAX_ERROR_LINES = 20


def task_help() -> str:
    """The help of ``--task``: the tasks registered now (``corpusforge.generate.tasks.TASKS``)."""
    return f"Task to run (repeatable): {', '.join(TASKS.names())}. Default: generate.tasks (qa)."


class _GenerateCommand(TyperCommand):
    """``generate``, whose ``--task`` help is written when the command is built (so it lists every task
    registered by then, plug-ins included)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in self.params:
            if isinstance(p, TyperOption) and p.name == "task":
                p.help = task_help()


def generate(
    task: Optional[list[str]] = typer.Option(  # noqa: UP045
        None, "--task", "-t", metavar="TASK", help=task_help()
    ),
    candidates: int = typer.Option(
        0,
        "--candidates",
        "-k",
        min=0,
        help="K extra answers per kept question at different temperatures, "
        "for rating in review and preference (DPO) data.",
    ),
    limit_docs: Optional[int] = typer.Option(  # noqa: UP045
        None,
        "--limit-docs",
        min=1,
        help="Only the first N documents.",
    ),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
    strict: bool = typer.Option(
        False, "--strict", help="Exit 1 when any document is left below generate.qa_min kept pairs."
    ),
) -> None:
    """Write instruction data from the chunks with the configured LLM (cached: re-running resumes).

    Exits 1 when no sample was kept (every reply unusable or dropped), and with ``--strict`` when any
    document is left below ``generate.qa_min``; the summary is printed first either way.
    """
    from corpusforge.generate.runner import LLMUnavailable, NothingToDo
    from corpusforge.generate.runner import generate as run_generate
    from corpusforge.models import ModelNotAvailable

    ws = get_workspace()
    try:
        s = run_generate(
            ws,
            tasks=task or None,
            candidates=candidates,
            progress=None if no_progress else RichProgress(),
            limit_docs=limit_docs,
        )
    except (ValueError, NothingToDo, LLMUnavailable, ModelNotAvailable) as e:
        fail(str(e))
    finally:
        ws.close()
    rows: dict[str, object] = {
        "documents": s.documents,
        "units of work": s.units,
        "LLM requests sent": s.requests,
        "answered from cache": s.cached,
        "retries": s.retries,
        "tokens in / out": f"{s.tokens_in} / {s.tokens_out}",
        "samples kept": s.kept,
        "samples dropped": s.dropped,
        "new in store": s.new_samples,
    }
    if candidates:
        rows["candidate answers"] = s.candidates
    if s.entities_chunks:
        rows["chunks with entities"] = s.entities_chunks
    if s.cost is not None:
        rows["estimated cost"] = f"{s.cost:.4f}"
    rows["failed requests / unusable replies"] = s.n_errors
    rows["seconds"] = s.seconds
    summary_table("generate", rows)
    if s.by_task:
        summary_table(
            "samples by task",
            [
                (t, ", ".join(f"{k} {v}" for k, v in sorted(st.items()) if v))
                for t, st in sorted(s.by_task.items())
            ],
            ("task", "samples"),
        )
    if s.dropped_by_reason or s.flagged_by_reason:
        reasons = sorted(set(s.dropped_by_reason) | set(s.flagged_by_reason))
        summary_table(
            "quality gate",
            [(r, s.dropped_by_reason.get(r, 0), s.flagged_by_reason.get(r, 0)) for r in reasons],
            ("reason", "dropped", "flagged"),
        )
    if s.short_docs:
        summary_table(
            "documents below generate.qa_min", s.short_docs, ("document", "kept", "minimum", "why / remedy")
        )
    for line in s.errors[:MAX_ERROR_LINES]:
        console.print(f"[yellow]skipped:[/] {line}", highlight=False, soft_wrap=True)
    if s.n_errors > MAX_ERROR_LINES:
        console.print(f"... and {s.n_errors - MAX_ERROR_LINES} more (run with -v to see every one)")
    _exit_code(s, strict)


def _exit_code(s: Any, strict: bool) -> None:
    """Exit 1 with one line when nothing was kept, or (``--strict``) when a document is short."""
    if s.units and not s.kept:
        fail(
            f"no sample kept: {s.dropped} dropped by the quality gate, {s.n_errors} failed requests or "
            "unusable replies (see the lines above; check llm in corpusforge.yaml)"
        )
    if strict and s.short_docs:
        fail(f"{len(s.short_docs)} document(s) below generate.qa_min (--strict); listed above")


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the app."""
    app.command(cls=_GenerateCommand)(generate)
