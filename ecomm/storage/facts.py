"""SQL for database_facts: what a database says about itself (key -> text), such as the
practice date of a demo database (ecomm.practice)."""
from __future__ import annotations

from datetime import datetime

DEMO_AS_OF = "demo_as_of"          # the day the demo data set was built around
PRACTICE_DATE = "practice_date"    # the day the app and the CLI take as today


def get_fact(store, key: str) -> str | None:
    """The fact's value, or None (also when the database predates the facts table)."""
    if not store.query_value("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                             ["database_facts"]):
        return None
    return store.query_value("SELECT value FROM database_facts WHERE key = ?", [key])


def set_fact(cur, key: str, value: str, *, at: datetime, by: str) -> None:
    """Set the fact inside the caller's transaction."""
    cur.execute("INSERT OR REPLACE INTO database_facts (key, value, set_at, set_by) "
                "VALUES (?, ?, ?, ?)", [key, value, at, by])
