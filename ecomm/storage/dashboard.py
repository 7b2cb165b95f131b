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

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from ecomm import reference as ref
from ecomm.policy import Policy
from ecomm.storage import rule_sql as rule
from ecomm.storage.notifications import full_name_sql
from ecomm.storage.scope import named_specialist_sql

INVOICE_CAMPUS = "coalesce(nullif(trim({a}.billing_campus), ''), {a}.affiliated_campus)"
LOCAL_TS = "timezone('America/Denver', timezone('UTC', {col}))"


@dataclass(frozen=True)
class Where:
    """What a panel may show (``campuses``: None = every campus, A2/A3) and the filters picked."""

    campuses: tuple[str, ...] | None = None
    campus: str | None = None           # Campus Support | eComm Specialist (affiliated campus)
    billing_campus: str | None = None   # the campus invoiced (billing campus, else affiliated)
    public_group: str | None = None     # eComm Public Group
    # A1: with ``campuses``, licenses of any campus naming this email (lower case) as their
    # primary or an additional eComm specialist are in scope too (and the requests on them).
    email: str | None = None


def _scope(w: Where, params: dict[str, Any], campus_col: str, lic: str) -> str:
    """A1: the viewer's campuses, or a license naming them as primary or additional
    specialist (``scope.named_specialist_sql``)."""
    params["scope"] = list(w.campuses or ())
    own = f"list_contains($scope::VARCHAR[], {campus_col})"
    if not w.email:
        return own
    params["scope_email"] = w.email
    return f"({own} OR {named_specialist_sql(lic)})"


def license_where(w: Where, params: dict[str, Any], a: str = "l") -> str:
    """A1 scope (campuses, or naming the viewer as additional specialist) and the three
    filters on a license alias, as one WHERE fragment."""
    conds = ["TRUE"]
    if w.campuses is not None:
        conds.append(_scope(w, params, f"{a}.affiliated_campus", a))
    if w.campus:
        params["f_campus"] = w.campus
        conds.append(f"{a}.affiliated_campus = $f_campus")
    if w.billing_campus:
        params["f_billing"] = w.billing_campus
        conds.append(f"{INVOICE_CAMPUS.format(a=a)} = $f_billing")
    if w.public_group:
        params["f_group"] = w.public_group
        conds.append(f"list_contains(coalesce({a}.public_groups, []::VARCHAR[]), $f_group)")
    return " AND ".join(conds)


def request_where(w: Where, params: dict[str, Any], r: str = "r", l: str = "l") -> str:
    """A1 scope (the request's campus, P6, or its license naming the viewer as additional
    specialist) and the filters on a request joined to its license."""
    conds = ["TRUE"]
    if w.campuses is not None:
        conds.append(_scope(w, params, f"{r}.campus", l))
    if w.campus:
        params["f_campus"] = w.campus
        conds.append(f"{r}.campus = $f_campus")
    if w.billing_campus:
        params["f_billing"] = w.billing_campus
        conds.append(f"{request_billing_sql(r, l)} = $f_billing")
    if w.public_group:
        params["f_group"] = w.public_group
        conds.append(f"(list_contains(coalesce({r}.public_groups, []::VARCHAR[]), $f_group) "
                     f"OR list_contains(coalesce({l}.public_groups, []::VARCHAR[]), $f_group) "
                     f"OR {r}.new_public_group = $f_group)")
    return " AND ".join(conds)


def request_billing_sql(r: str = "r", l: str = "l") -> str:
    """P12: the request's billing campus, else its license's, else the request's campus."""
    return (f"coalesce(nullif(trim({r}.billing_campus), ''), nullif(trim({l}.billing_campus), ''), "
            f"{l}.affiliated_campus, {r}.campus)")


def _limit(params: dict[str, Any], limit: int | None) -> str:
    if limit is None:
        return ""
    params["limit"] = int(limit)
    return " LIMIT $limit"


def _run(store, sql: str, params: dict[str, Any], count_cols: tuple[str, ...]
         ) -> tuple[pd.DataFrame, dict[str, int]]:
    """The frame without its window-count columns, and those counts (0 when no row matched)."""
    frame = store.query_df(sql, params)
    counts = {c: _count(frame[c].iloc[0] if len(frame) else None, c) for c in count_cols}
    return frame.drop(columns=list(count_cols)).reset_index(drop=True), counts


def _count(value, name: str) -> Any:
    """A window count as int, a histogram (``by_...``) as {value: int}; nothing matched: 0, {}."""
    if name.startswith("by_"):  # a MAP: a dict from .df(), (key, value) pairs from Arrow
        return {k: int(v) for k, v in sorted(dict(value or {}).items())}
    if value is None:
        return 0
    return int(value)


def _app_flags(col: str) -> str:
    """One boolean column per application: is it in the list ``col``?"""
    return ", ".join(f"list_contains(coalesce({col}, []::VARCHAR[]), '{a}') AS \"{a}\""
                     for a in ref.APPLICATIONS)


def _joined(col: str) -> str:
    return f"array_to_string(coalesce({col}, []::VARCHAR[]), '; ')"


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


# -- every panel in one query: the scoped pass shared, the names read once ---------------------
PANEL_KEYS = ("provision", "held", "deprovision", "quiz", "idle", "courses", "leavers", "active")
_REQUEST_PANELS = {  # key: (kind, statuses, columns)
    "provision": ("provision", ("pending",), PROVISION_COLUMNS),
    "held": ("provision", ("held",), HELD_COLUMNS),
    "deprovision": ("deprovision", ("pending", "held"), DEPROVISION_COLUMNS),
}


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
