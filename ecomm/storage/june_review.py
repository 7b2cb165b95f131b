"""SQL of the Q5 June review (rules revision 2): each campus's active licenses with the decision
taken on them in a year's review, progress per campus, and who is told. Rules and services:
``ecomm.june_review``."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ecomm.storage import rule_sql as rule
from ecomm.storage.notifications import full_name_sql


def _population(campus: str | None, params: dict[str, Any]) -> str:
    """The licenses a year's review covers: held on $day, and those already decided."""
    where = ""
    if campus:
        params["campus"] = campus
        where = "AND l.affiliated_campus = $campus"
    return f"""
        held AS (
            SELECT la.license_number, list(DISTINCT la.application ORDER BY la.application)
                       AS applications
            FROM license_apps la WHERE {rule.held_on('la', 'day')} GROUP BY la.license_number
        ), pop AS (
            SELECT l.license_number, l.contact_id, l.affiliated_campus AS campus,
                   coalesce(h.applications, []::VARCHAR[]) AS applications,
                   jr.decision, jr.decided_by, jr.decided_at, jr.request_id, jr.reason
            FROM licenses l LEFT JOIN held h ON h.license_number = l.license_number
            LEFT JOIN june_reviews jr ON jr.license_number = l.license_number
                                     AND jr.review_year = $year
            WHERE (h.license_number IS NOT NULL OR jr.license_number IS NOT NULL) {where}
        )"""


def review_rows(reader, year: int, day: date, campus: str | None = None) -> list[dict[str, Any]]:
    """Q5: one row per license of the review (campus, or all), by license number."""
    params: dict[str, Any] = {"year": year, "day": day}
    sql = f"""WITH {_population(campus, params)}
        SELECT p.*, {full_name_sql()} AS name, l.public_groups
        FROM pop p JOIN licenses l ON l.license_number = p.license_number
        LEFT JOIN contacts c ON c.contact_id = p.contact_id
        ORDER BY p.campus, p.license_number"""
    return reader.query_dicts(sql, params)


def progress_rows(reader, year: int, day: date) -> list[dict[str, Any]]:
    """Q5: per campus, the licenses to review, kept, removed and still to review."""
    params: dict[str, Any] = {"year": year, "day": day}
    sql = f"""WITH {_population(None, params)}
        SELECT campus, count(*) AS active_users,
               count(*) FILTER (WHERE decision = 'keep') AS kept,
               count(*) FILTER (WHERE decision = 'remove') AS removed,
               count(*) FILTER (WHERE decision IS NULL) AS to_review
        FROM pop GROUP BY campus ORDER BY campus"""
    return reader.query_dicts(sql, params)


def decision_of(cur, year: int, license_number: str) -> str | None:
    rows = cur.execute("SELECT decision FROM june_reviews WHERE review_year = ? AND "
                       "license_number = ?", [year, license_number]).fetchall()
    return rows[0][0] if rows else None


def save_decision(cur, *, year: int, license_number: str, campus: str, decision: str,
                  request_id: str | None, reason: str | None, by: str, at: datetime) -> None:
    cur.execute(
        "INSERT INTO june_reviews (review_year, license_number, campus, decision, request_id, "
        "reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (review_year, license_number) DO UPDATE SET decision = excluded.decision, "
        "request_id = excluded.request_id, reason = excluded.reason, "
        "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
        [year, license_number, campus, decision, request_id, reason, by, at])


def specialists_by_campus(reader) -> dict[str, list[str]]:
    """The active eComm specialists of each campus (app users), by email."""
    out: dict[str, list[str]] = {}
    for campus, email in reader.query(
            "SELECT campus, email FROM app_users WHERE role = 'specialist' AND active "
            "AND campus IS NOT NULL ORDER BY campus, email"):
        out.setdefault(campus, []).append(email)
    return out


def system_team(reader) -> list[str]:
    """The active System team's emails."""
    return [r[0] for r in reader.query(
        "SELECT email FROM app_users WHERE role = 'system' AND active ORDER BY email")]
