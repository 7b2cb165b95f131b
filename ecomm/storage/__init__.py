"""Storage: the only package that talks to DuckDB. See ``db.Store``."""
from ecomm.storage.db import Store, open_store, resolve_db_path

__all__ = ["Store", "open_store", "resolve_db_path"]
