"""The workspace store: one embedded SQLite database (WAL mode) holding every record of the pipeline."""

from corpusforge.store.db import ConflictError, Store, StoreError
from corpusforge.store.errors import is_db_error, store_error

__all__ = ["ConflictError", "Store", "StoreError", "is_db_error", "store_error"]
