"""Progress bar of a ``generate`` run: units done, requests/s, tokens/s, ETA (rich, on stderr)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress

if TYPE_CHECKING:
    from corpusforge.generate.context import RunContext


class Progress:
    """A context manager showing the run's progress; ``update`` after each committed unit."""

    def __init__(self, total: int, console: Console | None = None):
        self.t0 = time.monotonic()
        self.bar = RichProgress(
            TextColumn("[bold]generate"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rates]}"), TextColumn("{task.fields[samples]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=console or Console(stderr=True), transient=False)
        self.task = self.bar.add_task("generate", total=total, rates="", samples="")

    def __enter__(self) -> Progress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.bar.__exit__(*exc)

    async def tick(self, ctx: RunContext, every: float = 1.0) -> None:
        """Refresh the rates every ``every`` seconds while units are in flight (run as a task)."""
        import asyncio

        while True:
            await asyncio.sleep(every)
            self.update(ctx, advance=0)

    def update(self, ctx: RunContext, added: int = 0, advance: int = 1) -> None:
        """Advance by one unit (plus ``added`` follow-up units to the total) and refresh the rates."""
        st = ctx.client.stats
        dt = max(time.monotonic() - self.t0, 1e-6)
        rates = f"{st.requests / dt:.2f} req/s {(st.tokens_in + st.tokens_out) / dt:.0f} tok/s ({st.cached} cached)"
        samples = f"{ctx.summary.kept} kept / {ctx.summary.dropped} dropped"
        total = (self.bar.tasks[0].total or 0) + added
        self.bar.update(self.task, advance=advance, total=total, rates=rates, samples=samples)
