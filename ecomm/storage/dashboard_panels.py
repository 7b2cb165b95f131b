"""The dashboard panels, one query each (001 rows 1-3: the request queue; Q1-Q3: quiz, idle,
courses, leavers; the active users), limited to what the viewer may see (A1). The Q1-Q3 date
arithmetic is ``ecomm.storage.rule_sql``'s, shared with ``ecomm.storage.compliance``.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ecomm import reference as ref
from ecomm.policy import Policy
from ecomm.storage import rule_sql as rule
from ecomm.storage.notifications import full_name_sql
from ecomm.storage.dashboard_where import (
    INVOICE_CAMPUS, license_where, LOCAL_TS, request_billing_sql, request_where, Where, _app_flags,
    _joined, _limit, _run,
)


# -- rows 1-3: the request queue ---------------------------------------------------------------
def _cycle_sql(params: dict[str, Any], cutoffs: dict[str, date]) -> str:
    """C1: the request's stored cycle, else the one its submission (Denver day) joins: the
    next month's batch by its month's cutoff, else the month after (``cutoffs``: month ->
    cutoff day; a month outside it joins the next month's batch)."""
    params["cut_months"] = list(cutoffs)
    params["cut_days"] = list(cutoffs.values())
    return """coalesce(nullif(trim(q.cycle), ''), strftime(date_trunc('month', q.local_day)
                 + to_months(CASE WHEN cu.cut IS NOT NULL AND q.local_day > cu.cut THEN 2
                                  ELSE 1 END), '%Y-%m'))"""


def _request_panel(store, w: Where, *, kind: str, statuses: tuple[str, ...],
                   cutoffs: dict[str, date], columns: str,
                   limit: int | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    params: dict[str, Any] = {"kind": kind, "statuses": list(statuses)}
    where = request_where(w, params)
    cycle = _cycle_sql(params, cutoffs)
    # The request's license is read for the WHERE only when a filter or the A1 scope needs it.
    uses_license = bool(w.billing_campus or w.public_group or (w.campuses is not None and w.email))
    license_join = ("LEFT JOIN licenses l ON l.license_number = r.license_number"
                    if uses_license else "")
    # The matching requests are narrowed and counted first; only the first ``limit`` are
    # joined to their license and contact for the names shown.
    sql = f"""
        WITH cuts AS (
            SELECT unnest($cut_months::VARCHAR[]) AS month, unnest($cut_days::DATE[]) AS cut
        ), q AS (
            SELECT r.*, {LOCAL_TS.format(col='r.submitted_at')} AS submitted_local,
                   CAST({LOCAL_TS.format(col='r.submitted_at')} AS DATE) AS local_day
            FROM requests r {license_join}
            WHERE r.kind = $kind AND list_contains($statuses::VARCHAR[], r.status) AND {where}
        ), x AS MATERIALIZED (
            SELECT q.*, {cycle} AS batch_cycle
            FROM q LEFT JOIN cuts cu ON cu.month = strftime(q.local_day, '%Y-%m')
        ), n AS (
            SELECT count(*) AS n_rows, histogram(batch_cycle) AS by_cycle FROM x
        ), top AS (
            SELECT * FROM x ORDER BY submitted_at, request_id{_limit(params, limit)}
        )
        SELECT {columns}, n.*
        FROM top r
        LEFT JOIN licenses l ON l.license_number = r.license_number
        LEFT JOIN contacts c ON c.contact_id = r.contact_id
        CROSS JOIN n
        ORDER BY r.submitted_at, r.request_id"""
    return _run(store, sql, params, ("n_rows", "by_cycle"))


REQUEST_COMMON = f"""r.request_id AS request, r.submitted_local AS submitted,
               r.batch_cycle AS cycle, r.campus, {request_billing_sql()} AS billing_campus,
               r.contact_id, {full_name_sql()} AS name, r.license_number"""


NEW_GROUPS = ("list_filter(list_concat(coalesce(r.public_groups, []::VARCHAR[]), "
              "[r.new_public_group]), lambda g: g IS NOT NULL AND trim(g) <> '')")


# The columns each request panel shows (over the request ``r``, its license ``l``, contact ``c``).
PROVISION_COLUMNS = (f"{REQUEST_COMMON}, {_joined('r.applications')} AS applications, "
                     f"{_app_flags('r.applications')}, "
                     f"{_joined(NEW_GROUPS)} AS public_groups, "
                     "coalesce(nullif(trim(r.replaces_license), ''), '') AS replaces_license")
HELD_COLUMNS = (f"{REQUEST_COMMON}, {_joined('r.applications')} AS applications, "
                f"array_to_string(coalesce(r.held_reasons, []::VARCHAR[]), ' | ') AS missing")
DEPROVISION_COLUMNS = (
    f"{REQUEST_COMMON}, {_joined('r.applications')} AS applications, "
    "r.salesforce_removed_on, "
    "CASE WHEN r.salesforce_removed_on IS NOT NULL THEN 'Salesforce already removed on ' "
    "|| strftime(r.salesforce_removed_on, '%Y-%m-%d') || ' (billed through the end of '"
    " || strftime(r.salesforce_removed_on, '%B %Y') || ')' "
    "WHEN list_contains(coalesce(r.applications, []::VARCHAR[]), 'Salesforce') "
    "THEN 'Salesforce removed on submission' ELSE '' END AS note")


def provision_queue(store, w: Where, *, cutoffs: dict[str, date],
                    limit: int | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """001 row 1 (C1): pending provisioning requests with the applications requested."""
    return _request_panel(store, w, kind="provision", statuses=("pending",), cutoffs=cutoffs,
                          columns=PROVISION_COLUMNS, limit=limit)


def held_requests(store, w: Where, *, cutoffs: dict[str, date],
                  limit: int | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """001 row 2 (C3): held provisioning requests with the requirements still missing."""
    return _request_panel(store, w, kind="provision", statuses=("held",), cutoffs=cutoffs,
                          columns=HELD_COLUMNS, limit=limit)


def deprovision_queue(store, w: Where, *, cutoffs: dict[str, date],
                      limit: int | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """000 row 2 / 001 row 3 (C4): deprovisioning requests in the queue; Salesforce was
    already removed on submission (billed through the end of that month)."""
    return _request_panel(store, w, kind="deprovision", statuses=("pending", "held"),
                          cutoffs=cutoffs, columns=DEPROVISION_COLUMNS, limit=limit)


# -- Q1-Q3 and active users: narrow rows first, counts over all of them, names for the shown --
def _panel(store, params: dict[str, Any], *, ctes: str, base: str, counts: str, order: str,
           select: str, joins: str, limit: int | None, count_cols: tuple[str, ...]
           ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One panel query: ``base`` (narrow rows: keys and sort columns) is counted whole, its
    first ``limit`` rows in ``order`` are enriched (``select`` over ``t`` plus ``joins``)."""
    sql = f"""
        WITH {ctes + ',' if ctes else ''}
        base AS MATERIALIZED ({base}),
        n AS (SELECT {counts} FROM base),
        top AS (SELECT *, row_number() OVER (ORDER BY {order}) AS rn FROM base
                ORDER BY {order}{_limit(params, limit)})
        SELECT {select}, n.* FROM top t {joins} CROSS JOIN n ORDER BY t.rn"""
    return _run(store, sql, params, count_cols)


def _person_joins(lic_col: str = "t.license_number") -> str:
    return (f"JOIN licenses l ON l.license_number = {lic_col} "
            "LEFT JOIN contacts c ON c.contact_id = l.contact_id")


PERSON = (f"l.contact_id, {full_name_sql()} AS name, l.affiliated_campus AS campus, "
          f"{INVOICE_CAMPUS.format(a='l')} AS billing_campus")


def _held_apps_join(alias: str = "ap") -> str:
    """The applications each shown license holds on $as_of, as text."""
    return (f"LEFT JOIN (SELECT la.license_number, string_agg(DISTINCT la.application, '; ' "
            f"ORDER BY la.application) AS applications FROM license_apps la "
            f"WHERE {rule.held_on('la')} "
            "AND la.license_number IN (SELECT license_number FROM top) GROUP BY la.license_number"
            f") {alias} ON {alias}.license_number = t.license_number")


def quiz_panel(store, w: Where, as_of: date, policy: Policy, *, limit: int | None = None
               ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Q1: users who have not passed the quiz (quiz due), overdue ones first (day 60 on)."""
    params: dict[str, Any] = {"as_of": as_of, "deadline": policy.quiz_deadline_days,
                              "reminders": list(policy.quiz_reminder_days)}
    # The licenses in scope (A1, filters) without a pass first, then their held applications.
    held = f"""lic AS MATERIALIZED (
            SELECT l.license_number FROM licenses l
            WHERE {rule.quiz_not_passed('l')}
              AND {license_where(w, params)}
        ), held AS (
            SELECT la.license_number, min(la.provisioned_on) AS provisioned_on
            FROM license_apps la
            WHERE {rule.held_on('la')} AND la.license_number IN (SELECT license_number FROM lic)
            GROUP BY la.license_number)"""
    base = f"""
        SELECT h.license_number, h.provisioned_on, {rule.quiz_days('h.provisioned_on')},
               {rule.quiz_overdue('h.provisioned_on')} AS overdue
        FROM held h"""
    select = f"""t.license_number, {PERSON}, ap.applications, t.provisioned_on, t.days_since,
               t.quiz_deadline,
               {rule.quiz_latest_reminder('t.days_since')} AS latest_reminder,
               t.overdue"""
    return _panel(store, params, ctes=held, base=base,
                  counts="count(*) AS n_rows, sum(CASE WHEN overdue THEN 1 ELSE 0 END) AS n_overdue",
                  order="overdue DESC, provisioned_on, license_number", select=select,
                  joins=f"{_person_joins()} {_held_apps_join()}", limit=limit,
                  count_cols=("n_rows", "n_overdue"))


def idle_panel(store, w: Where, as_of: date, policy: Policy, *, limit: int | None = None
               ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Q2: held applications not logged in to for ``idle_months`` months (deprovisioning due)."""
    params: dict[str, Any] = {"as_of": as_of, "months": policy.idle_months}
    base = f"""
        SELECT * FROM (
            SELECT i.*, {rule.idle_on('i.idle_since')} AS idle_on
            FROM (SELECT la.license_number, la.application, la.provisioned_on, la.last_login_on,
                         {rule.idle_since('la')} AS idle_since
                  FROM license_apps la JOIN licenses l ON l.license_number = la.license_number
                  WHERE {rule.held_on('la')} AND {license_where(w, params)}) i
        ) WHERE idle_on <= $as_of"""
    select = (f"t.license_number, {PERSON}, t.application, t.provisioned_on, t.last_login_on, "
              "t.idle_since, t.idle_on")
    return _panel(store, params, ctes="", base=base,
                  counts="count(*) AS n_rows, count(DISTINCT license_number) AS n_licenses",
                  order="idle_on, license_number, application, provisioned_on", select=select,
                  joins=_person_joins(), limit=limit, count_cols=("n_rows", "n_licenses"))


def _course_ctes(lic: str, of_lic: str) -> str:
    """Q3: the CTEs ``done`` (each contact's latest completion of each course on $as_of,
    ``of_lic``: the semi-join narrowing it to the contacts of ``lic``, or none), ``latest``
    (a row per contact of ``lic``) and ``s`` (a row per contact and course)."""
    return f"""done AS (
            SELECT cc.contact_id, {rule.course_latest('cc')}
            FROM course_completions cc
            WHERE cc.completed_on <= $as_of{of_lic}
            GROUP BY cc.contact_id
        ), latest AS (
            SELECT lc.contact_id, {rule.course_dates()}
            FROM (SELECT DISTINCT contact_id FROM {lic}) lc LEFT JOIN done USING (contact_id)
        ), s AS (
            {rule.course_unnest('latest')}
        )"""


def course_panel(store, w: Where, as_of: date, policy: Policy, *, limit: int | None = None
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Q3: pre-access courses expiring or non-compliant (missing or out of date) of contacts
    holding an application on a license matching the filters."""
    params = rule.course_params(as_of, policy)
    where = license_where(w, params)
    # Narrowed (a campus, a filter, A1): read the course dates of the licenses' contacts only;
    # unnarrowed, grouping every completion is cheaper than the semi-join (measured at 100x).
    of_lic = "" if where == "TRUE" else " AND cc.contact_id IN (SELECT contact_id FROM lic)"
    ctes = f"""
        lic AS MATERIALIZED (
            SELECT l.license_number, l.contact_id FROM licenses l
            WHERE l.license_number IN (SELECT la.license_number FROM license_apps la
                                       WHERE {rule.held_on('la')})
              AND {where}
        ), {_course_ctes("lic", of_lic)}"""
    base = f"""
        SELECT * FROM (
            {rule.course_status('s')}) WHERE status <> 'ok'"""
    people = f"LEFT JOIN ({_course_people('licenses', 'contacts', 'lic', 'top')}) p " \
             "ON p.contact_id = t.contact_id"
    select = ("p.license_number, t.contact_id, p.name, p.campus, p.billing_campus, "
              "p.license_numbers, t.course, t.completed_on, t.expires_on, t.status")
    counts = ("count(*) AS n_rows, "
              "sum(CASE WHEN status = 'expiring' THEN 1 ELSE 0 END) AS n_expiring, "
              "sum(CASE WHEN status = 'non_compliant' THEN 1 ELSE 0 END) AS n_non_compliant, "
              "count(DISTINCT contact_id) AS n_contacts")
    return _panel(store, params, ctes=ctes, base=base, counts=counts,
                  order="status DESC, expires_on NULLS FIRST, contact_id, ord", select=select,
                  joins=people, limit=limit,
                  count_cols=("n_rows", "n_expiring", "n_non_compliant", "n_contacts"))


def leaver_panel(store, w: Where, as_of: date, policy: Policy, *, limit: int | None = None
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Q4 (rev 2): licenses holding an application whose user no longer meets P3 (employment
    ended, or Person of Interest inactive): leavers, due for deprovisioning."""
    params: dict[str, Any] = {"as_of": as_of}
    ctes = f"""
        lic AS MATERIALIZED (
            SELECT l.license_number, l.contact_id FROM licenses l
            WHERE l.license_number IN (SELECT la.license_number FROM license_apps la
                                       WHERE {rule.held_on('la')})
              AND {license_where(w, params)}
        ), lv AS ({rule.q4_leaver_sql('SELECT contact_id FROM lic')})"""
    base = """
        SELECT l.license_number, l.contact_id, lv.reason, lv.since
        FROM lic l JOIN lv ON lv.contact_id = l.contact_id"""
    select = f"t.license_number, {PERSON}, ap.applications, t.reason, t.since"
    return _panel(store, params, ctes=ctes, base=base,
                  counts="count(*) AS n_rows, count(DISTINCT contact_id) AS n_contacts",
                  order="license_number", select=select,
                  joins=f"{_person_joins()} {_held_apps_join()}", limit=limit,
                  count_cols=("n_rows", "n_contacts"))


def active_users(store, w: Where, as_of: date, *, limit: int | None = None
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """000 "View Existing Users": licenses holding an application on ``as_of``, with their
    public groups, and the counts: users, and users of each application, Salesforce counted
    apart for Chatter Free users (B3: they hold a free Salesforce profile)."""
    params: dict[str, Any] = {"as_of": as_of, "chatter": ref.PROFILE_CHATTER_FREE}
    apps = list(ref.APPLICATIONS)
    col = {a: f"a{i}" for i, a in enumerate(apps)}
    chatter = "lower(trim(coalesce(l.salesforce_profile, ''))) = lower($chatter)"
    # The licenses in scope (A1, filters) first, then their held applications (unnarrowed:
    # every license, without the semi-join, which costs more than it saves there).
    where = license_where(w, params)
    of_lic = "" if where == "TRUE" else "AND la.license_number IN (SELECT license_number FROM lic) "
    held = (f"lic AS MATERIALIZED (SELECT l.license_number, {chatter} AS chatter_free "
            f"FROM licenses l WHERE {where}), "
            "held AS (SELECT la.license_number, "
            + ", ".join(f"bool_or(la.application = '{a}') AS {col[a]}" for a in apps)
            + f" FROM license_apps la WHERE {rule.held_on('la')} {of_lic}"
            "GROUP BY la.license_number)")
    base = ("SELECT l.license_number, l.chatter_free, "
            + ", ".join(f"h.{col[a]}" for a in apps)
            + " FROM lic l JOIN held h ON h.license_number = l.license_number")
    counts = ", ".join(
        ["count(*) AS n_rows"]
        + [f"sum(CASE WHEN {col[a]}" + (" AND NOT chatter_free" if a == ref.SALESFORCE else "")
           + f" THEN 1 ELSE 0 END) AS \"n_{a}\"" for a in apps]
        + [f"sum(CASE WHEN {col[ref.SALESFORCE]} AND chatter_free THEN 1 ELSE 0 END) "
           "AS n_chatter_free"])
    listed = "concat_ws('; ', " + ", ".join(
        f"CASE WHEN t.{col[a]} THEN '{a}' END" for a in apps) + ")"
    select = (f"t.license_number, {PERSON}, {_joined('l.public_groups')} AS public_groups, "
              f"{listed} AS applications, "
              + ", ".join(f"t.{col[a]} AS \"{a}\"" for a in apps)
              + ", coalesce(l.salesforce_profile, 'Standard') AS salesforce_profile")
    count_cols = ("n_rows", *(f"n_{a}" for a in apps), "n_chatter_free")
    return _panel(store, params, ctes=held, base=base, counts=counts, order="license_number",
                  select=select, joins=_person_joins(), limit=limit, count_cols=count_cols)


def _course_people(licenses: str, contacts: str, scoped: str, top: str) -> str:
    """Q3 rows are per contact: the contact's first license number, all its license numbers
    in scope, campus, billing campus (of the first license) and name, for the ``top`` rows."""
    return f"""SELECT l.contact_id, min(l.license_number) AS license_number,
                   array_to_string(list(l.license_number ORDER BY l.license_number), '; ')
                       AS license_numbers,
                   arg_min(l.affiliated_campus, l.license_number) AS campus,
                   arg_min({INVOICE_CAMPUS.format(a='l')}, l.license_number) AS billing_campus,
                   any_value({full_name_sql()}) AS name
            FROM {licenses} l LEFT JOIN {contacts} c ON c.contact_id = l.contact_id
            WHERE l.license_number IN (SELECT license_number FROM {scoped})
              AND l.contact_id IN (SELECT contact_id FROM {top})
            GROUP BY l.contact_id"""
