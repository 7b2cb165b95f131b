"""SQL writes for billing (B2, B6-B8): invoices with their lines and events, rates, baselines,
net-new reviews and captures. Every function takes the caller's transaction cursor
(``store.write``); the services record the audit entries (A4) in the same transaction."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from ecomm.billing.models import Invoice, InvoiceLine


def _charges_json(line: InvoiceLine) -> str:
    return json.dumps([{
        "application": c.application, "monthly_rate": str(c.monthly_rate), "months": c.months,
        "amount": str(c.amount),
        "provisioned_on": c.provisioned_on.isoformat() if c.provisioned_on else None,
        "note": c.note} for c in line.charges])


# -- invoices --------------------------------------------------------------------------------
def insert_invoice(cur, invoice_id: str, inv: Invoice, *, created_at: datetime, created_by: str,
                   note: str | None = None) -> None:
    """B8: a new invoice row (any revision) and its lines."""
    cur.execute(
        "INSERT INTO invoices (invoice_id, fiscal_year, kind, campus, invoice_group, revision, "
        "corrects_invoice_id, status, as_of, campus_speedtype, other_campus_speedtypes, total, "
        "created_at, created_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [invoice_id, inv.fiscal_year, inv.kind, inv.campus, inv.group, inv.revision,
         inv.corrects_invoice_id, inv.status, inv.as_of, inv.campus_speedtype,
         list(inv.other_campus_speedtypes), inv.total, created_at, created_by, note])
    insert_lines(cur, invoice_id, inv.lines)


def insert_lines(cur, invoice_id: str, lines: list[InvoiceLine]) -> None:
    """B4: an invoice's lines in one bulk insert (a July invoice has one per license)."""
    if not lines:
        return
    frame = pd.DataFrame({
        "invoice_id": [invoice_id] * len(lines),
        "line_no": list(range(1, len(lines) + 1)),
        "license_number": [ln.license_number for ln in lines],
        "user_name": [ln.user_name for ln in lines],
        "licenses_held": [json.dumps(ln.licenses_held) for ln in lines],
        "charges": [_charges_json(ln) for ln in lines],
        "line_total": [str(ln.line_total) for ln in lines],
        "unit_speedtypes": [ln.unit_speedtypes for ln in lines],
        "campus_speedtype": [ln.campus_speedtype for ln in lines],
    }, dtype=object)
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


def replace_draft(cur, invoice_id: str, inv: Invoice, *, created_at: datetime,
                  created_by: str) -> int:
    """B8: drafting again replaces a draft's content (never an invoice in another status).
    Returns the number of invoices replaced (0 when it is no longer a draft)."""
    changed = cur.execute(
        "UPDATE invoices SET as_of = ?, campus_speedtype = ?, other_campus_speedtypes = ?, "
        "total = ?, created_at = ?, created_by = ? WHERE invoice_id = ? AND status = 'draft'",
        [inv.as_of, inv.campus_speedtype, list(inv.other_campus_speedtypes), inv.total,
         created_at, created_by, invoice_id]).fetchone()[0]
    if changed:
        cur.execute("DELETE FROM invoice_lines WHERE invoice_id = ?", [invoice_id])
        insert_lines(cur, invoice_id, inv.lines)
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
