"""``runs`` learn who ran them and how they ended: ``status`` (running, finished, interrupted), ``pid``, ``host``."""

SQL = """
ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT 'running';
UPDATE runs SET status='finished' WHERE finished_at IS NOT NULL;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT
"""
