"""SQL fragments of the compliance rules Q1-Q3, written once for the dashboard
(``ecomm.storage.dashboard``) and the compliance lists (``ecomm.storage.compliance``).

Each function returns SQL text only: values are ``$named`` DuckDB parameters (``$as_of``,
``$deadline``, ``$reminders``, ``$months``, ``$courses``, ``$valid``, ``$expiring``), never
pasted in; ``course_params`` gives the Q3 ones. The date arithmetic is the one of the pure
rules in ``ecomm.compliance`` (whose docstring fixes every boundary).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ecomm import reference as ref
from ecomm.policy import Policy


# -- held on a day (Q1-Q3, B4) -------------------------------------------------------------------
def held_on(alias: str, day: str = "as_of") -> str:
    """Q1-Q3: the application row ``alias`` is held on $as_of (or the parameter ``day``;
    ecomm.compliance.app_held)."""
    return (f"{alias}.provisioned_on <= ${day} AND ({alias}.deprovisioned_on IS NULL "
            f"OR {alias}.deprovisioned_on > ${day})")


# -- Q1 ------------------------------------------------------------------------------------------
def quiz_not_passed(alias: str) -> str:
    """Q1: the license ``alias`` has no quiz pass on $as_of (not a sender)."""
    return f"({alias}.quiz_passed_on IS NULL OR {alias}.quiz_passed_on > $as_of)"


def quiz_days(provisioned: str) -> str:
    """Q1: the days since ``provisioned`` and the quiz deadline, as ``days_since`` and
    ``quiz_deadline`` (``$deadline`` days after provisioning)."""
    return (f"CAST($as_of - {provisioned} AS INTEGER) AS days_since,\n"
            f"{provisioned} + CAST($deadline AS INTEGER) AS quiz_deadline")


def quiz_overdue(provisioned: str) -> str:
    """Q1: the quiz is overdue on $as_of (its deadline reached)."""
    return f"$as_of >= {provisioned} + CAST($deadline AS INTEGER)"


def quiz_latest_reminder(days_since: str) -> str:
    """Q1: the latest reminder day reached before the deadline (NULL from the deadline on)."""
    return (f"CASE WHEN {days_since} < $deadline THEN list_max(list_filter(\n"
            f"$reminders::INTEGER[], lambda n: n <= {days_since})) END")


# -- Q2 ------------------------------------------------------------------------------------------
def idle_since(alias: str) -> str:
    """Q2: the day the application row ``alias`` has been idle since (its last login, never
    before its provisioning)."""
    return (f"greatest(coalesce({alias}.last_login_on, {alias}.provisioned_on), "
            f"{alias}.provisioned_on)")


def idle_on(since: str) -> str:
    """Q2: the day an application idle since ``since`` is due for deprovisioning."""
    return f"CAST({since} + to_months(CAST($months AS INTEGER)) AS DATE)"


# -- Q3 ------------------------------------------------------------------------------------------
def course_params(as_of: date, policy: Policy) -> dict[str, Any]:
    """Q3: the parameters of the fragments below (with ``$as_of``)."""
    return {"as_of": as_of, "expiring": policy.course_expiring_days,
            "courses": list(ref.COURSES),
            "valid": [policy.course_valid_days(c) for c in ref.COURSES]}


def course_dates() -> str:
    """Q3: the per-course latest completion columns, ``d0, d1, ...`` in ref.COURSES order."""
    return ", ".join(f"d{i}" for i in range(len(ref.COURSES)))


def course_latest(cc: str = "cc") -> str:
    """Q3: aggregates over completions ``cc``: the latest completion of each course as
    ``d0, d1, ...`` (one row per contact, cheaper than joining completions per course)."""
    return ",\n".join(
        f"max({cc}.completed_on) FILTER (WHERE {cc}.course = $courses[{i + 1}]) AS d{i}"
        for i in range(len(ref.COURSES)))


def course_unnest(latest: str) -> str:
    """Q3: one row per contact and course (``ord``, ``course``, ``completed_on``,
    ``valid_days``) from ``latest`` (a contact per row with ``course_dates()``)."""
    return f"""SELECT contact_id, unnest(range(len($courses::VARCHAR[]))) AS ord,
                   unnest($courses::VARCHAR[]) AS course,
                   unnest([{course_dates()}]) AS completed_on,
                   unnest($valid::INTEGER[]) AS valid_days
            FROM {latest}"""


def course_status(rows: str) -> str:
    """Q3: each course row of ``rows`` (see ``course_unnest``) with ``expires_on`` and its
    ``status``: non_compliant (missing or expired), expiring (within $expiring days) or ok."""
    return f"""SELECT contact_id, ord, course, completed_on,
                   completed_on + valid_days AS expires_on,
                   CASE WHEN completed_on IS NULL OR $as_of >= completed_on + valid_days
                            THEN 'non_compliant'
                        WHEN $as_of >= completed_on + valid_days - CAST($expiring AS INTEGER)
                            THEN 'expiring'
                        ELSE 'ok' END AS status
            FROM {rows}"""


# -- Q4 (rev 2) ----------------------------------------------------------------------------------
def q4_leaver_sql(contact_ids: str) -> str:
    """Q4: the leavers among the contacts of ``contact_ids`` (a query of ``contact_id``), one
    row each with ``reason`` and ``since`` (ecomm.leavers.q4_leaver) on $as_of."""
    return f"""SELECT contact_id, reason,
                   CASE WHEN reason = 'employment_ended' THEN last_end + 1 END AS since
            FROM (
                SELECT k.contact_id, k.last_end,
                       CASE WHEN k.employed OR (k.poi AND coalesce(k.poi_active, FALSE)) THEN NULL
                            WHEN k.poi THEN 'poi_inactive'
                            WHEN k.n_emp = 0 THEN 'no_employment'
                            WHEN k.n_end = k.n_emp AND k.last_end < $as_of
                                THEN 'employment_ended'
                            ELSE 'employment_inactive' END AS reason
                FROM (
                    SELECT c.contact_id, any_value(coalesce(c.poi, FALSE)) AS poi,
                           any_value(c.poi_active) AS poi_active,
                           count(e.contact_id) AS n_emp, count(e.end_date) AS n_end,
                           max(e.end_date) AS last_end,
                           coalesce(bool_or(lower(trim(e.status)) = 'active'
                                            AND (e.end_date IS NULL OR e.end_date >= $as_of)),
                                    FALSE) AS employed
                    FROM contacts c LEFT JOIN employments e ON e.contact_id = c.contact_id
                    WHERE c.contact_id IN ({contact_ids})
                    GROUP BY c.contact_id
                ) k
            ) WHERE reason IS NOT NULL"""
