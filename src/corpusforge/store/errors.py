"""What can go wrong with the store file, said in one line: damaged, busy, or not writable.

:func:`store_error` turns any :class:`sqlite3.DatabaseError` (at open or in the middle of a command) into a
:class:`StoreError` naming the file and what to do; :func:`is_db_error` lets the CLI recognise one without
importing ``sqlite3`` outside the store. :func:`alive` tells whether the process of an open run still exists.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

__all__ = ["StoreError", "alive", "is_db_error", "store_error"]

_BUSY = ("locked", "busy")
_ACCESS = ("unable to open", "readonly", "read-only", "disk i/o", "full", "permission", "not authorized")


class StoreError(ValueError):
    """The store file cannot be used (damaged, not SQLite, busy, not writable); the message is one line."""


def is_db_error(exc: BaseException) -> bool:
    """True for an SQLite error (``sqlite3.DatabaseError`` and its subclasses)."""
    return isinstance(exc, sqlite3.DatabaseError)


def store_error(path: str | Path, exc: BaseException) -> StoreError:
    """A one-line :class:`StoreError` for ``exc`` raised while using the store at ``path``."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    low = reason.lower()
    if isinstance(exc, sqlite3.OperationalError) and any(w in low for w in _BUSY):
        return StoreError(
            f"{path}: the store is busy ({reason}); another corpusforge command is writing to it: "
            "wait for it to finish, then rerun"
        )
    if isinstance(exc, sqlite3.OperationalError) and any(w in low for w in _ACCESS):
        return StoreError(
            f"{path}: cannot use the store ({reason}); check the folder's permissions and free disk space"
        )
    return StoreError(
        f"{path}: not a valid corpusforge store, the SQLite file is damaged ({reason}); move it aside "
        "(e.g. to store.db.bad) and rerun `corpusforge ingest` to rebuild it "
        "(`sqlite3 store.db.bad .recover` may salvage reviews and samples)"
    )


def alive(pid: int) -> bool:
    """Whether process ``pid`` (on this host) still runs; a zombie (killed, not yet reaped) does not."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, run by another user
        return True
    except (OSError, OverflowError):  # no such pid
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
