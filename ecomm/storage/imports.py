"""SQL for import and export (spec/import-format.md): staging checked rows, checking references,
upserting by key in bulk, and reading tables back out in the format.

Staging and upserts take the cursor of the caller's ``store.write`` (one transaction for the
whole import). Identifiers come from ``ecomm.importer.columns`` (fixed names, checked here);
values never enter SQL text.
"""
from __future__ import annotations

import re

import pandas as pd

_IDENT = re.compile(r"[a-z_][a-z0-9_]*")
BULK_UPDATE_ROWS = 5000  # above this many updated rows, rebuild the table instead (see _rebuild)

# Tables that hold data (as opposed to schema bookkeeping, settings and the audit log).
DATA_TABLES = ("contacts", "employments", "campaign_members", "course_completions", "licenses",
               "license_apps", "requests", "app_users", "reference_values", "rates",
               "extra_holidays", "baselines", "invoices", "batches")


def _q(name: str) -> str:
    if not _IDENT.fullmatch(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def _qi(name: str) -> str:
    """Quote a column name read from the catalog."""
    return '"' + name.replace('"', '""') + '"'


def _stage_name(name: str) -> str:
    return _q(f"_stg_{name}")


def stage(cur, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]]) -> None:
    """Create temporary table _stg_<name>: ``_line`` plus each (column, SQL type), cast from the
    frame's text cells (NULL where empty; lists are ';'-joined text)."""
    view = f"_stg_{name}_frame"
    cur.register(view, frame)
    exprs = ['CAST("_line" AS INTEGER) AS "_line"']
    for col, sql_type in columns:
        c = _q(col)
        if sql_type == "VARCHAR[]":
            exprs.append(f"CASE WHEN {c} IS NULL THEN NULL ELSE string_split({c}, ';') END AS {c}")
        elif sql_type == "VARCHAR":
            exprs.append(f"CAST({c} AS VARCHAR) AS {c}")
        else:
            if not re.fullmatch(r"[A-Z]+(\(\d+, \d+\))?", sql_type):
                raise ValueError(f"not a column type: {sql_type!r}")
            exprs.append(f"CAST({c} AS {sql_type}) AS {c}")
    try:
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {_stage_name(name)} AS "
                    f"SELECT {', '.join(exprs)} FROM {_q(view)}")
    finally:
        cur.unregister(view)


def drop_stage(cur, name: str) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {_stage_name(name)}")


def missing_references(cur, name: str, column: str, *, target_stage: str | None,
                       target_table: str, target_column: str) -> list[tuple[int, str]]:
    """(line, value) of staged rows whose ``column`` names no row of the target, neither in
    the target's staged file (when given) nor already in the database."""
    col, tcol = _q(column), _q(target_column)
    staged = ""
    if target_stage is not None:
        staged = (f" AND NOT EXISTS (SELECT 1 FROM {_stage_name(target_stage)} t "
                  f"WHERE t.{tcol} = s.{col})")
    rows = cur.execute(
        f"SELECT s._line, s.{col} FROM {_stage_name(name)} s WHERE s.{col} IS NOT NULL{staged} "
        f"AND NOT EXISTS (SELECT 1 FROM {_q(target_table)} t WHERE t.{tcol} = s.{col}) "
        "ORDER BY s._line").fetchall()
    return [(int(line), value) for line, value in rows]


def _key_match(key: list[str], nullable: tuple[str, ...]) -> str:
    return " AND ".join(
        f"t.{_q(k)} IS NOT DISTINCT FROM s.{_q(k)}" if k in nullable else f"t.{_q(k)} = s.{_q(k)}"
        for k in key)


