"""Corpus stage: what each filter dropped and which copy each duplicate duplicates (rebuilt on every run)."""

SQL = """
CREATE TABLE corpus_drops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    unit TEXT NOT NULL,
    pages TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL,
    chars INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX corpus_drops_doc ON corpus_drops (doc_id);
CREATE INDEX corpus_drops_reason ON corpus_drops (reason);
CREATE TABLE corpus_duplicates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    unit TEXT NOT NULL,
    pages TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL,
    similarity REAL NOT NULL,
    chars INTEGER NOT NULL,
    text TEXT NOT NULL,
    kept_doc_id TEXT NOT NULL,
    kept_source TEXT NOT NULL,
    kept_pages TEXT NOT NULL DEFAULT '[]',
    kept_text TEXT NOT NULL
);
CREATE INDEX corpus_duplicates_doc ON corpus_duplicates (doc_id);
CREATE INDEX corpus_duplicates_kept ON corpus_duplicates (kept_doc_id)
"""
