"""The one progress bar: :class:`corpusforge.progress.Progress` drawn with rich on the CLI's console.

Library functions take a ``progress`` and report to it; the CLI commands create a :class:`RichProgress`
(unless ``--no-progress``) and pass it in. The bar shares the console of the log handler
(:data:`corpusforge.cli.common.console`, stderr), so log lines print above it instead of through it.

Usage::

    bar = RichProgress()
    stats = build_corpus(ws, progress=bar)   # "corpus ━━━━━━━ 12/40 note 0:00:03 ETA 0:00:09"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as _Bar

from corpusforge.cli.common import console as cli_console

if TYPE_CHECKING:
    from rich.console import Console


class RichProgress:
    """A :class:`~corpusforge.progress.Progress` showing one rich bar per step.

    Columns: the step's label, the bar, done/total, the note (what is being worked on, or rates),
    elapsed time and the estimated time left.

    Args:
        console: where to draw (default: the CLI's stderr console, shared with the log handler).
        transient: remove the bar when the step stops (default: leave it on screen, completed).
    """

    def __init__(self, console: Console | None = None, transient: bool = False):
        self.console = console if console is not None else cli_console
        self.transient = transient
        self._bar: _Bar | None = None
        self._task: TaskID | None = None

    def start(self, label: str, total: int | None = None) -> None:
        """Show a new bar for a step of ``total`` units (None: unknown), ending the previous one."""
        self.stop()
        self._bar = _Bar(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}", markup=False),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=self.transient,
        )
        self._task = self._bar.add_task(label, total=total, note="")
        self._bar.start()

    def advance(self, n: int = 1, *, note: str | None = None, total: int | None = None) -> None:
        """``n`` more units done (0: refresh only); ``note`` replaces the text after the count."""
        if self._bar is None or self._task is None:
            return
        if note is None:
            self._bar.update(self._task, advance=n, total=total)
        else:
            self._bar.update(self._task, advance=n, total=total, note=note)

    def stop(self) -> None:
        """End the current step (no error when none is shown)."""
        if self._bar is not None:
            self._bar.stop()
        self._bar, self._task = None, None

    @property
    def completed(self) -> int:
        """Units done in the current step (0 when none is shown)."""
        if self._bar is None or self._task is None:
            return 0
        return int(self._bar.tasks[0].completed)