def upsert(cur, name: str, table: str, key: list[str], columns: list[str],
           nullable_key: tuple[str, ...] = ()) -> dict[str, int]:
    """Upsert staged rows into ``table`` by ``key``, setting only the staged ``columns``.

    Returns counts: inserted (key not in the table), updated (some staged column differs),
    unchanged (all staged columns equal). Unchanged rows are not touched."""
    stg, tbl = _stage_name(name), _q(table)
    match = _key_match(key, nullable_key)
    others = [c for c in columns if c not in key]
    changed = " OR ".join(f"s.{_q(c)} IS DISTINCT FROM t.{_q(c)}" for c in others) or "FALSE"
    inserted, updated, unchanged = (int(n or 0) for n in cur.execute(
        f"SELECT count(DISTINCT s._line) FILTER (WHERE t.{_q(key[0])} IS NULL), "
        f"count(DISTINCT s._line) FILTER (WHERE t.{_q(key[0])} IS NOT NULL AND ({changed})), "
        f"count(DISTINCT s._line) FILTER (WHERE t.{_q(key[0])} IS NOT NULL AND NOT ({changed})) "
        f"FROM {stg} s LEFT JOIN {tbl} t ON {match}").fetchone())
    counts = {"inserted": inserted, "updated": updated, "unchanged": unchanged}
    if updated > BULK_UPDATE_ROWS and _rebuild(cur, stg, table, columns, match):
        return counts
    if updated:
        sets = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in others)
        cur.execute(f"UPDATE {tbl} AS t SET {sets} FROM {stg} s WHERE {match} AND ({changed})")
    if inserted:
        cols = ", ".join(_q(c) for c in columns)
        scols = ", ".join(f"s.{_q(c)}" for c in columns)
        cur.execute(f"INSERT INTO {tbl} ({cols}) SELECT {scols} FROM {stg} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {tbl} t WHERE {match}) ORDER BY s._line")
    return counts


def _rebuild(cur, stg: str, table: str, columns: list[str], match: str) -> bool:
    """Bulk path for many updated rows: write the merged rows into a fresh copy of the table and
    swap it in (same transaction). DuckDB updates rows of an indexed table, or list columns, one
    delete+insert at a time, which takes minutes for a few hundred thousand rows; this takes
    seconds. Returns False (nothing done) when the table cannot be swapped safely."""
    row = cur.execute(
        "SELECT sql FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? AND NOT temporary", [table]).fetchone()
    referenced = cur.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY' "
        "AND referenced_table = ?", [table]).fetchone()[0]
    fresh = f"_import_new_{table}"
    ddl = row and re.subn(rf'^CREATE TABLE\s+("?){re.escape(table)}\1\s*\(',
                          f"CREATE TABLE {_q(fresh)}(", row[0])
    if not ddl or ddl[1] != 1 or referenced:
        return False
    indexes = [r[0] for r in cur.execute(
        "SELECT sql FROM duckdb_indexes() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?", [table]).fetchall()]
    table_cols = cur.execute(
        "SELECT column_name, column_default FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table]).fetchall()
    exprs = []
    for name, default in table_cols:
        if name in columns:
            exprs.append(f"CASE WHEN s._line IS NOT NULL THEN s.{_q(name)} ELSE t.{_qi(name)} END")
        else:
            exprs.append(f"CASE WHEN t.__old THEN t.{_qi(name)} ELSE {default or 'NULL'} END")
    cur.execute(ddl[0])
    cur.execute(f"INSERT INTO {_q(fresh)} SELECT {', '.join(exprs)} FROM "
                f"(SELECT *, TRUE AS __old FROM {_q(table)}) t FULL OUTER JOIN {stg} s ON {match}")
    cur.execute(f"DROP TABLE {_q(table)}")
    cur.execute(f"ALTER TABLE {_q(fresh)} RENAME TO {_q(table)}")
    for sql in indexes:
        cur.execute(sql)
    return True


def database_is_empty(store) -> bool:
    """True when no data table holds a row (settings and schema bookkeeping do not count)."""
    return all(store.query_value(f"SELECT count(*) FROM {_q(t)}") == 0 for t in DATA_TABLES)


# -- export -----------------------------------------------------------------------------
def export_frame(store, table: str, columns: list[tuple[str, str]], key: list[str]) -> pd.DataFrame:
    """The rows of ``table`` as text in the import format, ordered by ``key``: columns given as
    (name, SQL type). Lists are ';'-joined, dates YYYY-MM-DD, booleans true/false, money with two
    decimals; date-times are returned as stored (naive UTC) for the caller to format."""
    exprs = []
    for col, sql_type in columns:
        c = _q(col)
        if sql_type == "VARCHAR[]":
            exprs.append(f"array_to_string({c}, ';') AS {c}")
        elif sql_type == "DATE":
            exprs.append(f"strftime({c}, '%Y-%m-%d') AS {c}")
        elif sql_type == "BOOLEAN":
            exprs.append(f"CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END AS {c}")
        elif sql_type == "TIMESTAMP":
            exprs.append(c)
        else:
            exprs.append(f"CAST({c} AS VARCHAR) AS {c}")
    order = [f"{_q(k)} NULLS FIRST" for k in key]
    order += [f"{_q(c)} NULLS FIRST" for c, t in columns if c not in key and t != "VARCHAR[]"]
    return store.query_df(f"SELECT {', '.join(exprs)} FROM {_q(table)} ORDER BY {', '.join(order)}")
