"""SQL of the manager reports (B1, B4, B5, B7): counts against the fiscal year's baseline,
active licenses per month, net new per month and campus, and what each campus is billed.

Every report is by *invoice campus* (the license's billing campus, else its affiliated campus,
as invoices and B7 baselines are) and limited in the query to ``campuses`` (None = all).
The billing amounts are the rules of ``ecomm.billing`` (invoice.py, proration.py) computed in
SQL for all licenses at once; tests/integration/test_reports.py checks both agree.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Sequence

import pandas as pd

from ecomm import reference as ref
from ecomm.storage.b5_chain_sql import b5_params, b5_true_up_rows_sql
from ecomm.storage.billing_reads import COUNTED_APP_SQL

INVOICE_CAMPUS = "coalesce(nullif(trim(l.billing_campus), ''), l.affiliated_campus)"
HELD_ON = ("{a}.provisioned_on <= {d} AND ({a}.deprovisioned_on IS NULL "
           "OR {a}.deprovisioned_on > {d})")


# B6: an application's net-new flag as the specialists reviewed it for the true-up ($fy, $kind),
# else as flagged on provisioning; a true-up bills those provisioned in its window by $as_of.
REVIEWED_NET_NEW = """
            LEFT JOIN net_new_reviews nr ON nr.fiscal_year = $fy AND nr.kind = $kind
                 AND nr.license_number = a.license_number AND nr.application = a.application
                 AND nr.provisioned_on = a.provisioned_on"""
NET_NEW_IN_WINDOW = ("coalesce(nr.net_new, a.net_new) AND a.provisioned_on BETWEEN $w_start "
                     "AND $w_end AND a.provisioned_on <= $as_of")


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters the statement uses (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


def _campus_filter(campuses: Sequence[str] | None, params: dict[str, Any], col: str) -> str:
    if campuses is None:
        return "TRUE"
    params["campuses"] = list(campuses)
    return f"list_contains($campuses::VARCHAR[], {col})"


# -- B7: counts now against the fiscal year's baseline -------------------------------------------
def baseline_compare(store, fiscal_year: int, as_of: date,
                     campuses: Sequence[str] | None = None) -> pd.DataFrame:
    """B7: per campus and application, the count recorded for the year, the licenses holding
    it on ``as_of``, and the difference (None when nothing was recorded)."""
    params: dict[str, Any] = {"fy": fiscal_year, "as_of": as_of}
    cur_where = _campus_filter(campuses, params, INVOICE_CAMPUS)
    base_where = _campus_filter(campuses, params, "b.campus")
    sql = f"""
        WITH cur AS (
            SELECT {INVOICE_CAMPUS} AS campus, {COUNTED_APP_SQL} AS application,
                   count(DISTINCT a.license_number) AS current
            FROM license_apps a JOIN licenses l ON l.license_number = a.license_number
            WHERE {HELD_ON.format(a='a', d='$as_of')} AND {cur_where}
            GROUP BY ALL
        ), base AS (
            SELECT b.campus, b.application, b.license_count AS baseline
            FROM baselines b WHERE b.fiscal_year = $fy AND {base_where}
        )
        SELECT coalesce(cur.campus, base.campus) AS campus,
               coalesce(cur.application, base.application) AS application,
               base.baseline, coalesce(cur.current, 0) AS current,
               coalesce(cur.current, 0) - base.baseline AS difference
        FROM cur FULL OUTER JOIN base
          ON base.campus = cur.campus AND base.application = cur.application
        ORDER BY campus, application"""
    frame = store.query_df(sql, params)
    for col in ("baseline", "current", "difference"):
        frame[col] = frame[col].astype("Int64")
    return frame


# -- active licenses per month, net new per month --------------------------------------------------
def active_by_month(store, months: Sequence[date], days: Sequence[date],
                    campuses: Sequence[str] | None = None, *, by_campus: bool = False
                    ) -> pd.DataFrame:
    """B1: for each month (first day) the licenses holding each application on its ``day``
    (the month's last day, or today in the current month), and holding any application;
    per invoice campus when ``by_campus`` (else campus 'All').

    One pass over the application rows, no row per month: ``days`` rise, so the days a row
    is held on are a run of them, kept as bits of a mask (bit i: held on ``days[i]``). The
    masks are OR-ed per license and application, then per license (any application), and
    each bit is counted: a license is counted once however many rows it has."""
    n = len(days)
    if n == 0:
        return pd.DataFrame({"month": pd.Series(dtype="datetime64[us]"),
                             "day": pd.Series(dtype="datetime64[us]"),
                             "application": pd.Series(dtype=str),
                             "campus": pd.Series(dtype=str),
                             "licenses": pd.Series(dtype="int64")})
    if n > 62:
        raise ValueError("at most 62 days fit in a mask")
    params: dict[str, Any] = {"months": list(months), "days": list(days),
                              "first_day": days[0], "last_day": days[-1]}
    where = _campus_filter(campuses, params, INVOICE_CAMPUS)
    campus = INVOICE_CAMPUS if by_campus else "'All'"
    # the licenses table is read only for the campus (every application row has its license)
    join = ("JOIN licenses l ON l.license_number = a.license_number"
            if campuses is not None or by_campus else "")
    before = "CAST(len(list_filter($days::DATE[], lambda d: d < {c})) AS BIGINT)"
    bits = ", ".join(f"CAST(sum(CAST((m >> {i}) & 1 AS INTEGER)) AS BIGINT)" for i in range(n))
    sql = f"""
        WITH r AS (
            SELECT a.license_number, a.application, {campus} AS campus,
                   {before.format(c='a.provisioned_on')} AS lo,
                   CASE WHEN a.deprovisioned_on IS NULL THEN {n}
                        ELSE {before.format(c='a.deprovisioned_on')} END AS hi
            FROM license_apps a {join}
            WHERE a.provisioned_on <= $last_day
              AND (a.deprovisioned_on IS NULL OR a.deprovisioned_on > $first_day) AND {where}
        ), per_app AS MATERIALIZED (
            SELECT license_number, application, campus,
                   bit_or((1::BIGINT << hi) - (1::BIGINT << lo)) AS m
            FROM r WHERE hi > lo GROUP BY ALL
        ), per_license AS (
            SELECT license_number, campus, bit_or(m) AS m FROM per_app GROUP BY ALL
        ), counts AS (
            SELECT application, campus, [{bits}] AS c FROM per_app GROUP BY ALL
            UNION ALL
            SELECT 'Any application' AS application, campus, [{bits}] AS c
            FROM per_license GROUP BY ALL
        ), m AS (
            SELECT unnest($months::DATE[]) AS month, unnest($days::DATE[]) AS day,
                   unnest(range({n})) AS i
        )
        SELECT m.month, m.day, c.application, c.campus, c.c[m.i + 1] AS licenses
        FROM counts c CROSS JOIN m WHERE c.c[m.i + 1] > 0
        ORDER BY month, application, campus"""
    return store.query_df(sql, params)


def net_new_by_month(store, start: date, end: date,
                     campuses: Sequence[str] | None = None) -> pd.DataFrame:
    """P10/B6: net-new applications provisioned from ``start`` to ``end``, per month, campus
    and application (transfers are not net new)."""
    params: dict[str, Any] = {"start": start, "end": end}
    where = _campus_filter(campuses, params, INVOICE_CAMPUS)
    sql = f"""
        SELECT CAST(date_trunc('month', a.provisioned_on) AS DATE) AS month,
               {INVOICE_CAMPUS} AS campus, a.application,
               count(*) AS applications, count(DISTINCT a.license_number) AS licenses
        FROM license_apps a JOIN licenses l ON l.license_number = a.license_number
        WHERE a.net_new AND a.provisioned_on BETWEEN $start AND $end AND {where}
        GROUP BY ALL ORDER BY month, campus, application"""
    return store.query_df(sql, params)


# -- B2-B5: what each campus is billed ---------------------------------------------------------------
def _rates_cte(rates: dict[str, Decimal], params: dict[str, Any]) -> str:
    params["rate_apps"] = list(rates) or [""]
    params["rate_vals"] = [Decimal(v) for v in rates.values()] or [Decimal("0")]
    return ("rates AS (SELECT unnest($rate_apps::VARCHAR[]) AS application, "
            "unnest($rate_vals::DECIMAL(12, 2)[]) AS rate)")


def _group_case(col: str) -> str:
    """B4: the invoice group (spreadsheet) of an application."""
    whens = " ".join(f"WHEN list_contains({list(apps)!r}::VARCHAR[], {col}) THEN '{g}'"
                     for g, apps in ref.INVOICE_GROUPS.items())
    return f"CASE {whens} END"



def _charged_sql(key: str, rows: str, where: str) -> str:
    """B1-B3: each application row's charge (rate x months; Chatter Free pays no Salesforce)
    with its invoice campus and group, keyed by ``x.<key>``."""
    return f"""SELECT {INVOICE_CAMPUS} AS campus, x.{key},
                   {_group_case('x.application')} AS grp,
                   CASE WHEN x.application = '{ref.SALESFORCE}' AND lower(trim(coalesce(
                            l.salesforce_profile, ''))) = lower($chatter) THEN 0
                        ELSE coalesce(r.rate, 0) * x.months END AS amount
            FROM ({rows}) x JOIN licenses l ON l.license_number = x.license_number
            LEFT JOIN rates r ON r.application = x.application
            WHERE {where}"""

def _mi(d: str) -> str:
    """A running month number (fiscal.month_index)."""
    return f"(year({d}) * 12 + month({d}) - 1)"


def charged_amounts(store, *, kind: str, fy_start: date, fy_end: date, as_of: date,
                    july_end: date, window: tuple[date, date] | None,
                    rates: dict[str, Decimal], chatter_profile: str,
                    campuses: Sequence[str] | None = None,
                    january_as_of: date | None = None) -> list[tuple]:
    """B2-B5, B9: (campus, group, lines, amount) of the ``kind`` run as of ``as_of`` from the
    license records: the July invoice bills each application held on ``as_of`` and provisioned
    by ``july_end`` for 12 months; a true-up bills the net-new applications provisioned in
    ``window`` by ``as_of`` from their month through June (through the month of removal when
    removed by ``as_of``), net new as the specialists reviewed it (B6), else as flagged; a
    Chatter Free user's Salesforce is 0 (B3). Rev 2 (B5): a seat continued by transfers is
    billed once (``b5_true_up_rows_sql``; ``january_as_of``: the stored January true-up's
    as-of day, for June)."""
    params: dict[str, Any] = {"as_of": as_of, "fy_start": fy_start, "fy_end": fy_end,
                              "july_end": july_end, "chatter": chatter_profile}
    where = _campus_filter(campuses, params, INVOICE_CAMPUS)
    if kind == "annual":
        rows = f"""
            SELECT DISTINCT a.license_number, a.application, 12 AS months
            FROM license_apps a
            WHERE {HELD_ON.format(a='a', d='$as_of')} AND a.provisioned_on <= $july_end"""
    else:   # B5 (rev 2): billing follows the seat (ecomm.storage.b5_chain_sql)
        params.update(b5_params(fy_end.year, kind, as_of, january_as_of))
        rows = f"SELECT license_number, application, months FROM ({b5_true_up_rows_sql()})"
    sql = f"""
        WITH {_rates_cte(rates, params)},
        charged AS (
            {_charged_sql('license_number', rows, where)}
        )
        SELECT campus, grp, count(DISTINCT license_number) AS lines, sum(amount) AS amount
        FROM charged WHERE grp IS NOT NULL GROUP BY ALL ORDER BY campus, grp"""
    return store.query(sql, _used(sql, params))


def pending_amounts(store, *, kind: str, fy_start: date, fy_end: date, july_first: date,
                    window: tuple[date, date] | None, default_month: date,
                    rates: dict[str, Decimal], chatter_profile: str,
                    campuses: Sequence[str] | None = None) -> list[tuple]:
    """B4/B5 forecast: (campus, group, request ids, amount) the pending or held provisioning
    requests add to the ``kind`` run, each counted from the first day of its cycle's month
    (else ``default_month``); on the July invoice only when processed by ``july_first``, on
    a true-up only when net new (P10) and processed in its window."""
    params: dict[str, Any] = {"fy_start": fy_start, "fy_end": fy_end, "july_first": july_first,
                              "default_month": default_month, "chatter": chatter_profile}
    campus = "coalesce(nullif(trim(r.billing_campus), ''), r.campus)"
    where = _campus_filter(campuses, params, campus)
    month = ("CASE WHEN regexp_full_match(trim(coalesce(r.cycle, '')), '[0-9]{4}-[0-9]{2}') "
             "THEN CAST(trim(r.cycle) || '-01' AS DATE) ELSE $default_month END")
    if kind == "annual":
        keep, months = "p.month <= $july_first", "12"
    else:
        params["w_start"], params["w_end"] = window
        keep = "p.net_new AND p.month BETWEEN $w_start AND $w_end"
        months = f"greatest(0, {_mi('$fy_end')} - {_mi('greatest(p.month, $fy_start)')} + 1)"
    sql = f"""
        WITH {_rates_cte(rates, params)},
        p AS (
            SELECT DISTINCT r.request_id, {campus} AS campus, app.application,
                   {month} AS month,
                   CASE WHEN r.transfer_apps IS NULL   -- P10 (rev 2): per application
                        THEN nullif(trim(coalesce(r.replaces_license, '')), '') IS NULL
                        ELSE NOT list_contains(r.transfer_apps, app.application) END AS net_new,
                   lower(trim(coalesce(r.salesforce_profile, ''))) = lower($chatter) AS chatter_free
            FROM requests r, unnest(coalesce(r.applications, []::VARCHAR[])) AS app(application)
            WHERE r.kind = 'provision' AND r.status IN ('pending', 'held') AND {where}
        ), charged AS (
            SELECT p.campus, p.request_id, {_group_case('p.application')} AS grp,
                   CASE WHEN p.application = '{ref.SALESFORCE}' AND p.chatter_free THEN 0
                        ELSE coalesce(rt.rate, 0) * {months} END AS amount
            FROM p LEFT JOIN rates rt ON rt.application = p.application
            WHERE {keep}
        )
        SELECT campus, grp, list(DISTINCT request_id ORDER BY request_id) AS requests,
               sum(amount) AS amount
        FROM charged WHERE grp IS NOT NULL GROUP BY ALL ORDER BY campus, grp"""
    return store.query(sql, _used(sql, params))


def deprovision_amounts(store, *, kind: str, fy_start: date, fy_end: date, as_of: date,
                        july_end: date, window: tuple[date, date] | None, run_month: date,
                        default_month: date, rates: dict[str, Decimal], chatter_profile: str,
                        campuses: Sequence[str] | None = None) -> list[tuple]:
    """C4 forecast: (campus, group, request ids, amount) the pending or held deprovisioning
    requests processed by ``run_month`` (their cycle's month, else ``default_month``) change
    the ``kind`` run by (0 or less), as ecomm.billing.forecast counts them: an application
    removed in the July batch or before is off the July invoice; on a true-up it is charged
    through the month it is processed. Salesforce removed at submission is already closed on
    the license record (billed through that month) and is not counted again."""
    params: dict[str, Any] = {"as_of": as_of, "fy_start": fy_start, "fy_end": fy_end,
                              "july_end": july_end, "chatter": chatter_profile,
                              "run_month": run_month, "default_month": default_month}
    where = _campus_filter(campuses, params, INVOICE_CAMPUS)
    month = ("CASE WHEN regexp_full_match(trim(coalesce(r.cycle, '')), '[0-9]{4}-[0-9]{2}') "
             "THEN CAST(trim(r.cycle) || '-01' AS DATE) ELSE $default_month END")
    open_row = "(a.deprovisioned_on IS NULL OR a.deprovisioned_on > $as_of)"
    if kind == "annual":
        rows = f"""
            SELECT DISTINCT a.license_number, a.application, d.request_id,
                   -12 AS months
            FROM license_apps a JOIN d ON d.license_number = a.license_number
                 AND d.application = a.application
            WHERE {HELD_ON.format(a='a', d='$as_of')} AND a.provisioned_on <= $july_end"""
    else:
        params["w_start"], params["w_end"] = window
        params["fy"], params["kind"] = fy_end.year, kind
        removed = "(d.month + INTERVAL 1 MONTH - INTERVAL 1 DAY)"
        through_june = (f"greatest(0, {_mi('$fy_end')} - "
                        f"{_mi('greatest(a.provisioned_on, $fy_start)')} + 1)")
        rows = f"""
            SELECT a.license_number, a.application, d.request_id,
                   CASE WHEN {removed} >= $fy_end THEN 0
                        ELSE {_mi(f'greatest({removed}, a.provisioned_on)')}
                             - {_mi('a.provisioned_on')} + 1 - {through_june} END AS months
            FROM license_apps a JOIN d ON d.license_number = a.license_number
                 AND d.application = a.application {REVIEWED_NET_NEW}
            WHERE {NET_NEW_IN_WINDOW} AND {open_row}"""
    sql = f"""
        WITH {_rates_cte(rates, params)},
        d AS (
            SELECT license_number, application,
                   min(month) AS month, arg_min(request_id, (month, request_id)) AS request_id
            FROM (SELECT r.request_id, r.license_number, app.application, {month} AS month
                  FROM requests r,
                       unnest(coalesce(r.applications, []::VARCHAR[])) AS app(application)
                  WHERE r.kind = 'deprovision' AND r.status IN ('pending', 'held')
                    AND r.license_number IS NOT NULL
                    AND NOT (app.application = '{ref.SALESFORCE}'
                             AND r.salesforce_removed_on IS NOT NULL))
            WHERE month <= $run_month
            GROUP BY ALL
        ), changed AS (
            {_charged_sql('request_id', rows, where)}
        )
        SELECT campus, grp, list(DISTINCT request_id ORDER BY request_id) AS requests,
               sum(amount) AS amount
        FROM changed WHERE grp IS NOT NULL GROUP BY ALL ORDER BY campus, grp"""
    return store.query(sql, _used(sql, params))


def stored_invoices(store, fiscal_year: int, campuses: Sequence[str] | None = None) -> list[dict]:
    """B8: the latest revision of each stored invoice of the year (kind, campus, group)."""
    params: dict[str, Any] = {"fy": fiscal_year}
    where = _campus_filter(campuses, params, "campus")
    return store.query_dicts(
        f"SELECT kind, campus, invoice_group AS grp, status, revision, total FROM invoices "
        f"WHERE fiscal_year = $fy AND {where} "
        "QUALIFY row_number() OVER (PARTITION BY kind, campus, invoice_group "
        "ORDER BY revision DESC) = 1 ORDER BY kind, campus, grp", params)


def billable_applications_held(store, as_of: date) -> list[str]:
    """The applications held on ``as_of`` or requested in open requests (for rate checks)."""
    rows = store.query(
        f"SELECT DISTINCT application FROM license_apps a WHERE {HELD_ON.format(a='a', d='?')} "
        "UNION SELECT DISTINCT unnest(applications) FROM requests "
        "WHERE kind = 'provision' AND status IN ('pending', 'held')", [as_of, as_of])
    return sorted(r[0] for r in rows if r[0])
