"""SQL reads for billing (B2, B4, B5, B7): rates, licenses with their application rows,
pending provisioning requests (forecast) and the fiscal-year baselines."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd

from ecomm import reference as ref
from ecomm.billing.forecast import PendingDeprovision, PendingProvision
from ecomm.billing.invoice import APP_COLUMNS, LICENSE_COLUMNS
from ecomm.billing.models import AppHolding, LicenseForBilling
from ecomm.billing.records import InvoiceSummary
from ecomm.errors import EcommError
from ecomm.storage.billing_writes import LINE_ROW_COLUMNS
from ecomm.storage.transfers import TRANSFER_FROM_SQL

INVOICE_CAMPUS_SQL = "coalesce(nullif(trim(l.billing_campus), ''), l.affiliated_campus)"


def load_rates(store, fiscal_year: int) -> dict[str, Decimal]:
    """B2: {application: monthly rate} for the fiscal year (only the rates that are set)."""
    rows = store.query("SELECT application, monthly_rate FROM rates WHERE fiscal_year = ?",
                       [fiscal_year])
    return {app: Decimal(rate) for app, rate in rows}


def load_rate_rows(store, fiscal_year: int) -> list[dict]:
    """B2: the year's rate rows with their demo flag, by application."""
    return store.query_dicts(
        "SELECT fiscal_year, application, monthly_rate, is_demo FROM rates "
        "WHERE fiscal_year = ? ORDER BY application", [fiscal_year])


def load_rates_by_fy(store) -> dict[int, dict[str, Decimal]]:
    """B2: every year's rates, {fiscal year: {application: monthly rate}} (for forecasts)."""
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for fy, app, rate in store.query("SELECT fiscal_year, application, monthly_rate FROM rates"):
        out[int(fy)][app] = Decimal(rate)
    return dict(out)


def _billing_rows(store, as_of: date, since: date | None,
                  campus: str | None) -> tuple[list[tuple], list[tuple]]:
    """B4/B5: (license rows in LICENSE_COLUMNS order, application rows in APP_COLUMNS order)."""
    where, params = "", []
    if campus is not None:
        where, params = f" AND {INVOICE_CAMPUS_SQL} = ?", [campus]
    licenses = store.query(
        "SELECT l.license_number, coalesce(nullif(trim(coalesce(c.first_name, '') || ' ' || "
        "coalesce(c.last_name, '')), ''), '(contact ' || l.contact_id || ' not found)'), "
        "l.affiliated_campus, l.billing_campus, "
        "coalesce(nullif(l.salesforce_profile, ''), 'Standard'), "
        "l.campus_speedtype, l.unit_speedtypes, l.replaces_license "
        "FROM licenses l LEFT JOIN contacts c ON c.contact_id = l.contact_id "
        "WHERE EXISTS (SELECT 1 FROM license_apps a WHERE a.license_number = l.license_number "
        "  AND a.provisioned_on <= ? AND (? IS NULL OR a.deprovisioned_on IS NULL "
        "  OR a.deprovisioned_on >= ?))" + where + " ORDER BY l.license_number",
        [as_of, since, since, *params])
    apps = store.query(
        "SELECT a.license_number, a.application, a.provisioned_on, a.deprovisioned_on, "
        f"coalesce(a.net_new, false), false, {TRANSFER_FROM_SQL} "
        "FROM license_apps a JOIN licenses l ON l.license_number = a.license_number "
        "WHERE a.provisioned_on <= ? AND (? IS NULL OR a.deprovisioned_on IS NULL "
        "  OR a.deprovisioned_on >= ?)" + where +
        " ORDER BY a.license_number, a.provisioned_on, a.application",
        [as_of, since, since, *params])
    problems = [f"{n}: {app} was removed on {off}, before it was provisioned on {on}"
                for n, app, on, off, *_ in apps if off is not None and off < on]
    if problems:
        raise EcommError("Some license records cannot be billed until they are corrected.", problems)
    return licenses, apps


