"""Review app: indexes so the paginated list, neighbours and per-document progress stay fast at 100k samples."""

SQL = """
CREATE INDEX IF NOT EXISTS samples_review_order ON samples (stale, source, doc_id, task, sample_id);
CREATE INDEX IF NOT EXISTS samples_review_status ON samples (stale, status, source, doc_id, task, sample_id);
CREATE INDEX IF NOT EXISTS samples_review_score ON samples (stale, COALESCE(grounding, -1.0), sample_id);
CREATE INDEX IF NOT EXISTS samples_review_doc ON samples (stale, doc_id, task, sample_id);
CREATE INDEX IF NOT EXISTS samples_review_progress ON samples (stale, doc_id, status)
"""
