"""Billing tables for the pages (B4-B8): invoices, lines, history, net-new candidates, baselines
and the forecast as pandas DataFrames, money formatted as dollars (exact Decimal to text)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

import pandas as pd

from ecomm import clock
from ecomm import reference as ref
from ecomm.billing.baseline import BaselineRow
from ecomm.billing.fiscal import fy_end, fy_start
from ecomm.billing.forecast import ForecastRow
from ecomm.billing.models import GROUP_LABEL
from ecomm.billing.proration import ANNUAL, JANUARY, JUNE, KIND_LABEL
from ecomm.billing.records import (STATUS_LABEL, InvoiceEvent, InvoiceSummary,
                                   NetNewCandidate, ReviewStatus, StoredInvoice)


def dollars(amount: Decimal | None) -> str:
    """'$1,234.50' (B2: money is shown in dollars and cents)."""
    if amount is None:
        return ""
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def default_as_of(fiscal_year: int, kind: str, today: date) -> date:
    """B1/B5: today, kept within the days the run may be drafted as of (its window over, in its
    year); B4 (rev 2): the July invoice defaults to July of its fiscal year (drafted in
    December, today would drop users who held a license until then)."""
    earliest = {ANNUAL: fy_start(fiscal_year), JANUARY: date(fiscal_year, 1, 1),
                JUNE: date(fiscal_year, 6, 1)}[kind]
    latest = date(fiscal_year - 1, 7, 31) if kind == ANNUAL else fy_end(fiscal_year)
    return min(max(today, earliest), latest)


def review_kind(today: date) -> str:
    """B6: the true-up whose net-new list is being reviewed: June's in June, else January's."""
    return JUNE if 2 <= today.month <= 6 else JANUARY


def _when(dt) -> str:
    return clock.format_datetime(dt) if dt is not None else ""


INVOICE_COLUMNS = ["invoice", "campus", "applications", "status", "revision", "as of", "lines",
                   "total", "campus billing speedtype", "corrects"]


def status_text(status: str, invoice_id: str, returned: Mapping[str, str] | None = None) -> str:
    """B8: the status as people read it: a draft returned by the campus (not drafted or sent
    again since) reads "Returned: <reason>"."""
    if returned and invoice_id in returned:
        return f"Returned: {returned[invoice_id] or 'no reason given'}"
    return STATUS_LABEL.get(status, status)


def invoices_frame(invoices: Iterable[InvoiceSummary],
                   returned: Mapping[str, str] | None = None) -> pd.DataFrame:
    """B8: one row per invoice: campus, group, status (returned drafts with their reason),
    revision, as of, lines and total."""
    return pd.DataFrame([{
        "invoice": i.invoice_id, "campus": i.campus, "applications": GROUP_LABEL[i.group],
        "status": status_text(i.status, i.invoice_id, returned), "revision": i.revision,
        "as of": i.as_of,
        "lines": i.line_count, "total": dollars(i.total),
        "campus billing speedtype": i.campus_speedtype or "",
        "corrects": i.corrects_invoice_id or ""} for i in invoices], columns=INVOICE_COLUMNS)


def lines_frame(inv: StoredInvoice) -> pd.DataFrame:
    """B4: the invoice's lines: license, user, licenses held, per application rate, months and
    amount, line total, the license's campus speedtype and unit speedtypes with percentages."""
    held = {c.application for ln in inv.lines for c in ln.charges}
    # applications billed at 0 until set (Apsona, Geopointe) show only when someone holds them
    apps = [a for a in ref.INVOICE_GROUPS[inv.group]
            if a in held or a in (ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT)]
    cols = ["license number", "user name", "licenses held"]
    for app in apps:
        cols += [f"{app} rate", f"{app} months", f"{app} amount"]
    cols += ["line total", "campus speedtype", "unit speedtypes", "notes"]
    rows = []
    for ln in inv.lines:
        row = {"license number": ln.license_number, "user name": ln.user_name,
               "licenses held": ln.licenses_held_text}
        for app in apps:
            charges = [c for c in ln.charges if c.application == app]
            row[f"{app} rate"] = dollars(charges[0].monthly_rate) if charges else ""
            row[f"{app} months"] = sum(c.months for c in charges) if charges else None
            row[f"{app} amount"] = (dollars(sum((c.amount for c in charges), Decimal(0)))
                                    if charges else "")
        row.update({"line total": dollars(ln.line_total),
                    "campus speedtype": ln.campus_speedtype or "",
                    "unit speedtypes": ln.unit_speedtypes_text,
                    "notes": "; ".join(dict.fromkeys(f"{c.application}: {c.note}"
                                                      for c in ln.charges if c.note))})
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def events_frame(events: Iterable[InvoiceEvent]) -> pd.DataFrame:
    """B8/A4: the invoice's steps: when, who, the status it reached and the note."""
    return pd.DataFrame([{"when": _when(e.happened_at), "who": e.actor,
                          "status": STATUS_LABEL.get(e.status, e.status), "note": e.note or ""}
                         for e in events], columns=["when", "who", "status", "note"])


