"""The progress interface long steps report to; the CLI passes in the one implementation (a rich bar).

Library code never draws anything itself: ``ingest_paths``, ``build_corpus``, ``check_workspace`` and
``generate`` take ``progress: Progress | None`` and call it; ``None`` (tests, scripts) means silence.
The implementation lives in :mod:`corpusforge.cli.progress`.

Usage::

    def step(items, progress: Progress | None = None):
        bar = progress or NO_PROGRESS
        bar.start("corpus", total=len(items))
        try:
            for x in items:
                ...
                bar.advance(1, note=x.source)
        finally:
            bar.stop()
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Progress(Protocol):
    """A progress display for one step at a time."""

    def start(self, label: str, total: int | None = None) -> None:
        """Begin a step of ``total`` units (None: unknown) shown as ``label``."""

    def advance(self, n: int = 1, *, note: str | None = None, total: int | None = None) -> None:
        """``n`` more units done (0: just refresh); ``note`` replaces the text after the bar; ``total``
        changes the number of units (work found on the way)."""

    def stop(self) -> None:
        """End the step (the bar is left on screen, completed)."""


class _Silent:
    """A :class:`Progress` that shows nothing."""

    def start(self, label: str, total: int | None = None) -> None:
        """Nothing."""

    def advance(self, n: int = 1, *, note: str | None = None, total: int | None = None) -> None:
        """Nothing."""

    def stop(self) -> None:
        """Nothing."""


#: the progress of callers that passed none
NO_PROGRESS: Progress = _Silent()
