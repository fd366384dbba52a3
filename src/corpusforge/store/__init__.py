"""The workspace store: one embedded SQLite database (WAL mode) holding every record of the pipeline."""

from corpusforge.store.db import ConflictError, Store, StoreError

__all__ = ["ConflictError", "Store", "StoreError"]
