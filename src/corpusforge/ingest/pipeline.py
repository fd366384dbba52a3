"""Ingest files into the workspace store: discover, detect, read, record; idempotent by content hash.

Each file ends in exactly one outcome: ``read`` (a document and its pages written), ``unchanged`` (same
bytes as last time: no work), ``duplicate`` (same bytes already stored under another path) or ``failed``
(a one-line reason, logged and stored with ``put_file(status='failed')``). A changed file's previous
document, and everything derived from it, is marked stale. Every write is its own short transaction, so
Ctrl-C leaves the store consistent and a rerun finishes the job without duplicates.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.config import CONFIG_NAME
from corpusforge.ingest.files import FileOutcome, ingest_file
from corpusforge.ingest.tags import path_matches
from corpusforge.progress import NO_PROGRESS, Progress
from corpusforge.workspace import STORE_DIR, Workspace

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run did.

    Attributes:
        files_seen: files found under the given paths (after include/exclude globs).
        read: files read and written as documents.
        unchanged: files whose content was already ingested (no work done).
        failed: ``(path, reason)`` for every file that could not be read.
        pages: pages written in this run.
        duplicates: files whose exact content is already stored under another path.
        stale: previous documents marked stale because their file changed.
        pages_ocr: pages read by OCR.
        pages_no_text: pages left empty (no usable text layer and OCR off or OCR found nothing).
        warnings: ``(path, note)`` about single pages (garbage text layer, OCR used, ...).
        interrupted: the run was stopped by Ctrl-C before every file was seen.
        seconds: wall time of the run.
        skipped: ``(folder, reason)`` for every folder that could not be listed (its files are not seen).
    """

    files_seen: int = 0
    read: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0
    duplicates: int = 0
    stale: int = 0
    pages_ocr: int = 0
    pages_no_text: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        """The numbers of the summary (for tables and ``runs.summary``)."""
        d = asdict(self)
        d["failed"] = len(self.failed)
        d["warnings"] = len(self.warnings)
        d["skipped"] = len(self.skipped)
        d["seconds"] = round(self.seconds, 2)
        return d

    def add(self, out: FileOutcome) -> None:
        """Count one file's outcome."""
        if out.status == "failed":
            self.failed.append((out.path, out.reason))
        elif out.status == "unchanged":
            self.unchanged += 1
        elif out.status == "duplicate":
            self.duplicates += 1
        else:
            self.read += 1
            self.pages += out.pages
        self.stale += out.stale
        self.pages_ocr += out.pages_ocr
        self.pages_no_text += out.pages_no_text
        self.warnings.extend((out.path, w) for w in out.warnings)


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during ingest; ``summary`` holds what was done (all of it safely stored)."""

    def __init__(self, summary: IngestSummary):
        super().__init__("ingest interrupted")
        self.summary = summary


def discover(
    ws: Workspace, paths: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None
) -> Iterator[tuple[Path, str]]:
    """Yield ``(file, path relative to the given folder)``, sorted, honouring include/exclude globs.

    A path that does not exist is yielded as is, so that it is reported as failed; so is a symlink loop.

    Args:
        skipped: receives ``(folder, reason)`` for every subfolder that cannot be listed.
    """
    cfg = ws.config.ingest
    skip = [(ws.root / STORE_DIR).resolve(), ws.out_dir.resolve()]
    config_file = (ws.root / CONFIG_NAME).resolve()
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            yield p, p.name
            continue
        for f in _walk(p, skipped if skipped is not None else []):
            try:
                real = f.resolve()
            except (RuntimeError, OSError):  # a symlink loop: yielded, ingest_file says why it fails
                real = None
            if real is not None and (real == config_file or any(real.is_relative_to(s) for s in skip)):
                continue
            rel = f.relative_to(p).as_posix()
            if any(path_matches(rel, g) for g in cfg.include) and not any(
                path_matches(rel, g) for g in cfg.exclude
            ):
                yield f, rel


def _walk(folder: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """Every non-directory entry under ``folder``, sorted; symlinked folders are not followed (no cycles).

    Folders that cannot be listed are appended to ``skipped`` with their reason.
    """

    def on_error(err: OSError) -> None:
        where = err.filename if err.filename is not None else folder
        skipped.append((str(where), f"folder skipped: {err.strerror or err}"))

    found: list[Path] = []
    for dirpath, _dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        found.extend(Path(dirpath) / n for n in names)
    return sorted(found)


FileRunner = Callable[[Workspace, list[tuple[Path, str]], Progress], Iterator[FileOutcome]]
"""How the files of a run are ingested: one outcome per file, in the order given (engines differ here)."""


def ingest_paths(
    ws: Workspace,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    on_file: Callable[[str], None] | None = None,
    run_files: FileRunner | None = None,
) -> IngestSummary:
    """Ingest files and folders into the workspace.

    Args:
        ws: the open workspace.
        paths: files and/or folders (read recursively).
        progress: where to report files (and pages) done; None: silent.
        on_file: called with each file's path before it is read (progress hooks; local engine).
        run_files: the engine (default: :func:`local_files`, one file after the other in this process).

    Returns:
        The run's summary.

    Raises:
        IngestInterrupted: on Ctrl-C, carrying the summary of what was stored before it.
    """
    t0 = time.monotonic()
    skipped: list[tuple[str, str]] = []
    files = list(discover(ws, paths, skipped))
    summary = IngestSummary(files_seen=len(files), skipped=skipped)
    for folder, reason in skipped:
        log.warning("%s: %s", folder, reason)
    run_id = ws.store.start_run("ingest")
    bar = progress or NO_PROGRESS
    runner = run_files or (lambda ws, files, bar: local_files(ws, files, bar, on_file, progress is not None))
    status = "failed"  # until the loop ends or is interrupted
    try:
        bar.start("ingest", total=len(files))
        for out in runner(ws, files, bar):
            summary.add(out)
            if out.status == "failed":
                log.warning("%s: %s", out.path, out.reason)
            bar.advance(1)
        status = "finished"
    except KeyboardInterrupt:
        summary.interrupted = True
        status = "interrupted"
        raise IngestInterrupted(summary) from None
    finally:
        bar.stop()
        summary.seconds = time.monotonic() - t0
        ws.store.finish_run(run_id, summary.counts(), status=status)
    return summary


def local_files(
    ws: Workspace,
    files: list[tuple[Path, str]],
    bar: Progress,
    on_file: Callable[[str], None] | None = None,
    pages: bool = False,
) -> Iterator[FileOutcome]:
    """The local engine: each file read and recorded in turn (``pages``: report PDF pages on ``bar``)."""
    for path, rel in files:
        name = rel[-40:]
        bar.advance(0, note=name)
        if on_file:
            on_file(str(path))
        on_page = (lambda i, n, name=name: bar.advance(0, note=f"{name} p{i}/{n}")) if pages else None
        yield ingest_file(ws, path, rel, on_page=on_page)
