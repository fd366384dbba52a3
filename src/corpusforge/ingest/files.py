"""One file through ingest: checks, hash, idempotence, reader, store writes. Never raises for bad input."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.ingest.base import OnPage, ReadError, ReadResult
from corpusforge.ingest.detect import detect_kind
from corpusforge.ingest.lang import guess_language
from corpusforge.ingest.registry import get_reader
from corpusforge.ingest.tags import tags_for
from corpusforge.records import Document, Page
from corpusforge.workspace import Workspace

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


class _Failed(Exception):
    pass


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
    store = ws.store
    prev = store.get_file(key)
    facts: dict[str, Any] = {}
    try:
        return _ingest(ws, path, rel, key, prev, facts, on_page)
    except _Failed as e:
        reason = str(e)
    except ReadError as e:
        reason = str(e) or "unreadable"
    except MemoryError:
        reason = "too large to read into memory"
    except Exception as e:  # a library bug on a strange file must not stop the run
        log.debug("reader crashed on %s", key, exc_info=True)
        reason = (
            f"reader error: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
        )
    store.put_file(
        key,
        status="failed",
        sha256=facts.get("sha"),
        size=facts.get("size"),
        mtime=facts.get("mtime"),
        error=reason,
    )
    stale = _retire(ws, prev, keep=None)
    return FileOutcome(key, "failed", reason=reason, stale=stale)


def _ingest(
    ws: Workspace,
    path: Path,
    rel: str,
    key: str,
    prev: dict[str, Any] | None,
    facts: dict[str, Any],
    on_page: OnPage | None,
) -> FileOutcome:
    cfg = ws.config.ingest
    store = ws.store
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _Failed(
            "unreadable: file not found" + (" (dangling symlink)" if path.is_symlink() else "")
        ) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _Failed("unreadable: symlink loop") from None
        raise _Failed(f"unreadable: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise _Failed("unreadable: not a regular file")
    facts.update(size=st.st_size, mtime=st.st_mtime)
    if st.st_size == 0:
        raise _Failed("empty: zero-byte file")
    limit = cfg.max_file_mb * 1024 * 1024
    if st.st_size > limit:
        raise _Failed(f"too large: {st.st_size / 1048576:.2f} MB > ingest.max_file_mb={cfg.max_file_mb:g}")
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
        raise _Failed(f"unreadable: {e.strerror or e}") from None
    sha = hashlib.sha256(data).hexdigest()
    doc_id = sha[:16]
    facts["sha"] = sha
    if _is_current(ws, doc_id):
        # Stored already: by this path (touched file), by another path (a copy), or by a run stopped
        # between writing the document and recording its file (then nothing else points at it).
        others = store.count_other_files(doc_id, key)
        store.put_file(key, status="ok", sha256=sha, size=st.st_size, mtime=st.st_mtime, doc_id=doc_id)
        stale = _retire(ws, prev, keep=doc_id)
        return FileOutcome(key, "duplicate" if others else "unchanged", doc_id=doc_id, stale=stale)
    kind, what = detect_kind(data, path.suffix.lower())
    if kind is None:
        raise _Failed(f"unsupported file type: {what}")
    result = get_reader(kind)(data, path, cfg, on_page=on_page)
    del data  # big files: the bytes need not stay in memory next to the store's writes
    if result.n_chars == 0:
        raise _Failed(_empty_reason(kind, result))
    doc, pages = _records(ws, result, doc_id, key, rel, kind, what, sha, st.st_size)
    store.put_document(doc, pages)
    store.put_file(key, status="ok", sha256=sha, size=st.st_size, mtime=st.st_mtime, doc_id=doc_id)
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