def candidates_frame(cands: Iterable[NetNewCandidate]) -> pd.DataFrame:
    """B6: the campus's net-new list: flag set on provisioning, the review and its reason."""
    decision = {None: "not reviewed", "confirm": "confirmed", "correct": "corrected"}
    return pd.DataFrame([{
        "license number": c.license_number, "user name": c.user_name,
        "application": c.application, "provisioned": c.provisioned_on,
        "removed": c.deprovisioned_on, "replaces": c.replaces_license or "",
        "flagged net new": c.flagged_net_new, "net new (billed)": c.net_new,
        "review": decision[c.decision], "reason": c.reason or "",
        "reviewed by": c.reviewed_by or "", "reviewed at": _when(c.reviewed_at)} for c in cands],
        columns=["license number", "user name", "application", "provisioned", "removed",
                 "replaces", "flagged net new", "net new (billed)", "review", "reason",
                 "reviewed by", "reviewed at"])


def statuses_frame(statuses: Iterable[ReviewStatus]) -> pd.DataFrame:
    """B6: per campus: candidates, reviewed, corrected, captured by whom and when."""
    return pd.DataFrame([{
        "campus": s.campus, "candidates": s.candidates, "reviewed": s.reviewed,
        "corrected": s.corrected, "captured": s.captured, "captured by": s.captured_by or "",
        "captured at": _when(s.captured_at)} for s in statuses],
        columns=["campus", "candidates", "reviewed", "corrected", "captured", "captured by",
                 "captured at"])


def baseline_frame(rows: Iterable[BaselineRow], recorded: Iterable[dict]) -> pd.DataFrame:
    """B7: recorded counts at the year's start against today's, with who recorded them and why."""
    meta = {(r["campus"], r["application"]): r for r in recorded}
    return pd.DataFrame([{
        "campus": r.campus, "application": r.application, "recorded": r.baseline,
        "current": r.current, "change": r.difference,
        "recorded by": (meta.get((r.campus, r.application)) or {}).get("captured_by", ""),
        "reason": (meta.get((r.campus, r.application)) or {}).get("reason") or ""}
        for r in rows], columns=["campus", "application", "recorded", "current", "change",
                                  "recorded by", "reason"])


def forecast_frame(rows: Iterable[ForecastRow]) -> pd.DataFrame:
    """B4/B5: the next July invoice and true-up per campus and group, licenses, pending
    provisioning requests and pending deprovisionings (C4)."""
    return pd.DataFrame([{
        "invoice": f"FY{r.fiscal_year} {KIND_LABEL[r.kind]}", "campus": r.campus,
        "applications": GROUP_LABEL[r.group], "licenses": r.licenses,
        "billed now": dollars(r.current_amount), "pending requests": r.pending_requests,
        "pending": dollars(r.pending_amount),
        "pending deprovisionings": r.deprovision_requests,
        "deprovisioned": dollars(r.deprovision_amount), "total": dollars(r.total),
        "rates of": f"FY{r.rates_from_fy}" + ("" if r.rates_from_fy == r.fiscal_year
                                               else " (assumed)")} for r in rows],
        columns=["invoice", "campus", "applications", "licenses", "billed now",
                 "pending requests", "pending", "pending deprovisionings", "deprovisioned",
                 "total", "rates of"])


def forecast_by_campus(rows: Iterable[ForecastRow]) -> pd.DataFrame:
    """B4/B5: forecast totals per invoice and campus, split into billed now and pending (for a chart; dollars as numbers)."""
    out: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (f"FY{r.fiscal_year} {KIND_LABEL[r.kind]}", r.campus)
        agg = out.setdefault(key, {"invoice": key[0], "campus": key[1],
                                   "billed now": Decimal(0), "pending": Decimal(0),
                                   "deprovisioned": Decimal(0)})
        agg["billed now"] += r.current_amount
        agg["pending"] += r.pending_amount
        agg["deprovisioned"] += r.deprovision_amount
    cols = ["invoice", "campus", "billed now", "pending", "deprovisioned"]
    frame = pd.DataFrame(list(out.values()), columns=cols)
    for col in cols[2:]:
        frame[col] = frame[col].map(float)  # a chart's axis only; tables show exact dollars
    return frame


def growth_frame(rows) -> pd.DataFrame:
    """B7 (rev 2): per campus and application: July count, count now, growth, flagged net new,
    and the warning where flags and growth disagree."""
    return pd.DataFrame([{
        "campus": r.campus, "application": r.application, "July count": r.july,
        "count now": r.now, "growth": r.growth, "flagged net new since July": r.flagged,
        "warning": r.warning} for r in rows],
        columns=["campus", "application", "July count", "count now", "growth",
                 "flagged net new since July", "warning"])
