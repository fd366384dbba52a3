"""Samples carry their ``evidence`` (verified quotes with offsets into the chunk and the page, JSON list)
and a ``relevance`` score (does the answer answer this question), next to ``grounding``; indexes for the
columns that steps sort or filter on."""

SQL = """
ALTER TABLE samples ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
ALTER TABLE samples ADD COLUMN relevance REAL;
CREATE INDEX IF NOT EXISTS idx_documents_source ON documents(source);
"""
