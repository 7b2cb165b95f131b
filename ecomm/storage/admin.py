"""SQL for the System team's administration: app users, reference values, settings, extra
holidays. Reads take the Store; writes take the cursor of the caller's ``store.write``."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any


USER_COLS = "email, name, role, campus, quiz_passed_on, active"
REF_COLS = "kind, campus, value, label, active"


def _dicts(cur, sql: str, params: list | None = None) -> list[dict]:
    res = cur.execute(sql, params or [])
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


# -- app users ---------------------------------------------------------------------------
def list_users(store, *, include_inactive: bool = True) -> list[dict]:
    sql = f"SELECT {USER_COLS} FROM app_users"
    if not include_inactive:
        sql += " WHERE active"
    return store.query_dicts(sql + " ORDER BY active DESC, role, campus NULLS FIRST, name")


def get_user(store, email: str) -> dict | None:
    rows = store.query_dicts(f"SELECT {USER_COLS} FROM app_users WHERE email = ?",
                             [email.strip().lower()])
    return rows[0] if rows else None


def get_user_cur(cur, email: str) -> dict | None:
    rows = _dicts(cur, f"SELECT {USER_COLS} FROM app_users WHERE email = ?", [email])
    return rows[0] if rows else None


def insert_user(cur, row: dict) -> None:
    cur.execute(f"INSERT INTO app_users ({USER_COLS}) VALUES (?, ?, ?, ?, ?, ?)",
                [row["email"], row["name"], row["role"], row.get("campus"),
                 row.get("quiz_passed_on"), row.get("active", True)])


def update_user(cur, row: dict) -> None:
    cur.execute("UPDATE app_users SET name = ?, role = ?, campus = ?, quiz_passed_on = ?, "
                "active = ? WHERE email = ?",
                [row["name"], row["role"], row.get("campus"), row.get("quiz_passed_on"),
                 row.get("active", True), row["email"]])


def count_active_system_users(cur) -> int:
    return int(cur.execute(
        "SELECT count(*) FROM app_users WHERE active AND role = 'system'").fetchone()[0])


# -- reference values ------------------------------------------------------------------
def list_reference(store, *, campus: str | None = None, kind: str | None = None,
                   include_inactive: bool = True) -> list[dict]:
    where, params = [], []
    if campus:
        where.append("campus = ?")
        params.append(campus)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if not include_inactive:
        where.append("active")
    sql = f"SELECT {REF_COLS} FROM reference_values"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.query_dicts(sql + " ORDER BY campus, kind, active DESC, value", params)


def get_reference_cur(cur, kind: str, campus: str, value: str) -> dict | None:
    rows = _dicts(cur, f"SELECT {REF_COLS} FROM reference_values "
                       "WHERE kind = ? AND campus = ? AND value = ?", [kind, campus, value])
    return rows[0] if rows else None


def insert_reference(cur, row: dict) -> None:
    cur.execute(f"INSERT INTO reference_values ({REF_COLS}) VALUES (?, ?, ?, ?, ?)",
                [row["kind"], row["campus"], row["value"], row.get("label"),
                 row.get("active", True)])


def update_reference(cur, row: dict) -> None:
    cur.execute("UPDATE reference_values SET label = ?, active = ? "
                "WHERE kind = ? AND campus = ? AND value = ?",
                [row.get("label"), row["active"], row["kind"], row["campus"], row["value"]])


# -- settings --------------------------------------------------------------------------
def setting_rows(store) -> list[dict]:
    """Every stored setting: key, value (JSON text), updated_at (UTC), updated_by."""
    return store.query_dicts("SELECT key, value, updated_at, updated_by FROM settings ORDER BY key")


def get_setting_cur(cur, key: str) -> Any:
    row = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else json.loads(row[0])


def upsert_setting(cur, key: str, value: Any, updated_at: datetime, updated_by: str) -> None:
    cur.execute("INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                [key, json.dumps(value), updated_at, updated_by])


# -- extra holidays (C1 closures) ------------------------------------------------------
def list_holidays(store) -> list[dict]:
    return store.query_dicts("SELECT date, name FROM extra_holidays ORDER BY date")


def get_holiday_cur(cur, day: date) -> dict | None:
    rows = _dicts(cur, "SELECT date, name FROM extra_holidays WHERE date = ?", [day])
    return rows[0] if rows else None


def insert_holiday(cur, day: date, name: str) -> None:
    cur.execute("INSERT INTO extra_holidays (date, name) VALUES (?, ?)", [day, name])


def delete_holiday(cur, day: date) -> None:
    cur.execute("DELETE FROM extra_holidays WHERE date = ?", [day])
