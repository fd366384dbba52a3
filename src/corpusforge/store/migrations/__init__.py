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
    """Apply every migration not yet recorded; return the names applied now."""
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    applied = []
    for name in discover():
        if name in done:
            continue
        mod = importlib.import_module(f"{__name__}.{name}")
        with conn:
            if hasattr(mod, "up"):
                mod.up(conn)
            else:
                for stmt in mod.SQL.split(";\n"):
                    if stmt.strip():
                        conn.execute(stmt)
            conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))
        applied.append(name)
    return applied
