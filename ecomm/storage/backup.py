"""SQL for the full backup and its restore (``ecomm.backup``): the catalogue of tables, columns
and sequences, a consistent snapshot of every table as Arrow, and loading those tables back.

Table names come from DuckDB's own catalogue (checked as identifiers here); values never enter
SQL text. Restores run in the caller's ``store.write`` transaction.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

import pyarrow as pa

from ecomm.storage.requests import CursorReader

_IDENT = re.compile(r"[a-z_][a-z0-9_]*")

# Bookkeeping the migrations own: never backed up as data (the schema version is in the manifest).
BOOKKEEPING = ("schema_version",)
# Tables the migrations seed with rows (updated_by = 'migration'); a database whose seeds are
# untouched still counts as empty, and a restore replaces them with the backup's rows.
SEEDED = ("settings", "message_templates")


def _q(name: str) -> str:
    if not _IDENT.fullmatch(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


class Snapshot(CursorReader):
    """Reads on one cursor inside one transaction: every table as of the same moment.

    The Store's read methods (``query``, ``query_value``..., from CursorReader) plus
    ``query_df`` and ``arrow``, so the exporter's functions read from the same snapshot."""

    def query_df(self, sql: str, params=None):
        return self.cur.execute(sql, params or []).df()

    def arrow(self, table: str) -> pa.Table:
        """Every row of ``table`` with its exact types, in storage order."""
        return self.cur.sql(f"SELECT * FROM {_q(table)}").to_arrow_table()


@contextmanager
def snapshot(store) -> Iterator[Snapshot]:
    """A read-only view of the whole database at one moment (one transaction)."""
    with store.cursor() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            yield Snapshot(cur)
        finally:
            cur.execute("ROLLBACK")


def tables(reader) -> list[str]:
    """The app's tables (not the schema bookkeeping, not temporary ones), by name."""
    rows = reader.query(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary ORDER BY table_name")
    return [r[0] for r in rows if r[0] not in BOOKKEEPING]


def columns(reader, table: str) -> list[list[str]]:
    """[[column, SQL type], ...] of ``table`` in column order."""
    rows = reader.query(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table])
    return [[name, dtype] for name, dtype in rows]


def sequences(reader) -> dict[str, int | None]:
    """Each sequence's last value handed out (None when never used)."""
    rows = reader.query(
        "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = "
        "current_database() AND schema_name = 'main' AND NOT temporary ORDER BY sequence_name")
    return {name: (None if last is None else int(last)) for name, last in rows}


def evidence_names(reader) -> list[str]:
    """The stored names of the transcript files the database knows (none before migration)."""
    if "evidence_files" not in tables(reader):
        return []
    return [r[0] for r in reader.query("SELECT stored_name FROM evidence_files ORDER BY stored_name")]


def row_count(reader, table: str) -> int:
    return int(reader.query_value(f"SELECT count(*) FROM {_q(table)}"))


def non_empty_tables(reader) -> dict[str, int]:
    """Tables holding data, with their row counts. Settings and message templates count only
    when someone changed them (rows not written by the migrations)."""
    out = {}
    for table in tables(reader):
        if table in SEEDED:
            n = int(reader.query_value(
                f"SELECT count(*) FROM {_q(table)} WHERE updated_by IS DISTINCT FROM 'migration'"))
        else:
            n = row_count(reader, table)
        if n:
            out[table] = n
    return out


def clear_seeds(cur) -> None:
    """Remove the migrations' seed rows; the backup brings its own settings and templates."""
    for table in SEEDED:
        cur.execute(f"DELETE FROM {_q(table)}")


def load_table(cur, table: str, data: pa.Table) -> int:
    """Insert every row of ``data`` into ``table`` (columns by name); returns rows inserted."""
    if data.num_rows == 0:
        return 0
    cols = ", ".join(_q(c) for c in data.column_names)
    view = "_restore_source"
    cur.register(view, data)
    try:
        cur.execute(f"INSERT INTO {_q(table)} ({cols}) SELECT {cols} FROM {view}")
    finally:
        cur.unregister(view)
    return data.num_rows


def advance_sequence(cur, name: str, last_value: int) -> None:
    """Move sequence ``name`` on until it has handed out ``last_value`` (new ids come after the
    restored ones)."""
    row = cur.execute(
        "SELECT last_value, start_value, increment_by FROM duckdb_sequences() WHERE "
        "database_name = current_database() AND schema_name = 'main' AND sequence_name = ?",
        [name]).fetchone()
    if row is None:
        return
    current, start, step = row
    if not step:
        return
    # never used: the first nextval gives the start value itself
    calls = (last_value - start) // step + 1 if current is None else (last_value - current) // step
    if calls > 0:
        cur.execute("SELECT max(nextval(?)) FROM range(?)", [name, int(calls)])
