"""SQL of the campus dashboard (001 rows 1-3, 000 "View Existing Users"; Q1-Q3): each panel is
one set-based query returning a DataFrame, limited to what the viewer may see in the query
itself (A1) and filtered there too (campus, billing campus, public group).

Every panel function returns ``(frame, counts)``: the rows (all of them, or the first
``limit`` in the panel's order) and the panel's counts over every matching row, computed in
the same query with window aggregates. The Q1-Q3 date arithmetic is written once in
``ecomm.storage.rule_sql``, shared with ``ecomm.storage.compliance`` (boundaries fixed in
``ecomm.compliance``); tests check both agree.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from ecomm import reference as ref
from ecomm.policy import Policy
from ecomm.storage import rule_sql as rule
from ecomm.storage.dashboard_where import (  # noqa: F401  (re-exported)
    INVOICE_CAMPUS, license_where, LOCAL_TS, request_billing_sql, request_where, Where, _app_flags,
    _count, _joined, _limit, _run, _scope,
)
from ecomm.storage.dashboard_panels import (  # noqa: F401  (re-exported)
    active_users, course_panel, DEPROVISION_COLUMNS, deprovision_queue, HELD_COLUMNS,
    held_requests, idle_panel, leaver_panel, NEW_GROUPS, PERSON, PROVISION_COLUMNS,
    provision_queue, quiz_panel, REQUEST_COMMON, _course_ctes, _course_people, _cycle_sql,
    _held_apps_join, _panel, _person_joins, _request_panel,
)

# -- every panel in one query: the scoped pass shared, the names read once ---------------------
PANEL_KEYS = ("provision", "held", "deprovision", "quiz", "idle", "courses", "leavers", "active")
_REQUEST_PANELS = {  # key: (kind, statuses, columns)
    "provision": ("provision", ("pending",), PROVISION_COLUMNS),
    "held": ("provision", ("held",), HELD_COLUMNS),
    "deprovision": ("deprovision", ("pending", "held"), DEPROVISION_COLUMNS),
}


def all_panels(store, w: Where, as_of: date, policy: Policy, *, cutoffs: dict[str, date],
               limit: int | None) -> dict[str, tuple[pd.DataFrame, dict[str, Any]]]:
    """Every panel (``PANEL_KEYS``) as the functions above make them, in ONE query: the
    licenses in scope and their held applications are read once for Q1-Q3 and the active
    users, the matching requests once for the three request panels, and the license and
    contact names once for the first ``limit`` rows of every panel. Each panel's rows come
    back as a list of structs, split into its frame here (same columns, order and dtypes)."""
    apps = list(ref.APPLICATIONS)
    col = {a: f"a{i}" for i, a in enumerate(apps)}
    params: dict[str, Any] = {
        "as_of": as_of, "deadline": policy.quiz_deadline_days,
        "reminders": list(policy.quiz_reminder_days), "months": policy.idle_months,
        **rule.course_params(as_of, policy), "chatter": ref.PROFILE_CHATTER_FREE}
    where = license_where(w, params)
    narrowed = where != "TRUE"
    lim = _limit(params, limit)
    chatter = "lower(trim(coalesce(l.salesforce_profile, ''))) = lower($chatter)"
    of_lic = " AND la.license_number IN (SELECT license_number FROM lic)" if narrowed else ""
    of_lic3 = " AND cc.contact_id IN (SELECT contact_id FROM lic3)" if narrowed else ""

    def top(name: str, base: str, order: str) -> str:
        # the first rows (a top-n, not a sort of them all), then numbered
        return (f"{name}_top AS MATERIALIZED (SELECT *, row_number() OVER (ORDER BY {order}) "
                f"AS rn FROM (SELECT * FROM {base} ORDER BY {order}{lim}))")

    license_ctes = f"""
        lic AS MATERIALIZED (
            SELECT l.license_number, l.contact_id, l.quiz_passed_on, {chatter} AS chatter_free
            FROM licenses l WHERE {where}
        ), held AS MATERIALIZED (
            SELECT la.license_number, la.application, la.provisioned_on, la.last_login_on
            FROM license_apps la WHERE {rule.held_on('la')}{of_lic}
        ), per_lic AS MATERIALIZED (
            SELECT h.license_number, min(h.provisioned_on) AS provisioned_on, """ + ", ".join(
        f"bool_or(h.application = '{a}') AS {col[a]}" for a in apps) + f"""
            FROM held h GROUP BY h.license_number
        ), quiz_base AS MATERIALIZED (
            SELECT p.license_number, p.provisioned_on,
                   {rule.quiz_days('p.provisioned_on')},
                   {rule.quiz_overdue('p.provisioned_on')} AS overdue
            FROM per_lic p JOIN lic l ON l.license_number = p.license_number
            WHERE {rule.quiz_not_passed('l')}
        ), {top("quiz", "quiz_base", "overdue DESC, provisioned_on, license_number")},
        idle_base AS MATERIALIZED (
            SELECT * FROM (
                SELECT i.*, {rule.idle_on('i.idle_since')} AS idle_on
                FROM (SELECT h.license_number, h.application, h.provisioned_on, h.last_login_on,
                             {rule.idle_since('h')} AS idle_since
                      FROM held h JOIN lic l ON l.license_number = h.license_number) i
            ) WHERE idle_on <= $as_of
        ), {top("idle", "idle_base", "idle_on, license_number, application, provisioned_on")},
        lic3 AS MATERIALIZED (
            SELECT l.license_number, l.contact_id FROM lic l
            WHERE l.license_number IN (SELECT license_number FROM per_lic)
        ), {_course_ctes("lic3", of_lic3)}, courses_base AS MATERIALIZED (
            SELECT * FROM ({rule.course_status('s')}) WHERE status <> 'ok'
        ), {top("courses", "courses_base", "status DESC, expires_on NULLS FIRST, contact_id, ord")},
        leavers_base AS MATERIALIZED (
            SELECT l.license_number, l.contact_id, lv.reason, lv.since
            FROM lic3 l JOIN ({rule.q4_leaver_sql('SELECT contact_id FROM lic3')}) lv
              ON lv.contact_id = l.contact_id
        ), {top("leavers", "leavers_base", "license_number")},
        active_base AS MATERIALIZED (
            SELECT l.license_number, l.chatter_free, """ + ", ".join(
        f"p.{col[a]}" for a in apps) + f"""
            FROM lic l JOIN per_lic p ON p.license_number = l.license_number
        ), {top("active", "active_base", "license_number")}"""

    # -- the request panels: the requests of the three queues matched once
    rparams: dict[str, Any] = {}
    rwhere = request_where(w, rparams)
    params.update(rparams)
    cycle = _cycle_sql(params, cutoffs)
    uses_license = bool(w.billing_campus or w.public_group or (w.campuses is not None and w.email))
    license_join = ("LEFT JOIN licenses l ON l.license_number = r.license_number"
                    if uses_license else "")
    wanted = []
    for key, (kind, statuses, _) in _REQUEST_PANELS.items():
        params[f"{key}_kind"], params[f"{key}_statuses"] = kind, list(statuses)
        wanted.append(f"(r.kind = ${key}_kind AND list_contains(${key}_statuses::VARCHAR[], "
                      "r.status))")
    request_ctes = f"""
        cuts AS (
            SELECT unnest($cut_months::VARCHAR[]) AS month, unnest($cut_days::DATE[]) AS cut
        ), rq AS (
            SELECT r.*, {LOCAL_TS.format(col='r.submitted_at')} AS submitted_local,
                   CAST({LOCAL_TS.format(col='r.submitted_at')} AS DATE) AS local_day
            FROM requests r {license_join}
            WHERE ({' OR '.join(wanted)}) AND {rwhere}
        ), rx AS MATERIALIZED (
            SELECT q.*, {cycle} AS batch_cycle
            FROM rq q LEFT JOIN cuts cu ON cu.month = strftime(q.local_day, '%Y-%m')
        )""" + "".join(
        f""", {key}_base AS MATERIALIZED (
            SELECT * FROM rx WHERE kind = ${key}_kind
              AND list_contains(${key}_statuses::VARCHAR[], status)
        ), {top(key, f"{key}_base", "submitted_at, request_id")}"""
        for key in _REQUEST_PANELS)

    # -- the names: every shown row's license and contact, read once
    request_keys = " ".join(f"UNION ALL SELECT license_number FROM {k}_top "
                            for k in _REQUEST_PANELS)
    request_contacts = " ".join(f"UNION ALL SELECT contact_id FROM {k}_top "
                                for k in _REQUEST_PANELS)
    name_ctes = f"""
        shown AS (
            SELECT license_number FROM quiz_top UNION ALL SELECT license_number FROM idle_top
            UNION ALL SELECT license_number FROM leavers_top
            UNION ALL SELECT license_number FROM active_top
            UNION ALL SELECT license_number FROM lic3
                      WHERE contact_id IN (SELECT contact_id FROM courses_top)
            {request_keys}
        ), nm AS MATERIALIZED (
            SELECT l.license_number, l.contact_id, l.affiliated_campus, l.billing_campus,
                   l.public_groups, l.salesforce_profile
            FROM licenses l WHERE l.license_number IN (SELECT license_number FROM shown)
        ), cn AS MATERIALIZED (
            SELECT c.contact_id, c.first_name, c.last_name FROM contacts c
            WHERE c.contact_id IN (SELECT contact_id FROM nm {request_contacts})
        )"""

    person = "JOIN nm l ON l.license_number = t.license_number LEFT JOIN cn c ON c.contact_id = l.contact_id"
    listed = "concat_ws('; ', " + ", ".join(
        f"CASE WHEN t.{col[a]} THEN '{a}' END" for a in apps) + ")"
    rows = {
        "quiz": f"""SELECT t.rn AS _rn, t.license_number, {PERSON}, ap.applications,
                   t.provisioned_on, t.days_since, t.quiz_deadline,
                   {rule.quiz_latest_reminder('t.days_since')} AS latest_reminder,
                   t.overdue
            FROM quiz_top t {person}
            LEFT JOIN (SELECT h.license_number, string_agg(DISTINCT h.application, '; '
                              ORDER BY h.application) AS applications
                       FROM held h WHERE h.license_number IN (SELECT license_number FROM quiz_top)
                       GROUP BY h.license_number) ap ON ap.license_number = t.license_number""",
        "leavers": f"""SELECT t.rn AS _rn, t.license_number, {PERSON}, ap.applications,
                   t.reason, t.since
            FROM leavers_top t {person}
            LEFT JOIN (SELECT h.license_number, string_agg(DISTINCT h.application, '; '
                              ORDER BY h.application) AS applications
                       FROM held h WHERE h.license_number IN
                           (SELECT license_number FROM leavers_top)
                       GROUP BY h.license_number) ap ON ap.license_number = t.license_number""",
        "idle": f"""SELECT t.rn AS _rn, t.license_number, {PERSON}, t.application,
                   t.provisioned_on, t.last_login_on, t.idle_since, t.idle_on
            FROM idle_top t {person}""",
        "courses": f"""SELECT t.rn AS _rn, p.license_number, t.contact_id, p.name, p.campus,
                   p.billing_campus, p.license_numbers, t.course, t.completed_on, t.expires_on,
                   t.status
            FROM courses_top t LEFT JOIN (
                {_course_people('nm', 'cn', 'lic3', 'courses_top')}) p
                ON p.contact_id = t.contact_id""",
        "active": f"""SELECT t.rn AS _rn, t.license_number, {PERSON},
                   {_joined('l.public_groups')} AS public_groups, {listed} AS applications, """
        + ", ".join(f"t.{col[a]} AS \"{a}\"" for a in apps) + f""",
                   coalesce(l.salesforce_profile, 'Standard') AS salesforce_profile
            FROM active_top t {person}""",
    }
    for key, (_, _, columns) in _REQUEST_PANELS.items():
        rows[key] = f"""SELECT r.rn AS _rn, {columns}
            FROM {key}_top r LEFT JOIN nm l ON l.license_number = r.license_number
            LEFT JOIN cn c ON c.contact_id = r.contact_id"""
    req_counts = "struct_pack(n_rows := count(*), by_cycle := histogram(batch_cycle))"
    counts = {
        **{k: req_counts for k in _REQUEST_PANELS},
        "quiz": "struct_pack(n_rows := count(*), "
                "n_overdue := sum(CASE WHEN overdue THEN 1 ELSE 0 END))",
        "idle": "struct_pack(n_rows := count(*), n_licenses := count(DISTINCT license_number))",
        "leavers": "struct_pack(n_rows := count(*), n_contacts := count(DISTINCT contact_id))",
        "courses": "struct_pack(n_rows := count(*), "
                   "n_expiring := sum(CASE WHEN status = 'expiring' THEN 1 ELSE 0 END), "
                   "n_non_compliant := sum(CASE WHEN status = 'non_compliant' THEN 1 ELSE 0 END), "
                   "n_contacts := count(DISTINCT contact_id))",
        "active": "struct_pack(" + ", ".join(
            ["n_rows := count(*)"]
            + [f"\"n_{a}\" := sum(CASE WHEN {col[a]}"
               + (" AND NOT chatter_free" if a == ref.SALESFORCE else "")
               + " THEN 1 ELSE 0 END)" for a in apps]
            + [f"n_chatter_free := sum(CASE WHEN {col[ref.SALESFORCE]} AND chatter_free "
               "THEN 1 ELSE 0 END)"]) + ")",
    }
    select = ",\n".join(
        f"(SELECT list(p ORDER BY p._rn) FROM ({rows[k]}) p) AS \"{k}\", "
        f"(SELECT {counts[k]} FROM {k}_base) AS \"{k}:counts\"" for k in PANEL_KEYS)
    sql = (f"WITH {license_ctes},\n{request_ctes},\n{name_ctes}\nSELECT {select}")
    with store.cursor() as cur:
        result = cur.sql(sql, params=params).to_arrow_table()
        out = {}
        for key in PANEL_KEYS:
            shown = pa.Table.from_struct_array(result.column(key).combine_chunks().flatten())
            frame = _as_duckdb_df(cur, shown.drop_columns(["_rn"]))
            got = result.column(f"{key}:counts")[0].as_py() or {}
            out[key] = (frame.reset_index(drop=True),
                        {c: _count(v, c) for c, v in got.items()})
    return out



_NULLABLE = {pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
             pa.bool_(): pd.BooleanDtype()}


def _as_duckdb_df(cur, table: pa.Table) -> pd.DataFrame:
    """``table`` as DuckDB's ``.df()`` makes it (tests compare both), by pyarrow (several times
    cheaper than a DuckDB scan per panel): text as ``str`` (all NULL or no row: ``object``),
    dates as datetime64[us], integers and booleans with a NULL as pandas' nullable types. Any
    other type: DuckDB's own conversion."""
    columns = {}
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_string(t):
            columns[name] = (col.to_pandas() if col.null_count < len(col)
                             else pd.Series([None] * len(col), dtype=object))
        elif pa.types.is_date32(t):
            columns[name] = col.cast(pa.timestamp("us")).to_pandas()
        elif pa.types.is_timestamp(t) and t.tz is None and t.unit == "us":
            columns[name] = col.to_pandas()
        elif t in _NULLABLE:
            columns[name] = (col.to_pandas(types_mapper=_NULLABLE.get) if col.null_count
                             else col.to_pandas())
        else:
            return cur.from_arrow(table).df()
    return pd.DataFrame(columns, copy=False)

