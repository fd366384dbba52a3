"""One file through ingest: checks, hash, idempotence, reader, store writes. Never raises for bad input."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpusforge.ingest.base import OnPage, ReadError, ReadResult
from corpusforge.ingest.detect import detect_kind
from corpusforge.ingest.lang import guess_language
from corpusforge.ingest.registry import get_reader
from corpusforge.ingest.tags import tags_for
from corpusforge.records import Document, Page
from corpusforge.workspace import Workspace

if TYPE_CHECKING:
    from corpusforge.ingest.config import IngestConfig

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FileOutcome:
    """Result of one file: ``status`` is read, unchanged, duplicate or failed (then ``reason`` says why)."""

    path: str
    status: str
    reason: str = ""
    doc_id: str = ""
    pages: int = 0
    stale: int = 0
    pages_ocr: int = 0
    pages_no_text: int = 0
    warnings: list[str] = field(default_factory=list)


class FileFailed(Exception):
    """A file that cannot be ingested; ``str(err)`` is the one-line reason."""


def store_key(ws: Workspace, path: Path) -> str:
    """How a file is named in the store: relative to the workspace when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(ws.root).as_posix()
    except ValueError:
        return absolute.as_posix()


def ingest_file(ws: Workspace, path: Path, rel: str, on_page: OnPage | None = None) -> FileOutcome:
    """Ingest one file; every problem with the input becomes a failed outcome with a one-line reason.

    Args:
        on_page: progress callback (page, pages) for readers of paged formats (PDF).
    """
    key = store_key(ws, path)
    prev = ws.store.get_file(key)
    facts: dict[str, Any] = {}

    def run() -> FileOutcome:
        first = check_file(ws, path, key, prev, facts)
        if isinstance(first, FileOutcome):
            return first
        read = read_file(first, path, ws.config.ingest, on_page)
        del first  # big files: the bytes need not stay in memory next to the store's writes
        return record_file(ws, key, rel, prev, facts, read)

    return guarded(ws, key, prev, facts, run)


def guarded(
    ws: Workspace,
    key: str,
    prev: dict[str, Any] | None,
    facts: dict[str, Any],
    run: Callable[[], FileOutcome],
) -> FileOutcome:
    """``run()``, or a failed outcome (stored with its one-line reason) when it raises."""
    try:
        return run()
    except Exception as e:  # a library bug on a strange file must not stop the run
        reason = failure_reason(e, key)
    ws.store.put_file(
        key,
        status="failed",
        sha256=facts.get("sha"),
        size=facts.get("size"),
        mtime=facts.get("mtime"),
        error=reason,
    )
    stale = _retire(ws, prev, keep=None)
    return FileOutcome(key, "failed", reason=reason, stale=stale)


def failure_reason(e: BaseException, key: str) -> str:
    """The one-line reason stored for a file whose ingest raised ``e``."""
    if isinstance(e, FileFailed):
        return str(e)
    if isinstance(e, ReadError):
        return str(e) or "unreadable"
    if isinstance(e, MemoryError):
        return "too large to read into memory"
    log.debug("reader crashed on %s", key, exc_info=e)
    first = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"reader error: {type(e).__name__}: {first}"


