"""The store owns its SQL: no module outside ``corpusforge/store/`` holds a statement or touches a connection.

The source is read with ``ast``: string literals (docstrings aside) are matched against SQL statement shapes
written in upper case, the way this code base writes SQL, so English words ("select the best answer from
the list") do not count; calls of ``.execute``/``.executemany``/``.executescript``, any ``.conn`` attribute
and ``import sqlite3`` count wherever they appear.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "corpusforge"
STORE = SRC / "store"

#: shapes of SQL statements and clauses (case-sensitive: SQL keywords in upper case)
SQL = re.compile(
    r"\bSELECT\s+(DISTINCT\s+)?(\*|\w+[\w.]*\s*(,|\bFROM\b|\bAS\b)|COUNT\(|\{|[a-z_]+\()"
    r"|\bSELECT\s+(\w+\s*)?$"
    r"|\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b"
    r"|\bUPDATE\s+\{?\w+\}?\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP)\s+(TEMP\s+|UNIQUE\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b"
    r"|\bALTER\s+TABLE\b"
    r"|\bPRAGMA\s+\w"
    r"|\bWITH\s+RECURSIVE\b"
    r"|\bFROM\s+\w+(\s+\w+)?\s+(WHERE|JOIN|ORDER\s+BY|GROUP\s+BY|LIMIT)\b"
    r"|\bWHERE\s+\w+(\.\w+)?\s*(=|<>|!=|>=|<=|<|>|\bIN\b|\bIS\b)"
    r"|\b\w+\s*(=|<>|>=|<=)\s*\?"
    r"|^\s*(BEGIN(\s+(IMMEDIATE|EXCLUSIVE|DEFERRED))?|COMMIT|ROLLBACK|SAVEPOINT\s+\w+)\s*;?\s*$"
)
CALLS = {"execute", "executemany", "executescript"}


def _docstrings(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def findings(source: str) -> list[str]:
    """What in ``source`` belongs in the store: ``line: what`` for each SQL literal, call or attribute."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        text = None
        if isinstance(node, ast.JoinedStr):  # an f-string: its literal parts with {} for each value
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            docs |= {id(v) for v in node.values}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            text = node.value
        if text is not None:
            m = SQL.search(text)
            if m:
                out.append(f"{line}: SQL {m.group(0).strip()!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS:
            out.append(f"{line}: .{node.func.attr}(...)")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            out.append(f"{line}: .conn")
        elif isinstance(node, ast.Import) and any(a.name == "sqlite3" for a in node.names):
            out.append(f"{line}: import sqlite3")
        elif isinstance(node, ast.ImportFrom) and node.module == "sqlite3":
            out.append(f"{line}: from sqlite3 import")
    return sorted(set(out), key=lambda s: int(s.split(":")[0]))


def test_no_sql_outside_the_store():
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if STORE in path.parents:
            continue
        bad += [f"{path.relative_to(SRC.parent)}:{f}" for f in findings(path.read_text(encoding="utf-8"))]
    assert not bad, "SQL outside corpusforge/store/ (add a Store method instead):\n" + "\n".join(bad)


@pytest.mark.parametrize(
    "code",
    [
        'q = "SELECT doc_id FROM documents WHERE stale=0"',
        'q = "SELECT * FROM samples"',
        'q = f"SELECT COUNT(*) FROM ({docs})"',
        'q = f"SELECT {cols} FROM samples"',
        'q = "SELECT " + cols + " FROM samples"',
        'q = "SELECT DISTINCT c.sample_id FROM candidates c"',
        'q = ("SELECT source, unit, pages" " FROM corpus_duplicates ORDER BY id")',
        'q = "INSERT OR REPLACE INTO files (path) VALUES (?)"',
        'q = "INSERT INTO reviews (sample_id) VALUES (?)"',
        'q = f"UPDATE {table} SET stale=1 WHERE doc_id=?"',
        'q = "UPDATE samples SET status=? WHERE sample_id=?"',
        'q = "DELETE FROM corpus_drops"',
        'q = "CREATE TABLE exact (key INTEGER PRIMARY KEY)"',
        'q = "PRAGMA data_version"',
        'q = "BEGIN IMMEDIATE"',
        'q = "COMMIT"',
        'cond = "grounding >= ?"',
        'cond = "doc_id=?"',
        "store.conn.execute(q)",
        "c.executemany(q, rows)",
        "x = ws.store.conn",
        "import sqlite3",
    ],
)
def test_sql_and_connection_use_are_found(code):
    assert findings(code), code


@pytest.mark.parametrize(
    "code",
    [
        'msg = "Select the best answer from the list and update the set of notes."',
        'msg = "Delete from disk? Insert into the form, then commit."',
        'help_ = "SELECT the passages: WHERE they come FROM matters"',
        'prompt = "Update: the answer is in the text below. Begin."',
        'label = "COMMIT message"',
        'def f():\n    """SELECT * FROM samples is what the store runs (docstrings do not count)."""',
        'store.iter_samples(status="passed")',
        "ws.store.transaction()",
        'row = {"pages": pages, "reason": reason}',
    ],
)
def test_english_and_store_calls_are_not_flagged(code):
    assert findings(code) == [], code
