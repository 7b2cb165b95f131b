"""SQL for the monthly calendar (C1, C2): extra closure dates and per-cycle credentials dates.

Reads take the Store; the write takes the cursor of the caller's ``store.write`` (the caller
checks permissions and records the audit entry in the same transaction).
"""
from __future__ import annotations

from datetime import date, datetime


def extra_closures(store, *, year: int | None = None) -> set[date]:
    """C1: the closure dates the System team added beyond the US federal holidays (all of them,
    or those of ``year`` and its neighbours, which is all a month's calendar can touch)."""
    if year is None:
        rows = store.query("SELECT date FROM extra_holidays")
    else:
        rows = store.query("SELECT date FROM extra_holidays WHERE year(date) BETWEEN ? AND ?",
                           [year - 1, year + 1])
    return {r[0] for r in rows}


def credentials_override(store, cycle: str) -> date | None:
    """C2: the credentials date the System team set for ``cycle`` ('YYYY-MM'), if any."""
    return store.query_value("SELECT credentials_date FROM cycles WHERE cycle = ?", [cycle])


def credentials_overrides(store) -> dict[str, date]:
    """C2: every cycle's credentials date set by the System team."""
    rows = store.query("SELECT cycle, credentials_date FROM cycles "
                       "WHERE credentials_date IS NOT NULL ORDER BY cycle")
    return {c: d for c, d in rows}


def set_credentials_override(cur, cycle: str, credentials_date: date | None, *, set_by: str,
                             set_at: datetime) -> date | None:
    """C2: set (or with None clear) the credentials date of ``cycle``; returns the previous one."""
    row = cur.execute("SELECT credentials_date FROM cycles WHERE cycle = ?", [cycle]).fetchone()
    cur.execute(
        "INSERT INTO cycles (cycle, credentials_date, set_by, set_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (cycle) DO UPDATE SET credentials_date = excluded.credentials_date, "
        "set_by = excluded.set_by, set_at = excluded.set_at",
        [cycle, credentials_date, set_by, set_at])
    return row[0] if row else None
