"""Small file helpers: JSONL reading/writing, atomic writes of files and folders.

A file or folder is built in a temporary sibling ``.<name>.<random>.tmp`` and renamed into place, so a
reader sees the old version or the new one, never half of one. Temporaries are created with the process
umask (like ``open`` and ``mkdir``, not ``mkstemp``'s 0600) and locked (``flock``) while in use: the next
write of the same target removes those a killed process left behind, and never one still being written.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locks, no stale-temporary cleanup
    fcntl = None  # type: ignore[assignment]


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    The file gets the mode ``open`` would give it (0666 less the umask); stale temporaries of ``path``
    left by a killed process are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    tmp, fd = _new_temp(path, lambda t: os.open(t, flags, 0o666))
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as f:
            yield f
            f.flush()
            os.replace(tmp, path)  # while still locked: a cleaner cannot take it first
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Build a folder in a temporary sibling and swap it in for ``path`` on success (readers never see
    half of it); on error the temporary folder is removed and ``path`` is left as it was.

    The swap is one ``renameat2(RENAME_EXCHANGE)`` where the system has it (Linux), else two renames
    (a process killed between them leaves the old folder as ``.<name>.<random>.old``, which the next
    call puts back). A symlink at ``path`` is followed: the folder it points to is replaced.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    tmp, fd = _new_temp(path, _mkdir)
    try:
        try:
            yield tmp
            _swap(tmp, path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    finally:
        os.close(fd)


def clean_stale(path: str | Path) -> list[Path]:
    """Remove the temporaries of ``path`` (``.<name>.*.tmp``) that no live process holds.

    A ``.<name>.*.old`` folder (a swap killed half-way) is put back when ``path`` is missing, else removed.
    Returns what was removed or put back. Does nothing where ``flock`` is not available.
    """
    path = Path(path)
    if fcntl is None:  # pragma: no cover
        return []
    done = []
    stem = f".{glob.escape(path.name)}."
    for pattern in (f"{stem}*.old", f"{stem}*.tmp"):
        for p in sorted(path.parent.glob(pattern)):
            with _try_lock(p) as locked:
                if not locked:
                    continue
                if pattern.endswith(".old") and not os.path.lexists(path):
                    p.rename(path)
                elif p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                done.append(p)
    return done


@contextmanager
def _try_lock(p: Path) -> Iterator[bool]:
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        yield False  # a live process is writing it
        return
    try:
        yield True
    finally:
        os.close(fd)


def _mkdir(tmp: Path) -> int:
    os.mkdir(tmp, 0o777)
    return os.open(tmp, os.O_RDONLY)


def _new_temp(path: Path, make: Callable[[Path], int]) -> tuple[Path, int]:
    """A new temporary beside ``path``, made by ``make`` (which returns an open fd) and locked."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = make(tmp)
        except (FileExistsError, FileNotFoundError):  # name taken, or removed by a cleaner before open
            continue
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            if os.stat(tmp).st_ino == os.fstat(fd).st_ino:
                return tmp, fd
        os.close(fd)  # a cleaner removed it before we locked it: make another


def _swap(tmp: Path, path: Path) -> None:
    """Put folder ``tmp`` at ``path`` and remove what was there."""
    if not os.path.lexists(path):
        tmp.rename(path)
        return
    if _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        return
    old = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
    fd = os.open(path, os.O_RDONLY)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # no other process puts it back while we swap
        path.rename(old)
        try:
            tmp.rename(path)
        except BaseException:
            old.rename(path)
            raise
    finally:
        os.close(fd)
    shutil.rmtree(old, ignore_errors=True)


@functools.cache
def _renameat2() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where unsupported."""
    fn = _renameat2()
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON lines (UTF-8, atomically); return how many."""
    n = 0
    with atomic_open(path) as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream records from a JSON-lines file (blank lines skipped).

    Raises:
        ValueError: naming the file and line of a malformed record.
    """
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{i}: not valid JSON: {e.msg}") from None
