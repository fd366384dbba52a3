"""Ingest reports to the progress it is given; the CLI's rich bar draws it on a console."""

from __future__ import annotations

import io

from rich.console import Console

from corpusforge.cli.progress import RichProgress
from corpusforge.ingest.pipeline import ingest_paths
from corpusforge.progress import Progress


class Recorder:
    """A Progress that writes down every call."""

    def __init__(self):
        self.calls = []

    def start(self, label, total=None):
        self.calls.append(("start", label, total))

    def advance(self, n=1, *, note=None, total=None):
        self.calls.append(("advance", n, note))

    def stop(self):
        self.calls.append(("stop",))


def test_ingest_reports_each_file(make_ws, docs_copy):
    bar = Recorder()
    summary = ingest_paths(make_ws(), [docs_copy], progress=bar)
    assert isinstance(bar, Progress)
    assert bar.calls[0] == ("start", "ingest", summary.files_seen) and bar.calls[-1] == ("stop",)
    assert sum(c[1] for c in bar.calls if c[0] == "advance") == summary.files_seen
    notes = {c[2] for c in bar.calls if c[0] == "advance" and c[2]}
    assert any(n.endswith(".pdf") for n in notes) and any(" p1/" in n for n in notes)  # files, then pages


def test_rich_progress_draws_label_count_and_note():
    buf = io.StringIO()
    bar = RichProgress(Console(file=buf, width=120, color_system=None))  # not a terminal: final state only
    assert isinstance(bar, Progress)
    bar.start("corpus", total=3)
    bar.advance(1, note="report.pdf")
    bar.advance(2, note="[bold]notes[/bold].md", total=4)  # notes are plain text, never markup
    assert bar.completed == 3
    bar.stop()
    bar.stop()  # stopping twice is harmless
    line = buf.getvalue().splitlines()[-1]
    assert line.startswith("corpus ") and " 3/4 [bold]notes[/bold].md " in line and "ETA" in line
    bar.advance(1)  # no step shown: nothing happens
    assert bar.completed == 0
