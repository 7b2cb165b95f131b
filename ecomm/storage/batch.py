"""SQL of the monthly batch (C1-C6): the queue it reads, the license changes it makes, and the
``batches`` row that makes processing a cycle happen once.

Reads marked *conn* take the Store or the write cursor of the caller's ``store.write(fn)``
(so processing re-reads inside its transaction); writes take that cursor.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from ecomm.storage.requests import LICENSE_COLUMNS, dicts

OPEN_STATUSES = ("pending", "held")
BATCH_KINDS = ("provision", "deprovision", "change")


# -- the queue --------------------------------------------------------------------------------
def open_requests(conn) -> list[dict]:
    """*conn*: every pending or held provisioning, deprovisioning or change (P15) request,
    oldest first."""
    return dicts(conn, "SELECT * FROM requests WHERE status IN (?, ?) AND kind IN (?, ?, ?) "
                       "ORDER BY submitted_at, request_id", [*OPEN_STATUSES, *BATCH_KINDS])


def licenses_for(conn, numbers: list[str], contact_ids: list[str]) -> list[dict]:
    """*conn*: licenses by number or held by these contacts, each with ``open_apps`` (the
    applications whose row has no deprovisioned_on)."""
    if not numbers and not contact_ids:
        return []
    return dicts(conn, """
        SELECT l.*, coalesce((SELECT list(a.application ORDER BY a.application)
                              FROM license_apps a WHERE a.license_number = l.license_number
                              AND a.deprovisioned_on IS NULL), []::VARCHAR[]) AS open_apps
        FROM licenses l
        WHERE l.license_number IN (SELECT unnest(?::VARCHAR[]))
           OR l.contact_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY l.license_number""", [list(numbers), list(contact_ids)])


def contact_names(conn, contact_ids: list[str]) -> dict[str, str]:
    """*conn*: contact_id -> 'First Last'."""
    if not contact_ids:
        return {}
    rows = dicts(conn, "SELECT contact_id, concat_ws(' ', first_name, last_name) AS name "
                       "FROM contacts WHERE contact_id IN (SELECT unnest(?::VARCHAR[]))",
                 [list(contact_ids)])
    return {r["contact_id"]: r["name"] for r in rows}


# -- batches (C6) -----------------------------------------------------------------------------
def batch_row(conn, cycle: str) -> dict | None:
    """*conn*: the batches row of ``cycle``, or None when it was not processed."""
    rows = dicts(conn, "SELECT * FROM batches WHERE cycle = ?", [cycle])
    return rows[0] if rows else None


def processed_cycles(conn) -> list[dict]:
    """*conn*: cycle, processed_on, processed_by of every processed batch, newest first."""
    return dicts(conn, "SELECT cycle, processed_on, processed_at, processed_by FROM batches "
                       "ORDER BY cycle DESC")


def latest_processed_cycle(conn) -> str | None:
    rows = dicts(conn, "SELECT max(cycle) AS cycle FROM batches")
    return rows[0]["cycle"] if rows else None


def claim_batch(cur, cycle: str, *, processed_on: date, processed_at: datetime,
                processed_by: str) -> None:
    """C6: insert the cycle's batches row first; its primary key lets only one transaction
    process a cycle (a concurrent one fails to commit and, retried, finds the row)."""
    cur.execute("INSERT INTO batches (cycle, processed_on, processed_at, processed_by, summary) "
                "VALUES (?, ?, ?, ?, '{}')", [cycle, processed_on, processed_at, processed_by])


def save_summary(cur, cycle: str, summary: dict[str, Any] | str) -> None:
    """The plan processed, as JSON (a dict, or its JSON text already made)."""
    text = summary if isinstance(summary, str) else json.dumps(summary)
    cur.execute("UPDATE batches SET summary = ? WHERE cycle = ?", [text, cycle])


# -- what a batch changes ---------------------------------------------------------------------
def add_license_apps(cur, rows: list[tuple]) -> None:
    """New open application rows (license_number, application, provisioned_on, net_new[,
    transfer_from]), no deprovisioning or login yet, in one statement (the batch provisions
    thousands). ``transfer_from`` (P10/B5): the license a transfer continues."""
    if not rows:
        return
    cur.execute("INSERT INTO license_apps (license_number, application, provisioned_on, "
                "deprovisioned_on, net_new, last_login_on, transfer_from) SELECT "
                "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DATE[]), NULL, "
                "unnest(?::BOOLEAN[]), NULL, unnest(?::VARCHAR[])",
                [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                 [r[3] for r in rows], [r[4] if len(r) > 4 else None for r in rows]])


def mark_processed_many(cur, items: list[tuple[str, str | None]], processed_at: datetime) -> None:
    """Requests (request_id, license_number) processed at ``processed_at`` (held reasons
    cleared; the license number kept when the request has one) in one statement."""
    if not items:
        return
    cur.execute("UPDATE requests SET status = 'processed', processed_at = ?, held_reasons = NULL, "
                "license_number = coalesce(requests.license_number, t.ln) FROM "
                "(SELECT unnest(?::VARCHAR[]) AS rid, unnest(?::VARCHAR[]) AS ln) t "
                "WHERE requests.request_id = t.rid",
                [processed_at, [i[0] for i in items], [i[1] for i in items]])


# -- the same writes for many rows, one statement per table (the batch writes thousands) -------
# (schema version, table) -> {column: SQL type}: the migrations fix the types, so the catalogue
# is read once per process and schema version, not on every batch
_COLUMN_TYPES: dict[tuple[int, str], dict[str, str]] = {}


def _column_types(cur, table: str) -> dict[str, str]:
    """The SQL type of each column of ``table`` (cached per process and schema version)."""
    version = int(cur.execute("SELECT coalesce(max(version), 0) FROM schema_version")
                  .fetchall()[0][0])
    types = _COLUMN_TYPES.get((version, table))
    if types is None:
        rows = cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_name = ? AND table_schema = current_schema()",
                           [table]).fetchall()
        types = _COLUMN_TYPES[(version, table)] = {r[0]: r[1] for r in rows}
    return types


def _by_columns(rows: list[dict], exclude: tuple[str, ...] = ()) -> dict[tuple, list[dict]]:
    """Rows grouped by the license columns they set (in LICENSE_COLUMNS order)."""
    groups: dict[tuple, list[dict]] = {}
    for values in rows:
        cols = tuple(c for c in LICENSE_COLUMNS if c in values and c not in exclude)
        groups.setdefault(cols, []).append(values)
    return groups


def _unnest_select(cols: tuple[str, ...], types: dict[str, str]) -> str:
    return ", ".join(f"unnest(CAST(? AS {types[c]}[])) AS {c}" for c in cols)


def insert_licenses(cur, rows: list[dict]) -> None:
    """New license rows (their numbers distinct; LICENSE_COLUMNS given, the rest default): one
    statement per set of columns given (one in the batch)."""
    if not rows:
        return
    types = _column_types(cur, "licenses")
    for cols, group in _by_columns(rows).items():
        cur.execute(f"INSERT INTO licenses ({', '.join(cols)}) "
                    f"SELECT {_unnest_select(cols, types)}",
                    [[values[c] for values in group] for c in cols])


def update_licenses(cur, items: list[tuple[str, dict]]) -> None:
    """Set the given license columns (names checked against LICENSE_COLUMNS) of many
    (license_number, values), the numbers distinct: one statement per set of columns given
    (one in the batch)."""
    rows = [{**values, "license_number": number} for number, values in items]
    if not rows:
        return
    types = _column_types(cur, "licenses")
    for cols, group in _by_columns(rows, exclude=("license_number",)).items():
        if not cols:
            continue
        cur.execute(f"UPDATE licenses SET {', '.join(f'{c} = u.{c}' for c in cols)} FROM "
                    f"(SELECT unnest(CAST(? AS VARCHAR[])) AS license_number, "
                    f"{_unnest_select(cols, types)}) u "
                    "WHERE licenses.license_number = u.license_number",
                    [[v["license_number"] for v in group],
                     *([values[c] for values in group] for c in cols)])


def mark_held_many(cur, items: list[tuple[str, list[str], str]]) -> None:
    """C3: requests (request_id, reasons, next_cycle) held with their failing requirements,
    queued for the next cycle, in one statement."""
    if not items:
        return
    cur.execute("UPDATE requests SET status = 'held', held_reasons = t.reasons, cycle = t.cyc "
                "FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS rid, "
                "unnest(CAST(? AS VARCHAR[][])) AS reasons, unnest(CAST(? AS VARCHAR[])) AS cyc) t "
                "WHERE requests.request_id = t.rid",
                [[i[0] for i in items], [list(i[1]) for i in items], [i[2] for i in items]])


def cycle_waiting(reader, cycle: str) -> tuple[bool, int]:
    """B4 (rev 2): (was the batch of ``cycle`` or a later one processed, how many open
    provisioning/deprovisioning requests of ``cycle`` or earlier still wait)."""
    done = reader.query_value("SELECT count(*) FROM batches WHERE cycle >= ?", [cycle])
    waiting = reader.query_value(
        "SELECT count(*) FROM requests WHERE kind IN ('provision', 'deprovision') "
        "AND status IN ('pending', 'held') AND coalesce(cycle, '') <= ?", [cycle])
    return bool(done), int(waiting or 0)