# -- filter choices and the cache key --------------------------------------------------------------
def public_groups(store, campuses: tuple[str, ...] | None, email: str | None = None
                  ) -> list[str]:
    """The public groups of these campuses' license records (and of licenses naming ``email``
    as additional specialist, A1) and reference lists (None: all)."""
    params: dict[str, Any] = {}
    scope_l = scope_r = "TRUE"
    if campuses is not None:
        scope_l = _scope(Where(campuses=campuses, email=email), params, "affiliated_campus",
                         "licenses")
        scope_r = "list_contains($scope::VARCHAR[], campus)"
    rows = store.query(
        # the distinct lists first (a few thousand at 100x), then their groups
        f"SELECT DISTINCT g FROM (SELECT unnest(p) AS g FROM (SELECT DISTINCT public_groups AS p "
        f"FROM licenses WHERE {scope_l}) "
        f"UNION SELECT value FROM reference_values WHERE kind = 'public_group' AND {scope_r}) "
        "WHERE g IS NOT NULL AND trim(g) <> '' ORDER BY g", params)
    return [r[0] for r in rows]


def data_version(store) -> tuple[int, int]:
    """A stamp that changes with every audited write (A4) and with request status changes:
    part of the dashboard's cache key, so no one sees numbers from before a change."""
    row = store.query_one(
        "SELECT (SELECT coalesce(max(audit_id), 0) FROM audit_log), "
        "(SELECT count(*) FROM request_status_history)")
    return int(row[0]), int(row[1])