def check_file(
    ws: Workspace, path: Path, key: str, prev: dict[str, Any] | None, facts: dict[str, Any]
) -> FileOutcome | bytes:
    """Everything before the reader: checks, hash and the store's idempotence; the bytes when it must be read.

    Fills ``facts`` with ``size``, ``mtime`` and ``sha``. Raises on a file that cannot be ingested.
    """
    cfg = ws.config.ingest
    try:
        st = path.stat()
    except FileNotFoundError:
        raise FileFailed(
            "unreadable: file not found" + (" (dangling symlink)" if path.is_symlink() else "")
        ) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FileFailed("unreadable: symlink loop") from None
        raise FileFailed(f"unreadable: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise FileFailed("unreadable: not a regular file")
    facts.update(size=st.st_size, mtime=st.st_mtime)
    if st.st_size == 0:
        raise FileFailed("empty: zero-byte file")
    limit = cfg.max_file_mb * 1024 * 1024
    if st.st_size > limit:
        raise FileFailed(f"too large: {st.st_size / 1048576:.2f} MB > ingest.max_file_mb={cfg.max_file_mb:g}")
    if (
        prev
        and prev["status"] == "ok"
        and prev["size"] == st.st_size
        and prev["mtime"] == st.st_mtime
        and _is_current(ws, prev["doc_id"])
    ):
        return FileOutcome(key, "unchanged", doc_id=prev["doc_id"])
    try:
        data = path.read_bytes()
    except OSError as e:
        raise FileFailed(f"unreadable: {e.strerror or e}") from None
    facts["sha"] = hashlib.sha256(data).hexdigest()
    known = known_content(ws, key, prev, facts)
    return data if known is None else known


def known_content(
    ws: Workspace, key: str, prev: dict[str, Any] | None, facts: dict[str, Any]
) -> FileOutcome | None:
    """The outcome of a file whose content is stored already (recorded for this path), else None."""
    sha = facts["sha"]
    doc_id = sha[:16]
    if not _is_current(ws, doc_id):
        return None
    # Stored already: by this path (touched file), by another path (a copy), or by a run stopped
    # between writing the document and recording its file (then nothing else points at it).
    others = ws.store.count_other_files(doc_id, key)
    ws.store.put_file(key, status="ok", sha256=sha, size=facts["size"], mtime=facts["mtime"], doc_id=doc_id)
    stale = _retire(ws, prev, keep=doc_id)
    return FileOutcome(key, "duplicate" if others else "unchanged", doc_id=doc_id, stale=stale)


@dataclass(slots=True)
class FileRead:
    """What the reader made of a file's bytes (pure: computed wherever the bytes are)."""

    kind: str
    what: str
    result: ReadResult


def read_file(data: bytes, path: Path, cfg: IngestConfig, on_page: OnPage | None = None) -> FileRead:
    """Detect the kind and read the bytes; raises (with a one-line reason) when nothing usable comes out."""
    kind, what = detect_kind(data, path.suffix.lower())
    if kind is None:
        raise FileFailed(f"unsupported file type: {what}")
    result = get_reader(kind)(data, path, cfg, on_page=on_page)
    if result.n_chars == 0:
        raise FileFailed(_empty_reason(kind, result))
    return FileRead(kind, what, result)


def record_file(
    ws: Workspace, key: str, rel: str, prev: dict[str, Any] | None, facts: dict[str, Any], read: FileRead
) -> FileOutcome:
    """Write a read file's document and pages, then its file row (the resume marker)."""
    sha, size = facts["sha"], facts["size"]
    doc_id = sha[:16]
    result = read.result
    doc, pages = _records(ws, result, doc_id, key, rel, read.kind, read.what, sha, size)
    ws.store.put_document(doc, pages)
    ws.store.put_file(key, status="ok", sha256=sha, size=size, mtime=facts["mtime"], doc_id=doc_id)
    stale = _retire(ws, prev, keep=doc_id)
    meta = result.metadata
    no_text = sum(1 for p in result.pages if not p.text.strip())
    return FileOutcome(
        key,
        "read",
        doc_id=doc_id,
        pages=len(pages),
        stale=stale,
        pages_ocr=int(meta.get("pages_ocr", 0)),
        pages_no_text=no_text,
        warnings=result.warnings,
    )


def _records(
    ws: Workspace,
    result: ReadResult,
    doc_id: str,
    key: str,
    rel: str,
    kind: str,
    what: str,
    sha: str,
    size: int,
) -> tuple[Document, list[Page]]:
    tags = tags_for(rel, ws.config.ingest.tags)
    text = "\n".join(p.text[:20000] for p in result.pages[:3])  # a sample: big files have many pages
    metadata = {**result.metadata, "sha256": sha, "size": size, "detected": what}
    if result.warnings:
        metadata["warnings"] = result.warnings
    doc = Document(
        doc_id=doc_id,
        source=rel,
        path=key,
        kind=kind,
        title=result.title or Path(rel).stem,
        lang=guess_language(text),
        n_pages=len(result.pages),
        tags=tags,
        metadata=metadata,
    )
    pages = [
        Page(doc_id=doc_id, source=rel, page=i, text=p.text, metadata={**p.metadata, "tags": tags})
        for i, p in enumerate(result.pages, 1)
    ]
    return doc, pages


def _empty_reason(kind: str, result: ReadResult) -> str:
    n = len(result.pages)
    if kind == "pdf":
        garbage = sum(1 for p in result.pages if p.metadata.get("quality") == "garbage")
        why = "scanned?" if not garbage else f"{garbage} with a garbage text layer, broken font mapping?"
        ocr = "OCR found no text" if result.metadata.get("pages_ocr") else "set ingest.ocr: true to OCR them"
        return f"empty: none of the {n} pages has a usable text layer ({why}); {ocr}"
    if kind == "html":
        return "empty: no main text found in the HTML page"
    return "empty: no text found"


def _is_current(ws: Workspace, doc_id: str | None) -> bool:
    if not doc_id:
        return False
    return ws.store.is_current_document(doc_id)


def _retire(ws: Workspace, prev: dict[str, Any] | None, keep: str | None) -> int:
    """Mark the file's previous document stale when its content changed and no other file still has it."""
    old = prev["doc_id"] if prev else None
    if not old or old == keep or not _is_current(ws, old):
        return 0
    others = ws.store.count_other_files(old, prev["path"] if prev else "")
    if others:
        return 0
    ws.store.mark_stale(old)
    return 1
