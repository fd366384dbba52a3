"""Training runs and their loss curves (stage train)."""

SQL = """
CREATE TABLE train_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stage TEXT NOT NULL,
    method TEXT NOT NULL,
    base_model TEXT,
    data TEXT,
    out TEXT NOT NULL,
    steps INTEGER,
    started_at REAL,
    finished_at REAL,
    summary TEXT NOT NULL DEFAULT '{}',
    hyperparameters TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE train_losses (
    run_id INTEGER NOT NULL,
    step INTEGER NOT NULL,
    loss REAL NOT NULL,
    PRIMARY KEY (run_id, step)
)
"""
