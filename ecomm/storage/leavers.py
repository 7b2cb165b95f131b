"""Q4 leavers computed in SQL for any day (the list behind the Compliance page's Leavers tab
and the daily messages). The rule is ``ecomm.leavers`` (boundaries in its docstring); its SQL
twin is ``rule_sql.q4_leaver_sql``, shared with the dashboard's one query.
``viewer`` limits the rows to what that person may see (A1, A3)."""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ecomm.identity import Identity
from ecomm.leavers import Leaver
from ecomm.storage import rule_sql as rule
from ecomm.storage.compliance import _fetch, _frame, _people, _scope
from ecomm.storage.notifications import full_name_sql, user_email_sql


def _leaver_sql(as_of: date, viewer: Identity | None) -> tuple[str, dict[str, Any]]:
    """Q4 in SQL (the one definition behind ``leaver_rows`` and ``leaver_frame``)."""
    params: dict[str, Any] = {"as_of": as_of}
    scope = _scope(viewer, params)
    sql = f"""
        WITH held AS (
            SELECT la.license_number, list(DISTINCT la.application ORDER BY la.application)
                       AS applications
            FROM license_apps la WHERE {rule.held_on('la')} GROUP BY la.license_number
        ), lic AS MATERIALIZED (
            SELECT l.*, h.applications FROM licenses l
            JOIN held h ON h.license_number = l.license_number
            WHERE {scope}
        ), lv AS (
            {rule.q4_leaver_sql('SELECT contact_id FROM lic')}
        )
        SELECT l.license_number, l.contact_id, lv.reason, lv.since, l.applications,
               {full_name_sql()} AS full_name, c.first_name, l.affiliated_campus AS campus,
               {user_email_sql()} AS user_email, l.ecomm_specialist, l.additional_specialists
        FROM lic l JOIN lv ON lv.contact_id = l.contact_id
        LEFT JOIN contacts c ON c.contact_id = l.contact_id
        ORDER BY l.license_number"""
    return sql, params


def leaver_rows(cur, as_of: date, viewer: Identity | None = None) -> list[Leaver]:
    """Q4: licenses holding an application on as_of whose user no longer meets P3."""
    sql, params = _leaver_sql(as_of, viewer)
    return [Leaver(**_people(r)) for r in _fetch(cur, sql, params)]


def leaver_list(store, as_of: date, viewer: Identity | None = None) -> list[Leaver]:
    """Q4: see ``leaver_rows``."""
    with store.cursor() as cur:
        return leaver_rows(cur, as_of, viewer)


def leaver_frame(store, as_of: date, viewer: Identity | None = None) -> pd.DataFrame:
    """Q4: ``leaver_rows`` as one DataFrame (specialists as stored), for the page and downloads."""
    sql, params = _leaver_sql(as_of, viewer)
    with store.cursor() as cur:
        return _frame(cur, sql, params)
