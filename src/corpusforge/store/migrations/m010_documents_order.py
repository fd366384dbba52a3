"""An index in the order documents are walked in (by source, then id): ``generate`` pages
through them by keyset and ``export`` and ``corpus`` list them, without a sort per page."""

SQL = """
CREATE INDEX IF NOT EXISTS documents_order ON documents (source, doc_id);
"""
