"""SQL writes for billing (B2, B6-B8): invoices with their lines and events, rates, baselines,
net-new reviews and captures. Every function takes the caller's transaction cursor
(``store.write``); the services record the audit entries (A4) in the same transaction."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from ecomm.billing.invoice import RunFrames
from ecomm.billing.models import Invoice


LINE_ROW_COLUMNS = ("line_no", "license_number", "user_name", "licenses_held", "charges",
                    "line_total", "unit_speedtypes", "campus_speedtype")


def line_rows(run: RunFrames) -> pd.DataFrame:
    """B4: the run's lines as stored (``invoice_lines``), keyed by campus and group: the
    licenses held and the charges as JSON text (one object per charge: application,
    monthly_rate, months, amount, provisioned_on, note; money as text), made column-wise."""
    c = run.charges
    js: dict = {None: "null"}

    def text(value: str | date | None) -> str:   # names, notes and days repeat: one dumps each
        if value not in js:
            js[value] = json.dumps(value.isoformat() if isinstance(value, date) else value)
        return js[value]

    objects = [f'{{"application": {text(a)}, "monthly_rate": "{r}", "months": {m}, '
               f'"amount": "{amount}", "provisioned_on": {text(on)}, "note": {text(n)}}}'
               for a, r, m, amount, on, n in zip(
                   c["application"], c["monthly_rate"], c["months"], c["amount"],
                   c["provisioned_on"], c["note"])]
    per_line: list[str] = []
    keys = list(zip(c["campus"], c["group"], c["line_no"]))
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[start]:
            per_line.append("[" + ", ".join(objects[start:k]) + "]")
            start = k
    held: dict[tuple, str] = {}
    for h in map(tuple, run.lines["licenses_held"]):
        if h not in held:
            held[h] = json.dumps(list(h))
    ln = run.lines
    held_js = [held[tuple(h)] for h in ln["licenses_held"]]
    return pd.DataFrame({
        "campus": ln["campus"], "group": ln["group"], "line_no": ln["line_no"],
        "license_number": ln["license_number"], "user_name": ln["user_name"],
        "licenses_held": held_js, "charges": per_line,
        "line_total": [str(t) for t in ln["line_total"]],
        "unit_speedtypes": ln["unit_speedtypes"], "campus_speedtype": ln["campus_speedtype"],
    }, dtype=object)


# -- invoices --------------------------------------------------------------------------------
def insert_invoice(cur, invoice_id: str, inv: Invoice, *, total: Decimal, created_at: datetime,
                   created_by: str, note: str | None = None) -> None:
    """B8: a new invoice row (any revision); its lines go in with ``insert_line_rows``."""
    cur.execute(
        "INSERT INTO invoices (invoice_id, fiscal_year, kind, campus, invoice_group, revision, "
        "corrects_invoice_id, status, as_of, campus_speedtype, other_campus_speedtypes, total, "
        "created_at, created_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [invoice_id, inv.fiscal_year, inv.kind, inv.campus, inv.group, inv.revision,
         inv.corrects_invoice_id, inv.status, inv.as_of, inv.campus_speedtype,
         list(inv.other_campus_speedtypes), total, created_at, created_by, note])


def insert_line_rows(cur, rows: pd.DataFrame) -> None:
    """B4: invoice lines (``line_rows`` with an ``invoice_id`` column) in one bulk insert."""
    if rows.empty:
        return
    frame = rows[["invoice_id", *LINE_ROW_COLUMNS]].astype(object)
    cur.register("incoming_invoice_lines", frame)
    try:
        cur.execute(
            "INSERT INTO invoice_lines (invoice_id, line_no, license_number, user_name, "
            "licenses_held, charges, line_total, unit_speedtypes, campus_speedtype) "
            "SELECT invoice_id, CAST(line_no AS INTEGER), license_number, user_name, "
            "licenses_held, charges, CAST(line_total AS DECIMAL(14, 2)), unit_speedtypes, "
            "campus_speedtype FROM incoming_invoice_lines")
    finally:
        cur.unregister("incoming_invoice_lines")


def replace_draft(cur, invoice_id: str, inv: Invoice, *, total: Decimal, created_at: datetime,
                  created_by: str) -> int:
    """B8: drafting again replaces a draft's head and removes its lines (the caller inserts
    the new ones); never an invoice in another status. Returns the number replaced (0 or 1)."""
    changed = cur.execute(
        "UPDATE invoices SET as_of = ?, campus_speedtype = ?, other_campus_speedtypes = ?, "
        "total = ?, created_at = ?, created_by = ? WHERE invoice_id = ? AND status = 'draft'",
        [inv.as_of, inv.campus_speedtype, list(inv.other_campus_speedtypes), total,
         created_at, created_by, invoice_id]).fetchone()[0]
    if changed:
        cur.execute("DELETE FROM invoice_lines WHERE invoice_id = ?", [invoice_id])
    return int(changed)


def delete_draft(cur, invoice_id: str) -> int:
    """B8: remove a draft (its campus has no lines any more); other statuses are never removed."""
    gone = cur.execute("DELETE FROM invoices WHERE invoice_id = ? AND status = 'draft'",
                       [invoice_id]).fetchone()[0]
    if gone:
        cur.execute("DELETE FROM invoice_lines WHERE invoice_id = ?", [invoice_id])
    return int(gone)


def set_status(cur, invoice_id: str, from_status: str, to_status: str) -> int:
    """B8: move an invoice from one status to the next; 0 when it was not in ``from_status``."""
    return int(cur.execute("UPDATE invoices SET status = ? WHERE invoice_id = ? AND status = ?",
                           [to_status, invoice_id, from_status]).fetchone()[0])


def add_event(cur, invoice_id: str, *, at: datetime, status: str, actor: str,
              note: str | None = None) -> None:
    """B8/A4: one workflow step of an invoice."""
    cur.execute("INSERT INTO invoice_events (invoice_id, happened_at, status, actor, note) "
                "VALUES (?, ?, ?, ?, ?)", [invoice_id, at, status, actor, note])


# -- rates and baselines (B2, B7) --------------------------------------------------------------
def upsert_rate(cur, fiscal_year: int, application: str, monthly_rate: Decimal,
                is_demo: bool) -> None:
    cur.execute(
        "INSERT INTO rates (fiscal_year, application, monthly_rate, is_demo) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (fiscal_year, application) DO UPDATE SET monthly_rate = excluded.monthly_rate, "
        "is_demo = excluded.is_demo", [fiscal_year, application, monthly_rate, is_demo])


def upsert_baseline(cur, fiscal_year: int, campus: str, application: str, count: int, *,
                    at: datetime, by: str, reason: str | None) -> None:
    cur.execute(
        "INSERT INTO baselines (fiscal_year, campus, application, license_count, captured_at, "
        "captured_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (fiscal_year, campus, application) DO UPDATE SET "
        "license_count = excluded.license_count, captured_at = excluded.captured_at, "
        "captured_by = excluded.captured_by, reason = excluded.reason",
        [fiscal_year, campus, application, count, at, by, reason])


# -- net-new reviews (B6) ----------------------------------------------------------------------
def upsert_review(cur, *, fiscal_year: int, kind: str, license_number: str, application: str,
                  provisioned_on: date, campus: str, decision: str, net_new: bool,
                  reason: str | None, by: str, at: datetime) -> None:
    cur.execute(
        "INSERT INTO net_new_reviews (fiscal_year, kind, license_number, application, "
        "provisioned_on, campus, decision, net_new, reason, reviewed_by, reviewed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (fiscal_year, kind, license_number, application, provisioned_on) DO UPDATE "
        "SET campus = excluded.campus, decision = excluded.decision, net_new = excluded.net_new, "
        "reason = excluded.reason, reviewed_by = excluded.reviewed_by, "
        "reviewed_at = excluded.reviewed_at",
        [fiscal_year, kind, license_number, application, provisioned_on, campus, decision,
         net_new, reason, by, at])


def insert_capture(cur, fiscal_year: int, kind: str, campus: str, *, at: datetime,
                   by: str) -> None:
    cur.execute("INSERT INTO net_new_captures (fiscal_year, kind, campus, captured_at, captured_by) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [fiscal_year, kind, campus, at, by])


def delete_capture(cur, fiscal_year: int, kind: str, campus: str) -> int:
    return int(cur.execute("DELETE FROM net_new_captures WHERE fiscal_year = ? AND kind = ? "
                           "AND campus = ?", [fiscal_year, kind, campus]).fetchone()[0])


def set_app_net_new(cur, license_number: str, application: str, provisioned_on,
                    net_new: bool) -> int:
    """B6 (rev 2): write a captured review decision onto the license's application row."""
    return cur.execute(
        "UPDATE license_apps SET net_new = ? WHERE license_number = ? AND application = ? "
        "AND provisioned_on = ? AND net_new IS DISTINCT FROM ? RETURNING 1",
        [net_new, license_number, application, provisioned_on, net_new]).fetchall().__len__()
