"""Ingest on a Ray cluster: readers (and their OCR) run as Ray tasks, the store is written by the driver.

The driver does what needs the store (checks, hash, idempotence: :func:`~corpusforge.ingest.files.check_file`),
submits a task per file that must be read, and records the results in discovery order through the same
:func:`~corpusforge.ingest.files.record_file` as the local engine. Document ids, file rows and resume
markers are therefore the local engine's: a rerun after a killed driver finds the finished files
``unchanged`` and submits only the rest; a task whose worker dies is retried by Ray (``ray.max_retries``).
Workers re-read the file by its absolute path, so the files must be visible to every node at that path.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.files import (
    FileFailed,
    FileOutcome,
    FileRead,
    check_file,
    failure_reason,
    guarded,
    known_content,
    read_file,
    record_file,
    store_key,
)
from corpusforge.progress import Progress
from corpusforge.scale.cluster import connect, in_order, window
from corpusforge.scale.config import RayConfig
from corpusforge.workspace import Workspace


def read_task(path: str, absolute: str, cfg: IngestConfig, sha: str) -> FileRead | str:
    """What a worker does with one file: its :class:`FileRead`, or the one-line reason it failed."""
    try:
        data = Path(absolute).read_bytes()
    except OSError as e:
        return f"unreadable: {e.strerror or e}"
    if hashlib.sha256(data).hexdigest() != sha:
        return "unreadable: the file changed while it was being read; run ingest again"
    try:
        return read_file(data, Path(path), cfg)
    except Exception as e:  # noqa: BLE001 - the reason travels back, as the local engine stores it
        return failure_reason(e, path)


@dataclass(slots=True)
class _File:
    path: Path
    rel: str
    key: str
    prev: dict[str, Any] | None
    facts: dict[str, Any] = field(default_factory=dict)
    done: FileOutcome | None = None  # decided on the driver (unchanged, duplicate, failed check)


def ray_files(cfg: RayConfig) -> Any:
    """A :data:`~corpusforge.ingest.pipeline.FileRunner` running the readers on the cluster of ``cfg``."""

    def run(ws: Workspace, files: list[tuple[Path, str]], bar: Progress) -> Iterator[FileOutcome]:
        ray = connect(cfg)
        task = ray.remote(num_cpus=cfg.num_cpus, max_retries=cfg.max_retries)(read_task)
        icfg = ray.put(ws.config.ingest)
        by_sha: dict[str, Any] = {}  # copies in one run are read once; the later ones are duplicates

        def submit(f: _File) -> Any:
            first = guarded(ws, f.key, f.prev, f.facts, lambda: _check(ws, f))
            if first.status != "pending":
                f.done = first
                return None
            sha = f.facts["sha"]
            if sha not in by_sha:
                by_sha[sha] = task.remote(str(f.path), os.path.abspath(f.path), icfg, sha)
            return by_sha[sha]

        pending = (_File(p, rel, k, ws.store.get_file(k)) for p, rel in files for k in [store_key(ws, p)])
        for f, ref in in_order(pending, submit, window(cfg)):
            bar.advance(0, note=f.rel[-40:])
            if f.done is not None:
                yield f.done
                continue
            yield guarded(ws, f.key, f.prev, f.facts, functools.partial(_record, ws, f, ray.get, ref))

    return run


def _check(ws: Workspace, f: _File) -> FileOutcome:
    first = check_file(ws, f.path, f.key, f.prev, f.facts)
    return first if isinstance(first, FileOutcome) else FileOutcome(f.key, "pending")


def _record(ws: Workspace, f: _File, get: Any, ref: Any) -> FileOutcome:
    got: FileRead | str = get(ref)  # inside guarded: a task that failed for good fails only its file
    known = known_content(ws, f.key, f.prev, f.facts)  # an earlier copy in this run was recorded
    if known is not None:
        return known
    if isinstance(got, str):
        raise FileFailed(got)
    return record_file(ws, f.key, f.rel, f.prev, f.facts, got)
