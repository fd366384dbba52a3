"""Append-only, numbered schema migrations (``m001_initial``, ``m002_...``).

Each module defines ``SQL`` (a script) or ``up(conn)``. They are discovered by name, applied in order, and
recorded in the ``_migrations`` table, so a workspace made by an older corpusforge is upgraded in place.
Never edit a migration that has shipped; add a new one.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
import time


def discover() -> list[str]:
    """Names of all migration modules, in the order they apply."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("m"))


def apply_all(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now.

    Each migration runs in its own ``BEGIN IMMEDIATE`` transaction (SQLite DDL is transactional) and is
    re-checked inside it, so two commands opening an old store at once do not both apply it, and one that
    fails half-way leaves nothing behind.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    applied = []
    for name in discover():
        if name in done:
            continue
        mod = importlib.import_module(f"{__name__}.{name}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM _migrations WHERE name=?", (name,)).fetchone():
                conn.execute("COMMIT")  # another process applied it meanwhile
                continue
            if hasattr(mod, "up"):
                mod.up(conn)
            else:
                for stmt in mod.SQL.split(";\n"):
                    if stmt.strip():
                        conn.execute(stmt)
            conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
