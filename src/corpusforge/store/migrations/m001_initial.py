"""Initial schema: files, documents, pages, chunks, samples, candidates, reviews, LLM cache, runs."""

SQL = """
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    size INTEGER,
    mtime REAL,
    doc_id TEXT,
    status TEXT NOT NULL,
    error TEXT,
    updated_at REAL NOT NULL
);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    lang TEXT,
    n_pages INTEGER,
    tags TEXT NOT NULL DEFAULT '{}',
    metadata TEXT NOT NULL DEFAULT '{}',
    stale INTEGER NOT NULL DEFAULT 0,
    ingested_at REAL NOT NULL
);
CREATE TABLE pages (
    doc_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (doc_id, page)
);
CREATE TABLE chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    source TEXT NOT NULL,
    pages TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER,
    "end" INTEGER,
    tokens INTEGER,
    lang TEXT,
    tags TEXT NOT NULL DEFAULT '{}',
    metadata TEXT NOT NULL DEFAULT '{}',
    stale INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chunks_doc ON chunks (doc_id, idx);
CREATE TABLE samples (
    sample_id TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    pages TEXT NOT NULL DEFAULT '[]',
    chunk_ids TEXT NOT NULL DEFAULT '[]',
    instruction TEXT NOT NULL,
    input TEXT NOT NULL DEFAULT '',
    output TEXT NOT NULL,
    messages TEXT NOT NULL DEFAULT '[]',
    backend TEXT,
    model TEXT,
    prompt_version TEXT,
    request_key TEXT,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'generated',
    grounding REAL,
    reasons TEXT NOT NULL DEFAULT '[]',
    scores TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '{}',
    metadata TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    stale INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX samples_doc ON samples (doc_id, task);
CREATE INDEX samples_status ON samples (status);
CREATE TABLE candidates (
    sample_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    output TEXT NOT NULL,
    temperature REAL,
    model TEXT,
    rating TEXT,
    rank INTEGER,
    PRIMARY KEY (sample_id, idx)
);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id TEXT NOT NULL,
    action TEXT NOT NULL,
    reviewer TEXT,
    before TEXT,
    after TEXT,
    at REAL NOT NULL
);
CREATE INDEX reviews_sample ON reviews (sample_id);
CREATE TABLE llm_cache (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    request TEXT NOT NULL,
    response TEXT NOT NULL,
    finish_reason TEXT,
    tokens_in INTEGER,
    tokens_out INTEGER,
    duration REAL,
    created_at REAL NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    summary TEXT NOT NULL DEFAULT '{}'
)
"""
