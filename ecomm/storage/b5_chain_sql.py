"""B5 (rev 2) in SQL: the SQL twin of ``ecomm.billing.chain.b5_true_up_charges`` (billing
follows the seat), for the reports that compute every campus's true-up in one query.

``b5_true_up_rows_sql`` is a query text over named parameters ($fy, $kind, $as_of, $jan_as_of,
$fy_end, $aug1, $w_start, $w_end, $jan_start, $jan_end) giving one row per charge:
license_number, application, provisioned_on (of the charged row), months.
tests/integration/test_b5_chain.py checks both give the same charges.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ecomm.billing.fiscal import fy_end as fy_last_day
from ecomm.billing.proration import JANUARY, JUNE, july_batch_end, true_up_window
from ecomm.storage.transfers import TRANSFER_FROM_SQL


def _mi(d: str) -> str:
    return f"(year({d}) * 12 + month({d}) - 1)"


def _end(day: str) -> str:
    """The seat's last billed month if this member is the latest holder seen on ``day``."""
    return (f"CASE WHEN m_off IS NULL OR m_off > {day} OR m_off >= $fy_end "
            f"THEN {_mi('$fy_end')} ELSE {_mi('m_off')} END")


def b5_true_up_rows_sql() -> str:
    """B5: the true-up's charges, one row per charged application row (see module doc)."""
    return f"""
        WITH RECURSIVE eff AS (
            SELECT a.license_number, a.application, a.provisioned_on, a.deprovisioned_on,
                   coalesce(nr.net_new, a.net_new, false) AS nn,
                   CASE WHEN NOT coalesce(nr.net_new, a.net_new, false)
                        THEN nullif(trim(coalesce(a.transfer_from, l.replaces_license, '')), '')
                   END AS src
            FROM license_apps a JOIN licenses l ON l.license_number = a.license_number
            LEFT JOIN net_new_reviews nr ON nr.fiscal_year = $fy AND nr.kind = $kind
                 AND nr.license_number = a.license_number AND nr.application = a.application
                 AND nr.provisioned_on = a.provisioned_on
            WHERE a.provisioned_on <= $as_of
        ), link AS (
            SELECT c.license_number, c.application, c.provisioned_on,
                   p.license_number AS p_lic, p.provisioned_on AS p_on
            FROM eff c JOIN eff p ON p.license_number = c.src
                 AND p.application = c.application AND p.provisioned_on <= c.provisioned_on
            WHERE c.src IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY c.license_number, c.application,
                                       c.provisioned_on ORDER BY p.provisioned_on DESC) = 1
        ), first_child AS (
            SELECT p_lic, application, p_on,
                   arg_min(license_number, (provisioned_on, license_number)) AS lic,
                   min(provisioned_on) AS c_on
            FROM link GROUP BY ALL
        ), chain AS (
            SELECT license_number AS r_lic, application AS app, provisioned_on AS r_on,
                   license_number AS m_lic, provisioned_on AS m_on,
                   deprovisioned_on AS m_off, 0 AS depth
            FROM eff WHERE nn AND provisioned_on > $july_end AND provisioned_on <= $fy_end
            UNION ALL
            SELECT ch.r_lic, ch.app, ch.r_on, f.lic, f.c_on, e.deprovisioned_on, ch.depth + 1
            FROM chain ch
            JOIN first_child f ON f.p_lic = ch.m_lic AND f.application = ch.app
                 AND f.p_on = ch.m_on
            JOIN eff e ON e.license_number = f.lic AND e.application = ch.app
                 AND e.provisioned_on = f.c_on
            WHERE ch.depth < 1000
        ), seat AS (
            SELECT r_lic, app, r_on,
                   arg_max({_end('$as_of')}, m_on) AS end_now,
                   arg_max({_end('$jan_as_of')}, m_on)
                       FILTER (WHERE m_on <= $jan_as_of) AS end_jan,
                   arg_min(m_lic, m_on) FILTER (WHERE m_on > $jan_as_of) AS next_lic,
                   min(m_on) FILTER (WHERE m_on > $jan_as_of) AS next_on
            FROM chain GROUP BY ALL
        )
        SELECT r_lic AS license_number, app AS application, r_on AS provisioned_on,
               greatest(0, end_now - {_mi('r_on')} + 1) AS months
        FROM seat WHERE r_on BETWEEN $w_start AND $w_end
        UNION ALL
        SELECT next_lic, app, next_on, end_now - end_jan
        FROM seat
        WHERE $kind = '{JUNE}' AND $jan_as_of IS NOT NULL
          AND r_on BETWEEN $jan_start AND $jan_end
          AND next_lic IS NOT NULL AND end_now - end_jan > 0"""


def b5_params(fy: int, kind: str, as_of: date, january_as_of: date | None) -> dict[str, Any]:
    """The named parameters of ``b5_true_up_rows_sql``."""
    w_start, w_end = true_up_window(fy, kind)
    jan_start, jan_end = true_up_window(fy, JANUARY)
    return {"fy": fy, "kind": kind, "as_of": as_of,
            "jan_as_of": january_as_of if kind == JUNE else None,
            "fy_end": fy_last_day(fy), "july_end": july_batch_end(fy),
            "w_start": w_start, "w_end": w_end, "jan_start": jan_start, "jan_end": jan_end}


def b5_true_up_charges_sql(store, fy: int, kind: str, as_of: date,
                           january_as_of: date | None = None) -> list[tuple]:
    """B5 (rev 2), SQL twin of ``b5_true_up_charges``: (license_number, application,
    provisioned_on, months) of every charge of the true-up, sorted."""
    sql = b5_true_up_rows_sql() + " ORDER BY 1, 2, 3"
    return [tuple(r) for r in store.query(sql, b5_params(fy, kind, as_of, january_as_of))]