def load_billing_frames(store, as_of: date, *, since: date | None = None,
                        campus: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """B4/B5: the license and application frames billing computes a run from (see
    ``load_licenses_for_billing`` for ``since`` and ``campus``)."""
    licenses, apps = _billing_rows(store, as_of, since, campus)
    return (pd.DataFrame(licenses, columns=LICENSE_COLUMNS, dtype=object),
            pd.DataFrame(apps, columns=APP_COLUMNS, dtype=object))


def load_licenses_for_billing(store, as_of: date, *, since: date | None = None,
                              campus: str | None = None) -> list[LicenseForBilling]:
    """B4/B5: licenses with their application rows provisioned by ``as_of``.

    ``since`` leaves out rows removed before that day (e.g. the fiscal year's start);
    ``campus`` keeps the licenses invoiced to that campus (billing campus, else affiliated).
    """
    licenses, apps = _billing_rows(store, as_of, since, campus)
    by_license: dict[str, list[AppHolding]] = defaultdict(list)
    for number, app, on, off, net_new, _, source in apps:
        by_license[number].append(AppHolding(application=app, provisioned_on=on,
                                             deprovisioned_on=off, net_new=net_new,
                                             transfer_from=source))
    return [LicenseForBilling(**dict(zip(LICENSE_COLUMNS, row)), apps=by_license.get(row[0], []))
            for row in licenses]


def january_as_of(reader, fiscal_year: int) -> date | None:
    """B5: the as-of day of the stored January true-up (latest revisions; the latest day when
    campuses differ), or None when it was never drafted: the June true-up continues a seat
    only past what January billed."""
    return reader.query_value(
        "SELECT max(i.as_of) FROM invoices i WHERE i.fiscal_year = ? AND i.kind = 'january' "
        "AND i.revision = (SELECT max(revision) FROM invoices j WHERE j.fiscal_year = "
        "i.fiscal_year AND j.kind = i.kind AND j.campus = i.campus AND "
        "j.invoice_group = i.invoice_group)", [fiscal_year])


def load_invoice_summaries(reader, *, fiscal_year: int | None = None, kind: str | None = None,
                           campuses: list[str] | None = None,
                           latest_only: bool = True) -> list[InvoiceSummary]:
    """B8: invoices without their lines (head, number of lines, total), by run and campus, in
    the order of ``invoice_reads.load_invoices`` (run, campus, Salesforce with Marketing Cloud
    first, revision); ``latest_only``: the highest revision of each campus and group."""
    where, params = ["TRUE"], []
    for col, value in (("i.fiscal_year", fiscal_year), ("i.kind", kind)):
        if value is not None:
            where.append(f"{col} = ?")
            params.append(value)
    if campuses is not None:
        where.append("i.campus = ANY(?)")
        params.append(list(campuses))
    if latest_only:
        where.append("i.revision = (SELECT max(revision) FROM invoices j WHERE j.fiscal_year = "
                     "i.fiscal_year AND j.kind = i.kind AND j.campus = i.campus AND "
                     "j.invoice_group = i.invoice_group)")
    rows = reader.query_dicts(
        "SELECT i.invoice_id, i.fiscal_year, i.kind, i.campus, i.invoice_group AS \"group\", "
        "i.revision, i.corrects_invoice_id, i.status, i.as_of, i.campus_speedtype, "
        "i.other_campus_speedtypes, i.total, i.created_at, i.created_by, i.note, "
        "coalesce(n.lines, 0) AS line_count FROM invoices i LEFT JOIN (SELECT invoice_id, "
        "count(*) AS lines FROM invoice_lines GROUP BY invoice_id) n USING (invoice_id) "
        f"WHERE {' AND '.join(where)}", params)
    groups = list(ref.INVOICE_GROUPS)
    out = [InvoiceSummary(**{**r, "other_campus_speedtypes": list(r["other_campus_speedtypes"] or [])})
           for r in rows]
    return sorted(out, key=lambda i: (i.fiscal_year, i.kind, i.campus, groups.index(i.group),
                                      i.revision))


def stored_line_rows(reader, invoice_ids: list[str]) -> pd.DataFrame:
    """B8: stored lines as saved (JSON text included), to compare a run drafted again."""
    if not invoice_ids:
        return pd.DataFrame(columns=["invoice_id", *LINE_ROW_COLUMNS])
    rows = reader.query(
        f"SELECT invoice_id, {', '.join(LINE_ROW_COLUMNS)} FROM invoice_lines "
        "WHERE invoice_id = ANY(?) ORDER BY invoice_id, line_no", [list(invoice_ids)])
    return pd.DataFrame(rows, columns=["invoice_id", *LINE_ROW_COLUMNS], dtype=object)


def load_pending_provisions(store, *, default_month: date) -> list[PendingProvision]:
    """B4/B5 forecast: provisioning requests not yet processed (pending or held), each assumed
    provisioned on the first day of its cycle's month, else of ``default_month``."""
    rows = store.query_dicts(
        "SELECT request_id, coalesce(nullif(trim(billing_campus), ''), campus) AS campus, "
        "applications, replaces_license, salesforce_profile, cycle, transfer_apps FROM requests "
        "WHERE kind = 'provision' AND status IN ('pending', 'held') ORDER BY request_id")
    out = []
    fallback = default_month.replace(day=1)
    for r in rows:
        month = fallback
        cycle = (r.pop("cycle") or "").strip()
        if len(cycle) == 7 and cycle[4] == "-" and cycle[:4].isdigit() and cycle[5:].isdigit():
            month = date(int(cycle[:4]), int(cycle[5:]), 1)
        out.append(PendingProvision(
            request_id=r["request_id"], campus=r["campus"], applications=list(r["applications"] or []),
            replaces_license=r["replaces_license"],
            salesforce_profile=r["salesforce_profile"] or "Standard", provisioning_month=month,
            transfer_apps=None if r["transfer_apps"] is None else list(r["transfer_apps"])))
    return out


def load_pending_deprovisions(store, *, default_month: date) -> list[PendingDeprovision]:
    """C4 forecast: deprovisioning requests not yet processed (pending or held), each in the
    month of its cycle, else of ``default_month``; with the day Salesforce went at submission."""
    fallback = default_month.replace(day=1)
    out = []
    for r in store.query_dicts(
            "SELECT request_id, license_number, applications, cycle, salesforce_removed_on "
            "FROM requests WHERE kind = 'deprovision' AND status IN ('pending', 'held') "
            "AND license_number IS NOT NULL ORDER BY request_id"):
        cycle = (r["cycle"] or "").strip()
        month = fallback
        if len(cycle) == 7 and cycle[4] == "-" and cycle[:4].isdigit() and cycle[5:].isdigit():
            month = date(int(cycle[:4]), int(cycle[5:]), 1)
        out.append(PendingDeprovision(
            request_id=r["request_id"], license_number=r["license_number"],
            applications=list(r["applications"] or []), processing_month=month,
            salesforce_removed_on=r["salesforce_removed_on"]))
    return out


def load_baselines(store, fiscal_year: int) -> dict[tuple[str, str], int]:
    """B7: {(campus, application): license count} recorded at the start of the fiscal year."""
    rows = store.query("SELECT campus, application, license_count FROM baselines "
                       "WHERE fiscal_year = ?", [fiscal_year])
    return {(campus, app): int(n) for campus, app, n in rows}


def load_baseline_rows(store, fiscal_year: int) -> list[dict]:
    """B7: the year's baseline rows with who captured them, when and why."""
    return store.query_dicts(
        "SELECT fiscal_year, campus, application, license_count, captured_at, captured_by, reason "
        "FROM baselines WHERE fiscal_year = ? ORDER BY campus, application", [fiscal_year])


# B7 (rev 2): the application a license is counted under: Chatter Free apart from Salesforce
COUNTED_APP_SQL = (f"CASE WHEN a.application = '{ref.SALESFORCE}' AND lower(trim(coalesce("
                   f"l.salesforce_profile, ''))) = '{ref.PROFILE_CHATTER_FREE.lower()}' "
                   f"THEN '{ref.CHATTER_FREE_COUNT}' ELSE a.application END")


def current_counts(store, as_of: date) -> dict[tuple[str, str], int]:
    """B7: {(invoice campus, application): licenses holding it on ``as_of``}, Chatter Free
    counted apart from paid Salesforce (rev 2)."""
    rows = store.query(
        f"SELECT {INVOICE_CAMPUS_SQL} AS campus, {COUNTED_APP_SQL} AS application, "
        "count(DISTINCT a.license_number) "
        "FROM license_apps a JOIN licenses l ON l.license_number = a.license_number "
        "WHERE a.provisioned_on <= ? AND (a.deprovisioned_on IS NULL OR a.deprovisioned_on > ?) "
        "GROUP BY ALL", [as_of, as_of])
    return {(campus, app): int(n) for campus, app, n in rows}


def flagged_net_new_counts(store, start: date, as_of: date) -> dict[tuple[str, str], int]:
    """B7/B6 (rev 2): {(invoice campus, counted application): application rows flagged net new
    (as reviewed for the true-up of their window, else as flagged) provisioned from ``start``
    through ``as_of``}."""
    rows = store.query(
        f"SELECT {INVOICE_CAMPUS_SQL} AS campus, {COUNTED_APP_SQL} AS application, count(*) "
        "FROM license_apps a JOIN licenses l ON l.license_number = a.license_number "
        "LEFT JOIN net_new_reviews r ON r.license_number = a.license_number "
        "  AND r.application = a.application AND r.provisioned_on = a.provisioned_on "
        "  AND r.kind = CASE WHEN month(a.provisioned_on) BETWEEN 1 AND 6 THEN 'june' "
        "                    ELSE 'january' END "
        "  AND r.fiscal_year = year(a.provisioned_on) + CASE WHEN month(a.provisioned_on) >= 7 "
        "                                                   THEN 1 ELSE 0 END "
        "WHERE a.provisioned_on BETWEEN ? AND ? AND coalesce(r.net_new, a.net_new) "
        "GROUP BY ALL", [start, as_of])
    return {(campus, app): int(n) for campus, app, n in rows}
