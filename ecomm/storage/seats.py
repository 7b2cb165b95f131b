"""SQL of B10 seats (rules revision 2): the seats recorded per application and fiscal year, and
what is assigned (held on a day) and waiting in the queue (pending or held provisioning
requests), per application. Rules and services: ``ecomm.seats``."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ecomm import reference as ref
from ecomm.storage import rule_sql as rule


def seat_rows(reader, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """The seats recorded (one fiscal year, or all), by year and application."""
    where, params = ("WHERE fiscal_year = ?", [fiscal_year]) if fiscal_year else ("", [])
    return reader.query_dicts(
        "SELECT fiscal_year, application, purchased, cost, contract_end, notes FROM seats "
        f"{where} ORDER BY fiscal_year, application", params)


def get_seat(cur, fiscal_year: int, application: str) -> dict[str, Any] | None:
    rows = cur.execute("SELECT fiscal_year, application, purchased, cost, contract_end, notes "
                       "FROM seats WHERE fiscal_year = ? AND application = ?",
                       [fiscal_year, application]).fetchall()
    if not rows:
        return None
    keys = ("fiscal_year", "application", "purchased", "cost", "contract_end", "notes")
    return dict(zip(keys, rows[0]))


def upsert_seat(cur, fiscal_year: int, application: str, purchased: int, cost: Decimal | None,
                contract_end: date | None, notes: str | None) -> None:
    cur.execute(
        "INSERT INTO seats (fiscal_year, application, purchased, cost, contract_end, notes) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (fiscal_year, application) DO UPDATE SET "
        "purchased = excluded.purchased, cost = excluded.cost, "
        "contract_end = excluded.contract_end, notes = excluded.notes",
        [fiscal_year, application, purchased, cost, contract_end, notes])


def usage_sql() -> str:
    """B10: per application, ``assigned`` (licenses holding it on $as_of; a Chatter Free
    Salesforce takes no paid Salesforce seat, B3) and ``queued`` (applications of pending or
    held provisioning requests, P7: not held yet), over $apps."""
    return f"""
        WITH apps AS (SELECT unnest($apps::VARCHAR[]) AS application),
        held AS (
            SELECT la.application, count(DISTINCT la.license_number) AS n
            FROM license_apps la JOIN licenses l ON l.license_number = la.license_number
            WHERE {rule.held_on('la')}
              AND NOT (la.application = $salesforce
                       AND lower(trim(coalesce(l.salesforce_profile, ''))) = lower($chatter))
            GROUP BY la.application
        ), queued AS (
            SELECT a AS application, count(*) AS n
            FROM (SELECT unnest(coalesce(r.applications, []::VARCHAR[])) AS a,
                         r.salesforce_profile
                  FROM requests r
                  WHERE r.kind = 'provision' AND r.status IN ('pending', 'held'))
            WHERE NOT (a = $salesforce
                       AND lower(trim(coalesce(salesforce_profile, ''))) = lower($chatter))
            GROUP BY a
        )
        SELECT apps.application, coalesce(held.n, 0) AS assigned, coalesce(queued.n, 0) AS queued
        FROM apps LEFT JOIN held USING (application) LEFT JOIN queued USING (application)"""


def usage(reader, as_of: date) -> dict[str, tuple[int, int]]:
    """B10: application -> (assigned on as_of, waiting in the queue)."""
    params = {"as_of": as_of, "apps": list(ref.APPLICATIONS), "salesforce": ref.SALESFORCE,
              "chatter": ref.PROFILE_CHATTER_FREE}
    rows = reader.query(usage_sql(), params)
    return {a: (int(n), int(q)) for a, n, q in rows}


def applications_of_license(reader, license_number: str | None, as_of: date) -> set[str]:
    """The applications a (replaced) license holds on as_of (P10: a transfer takes its seat)."""
    if not license_number:
        return set()
    rows = reader.query(f"SELECT DISTINCT la.application FROM license_apps la "
                        f"WHERE la.license_number = $ln AND {rule.held_on('la')}",
                        {"ln": license_number.strip().upper(), "as_of": as_of})
    return {r[0] for r in rows}
