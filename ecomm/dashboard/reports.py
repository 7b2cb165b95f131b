"""Manager reports (A3 reads, A2 too): license counts against the fiscal year's baseline (B7),
active licenses per month (B1), net new per month and campus (P10, B6), and what each campus
is billed for the year, actual and projected (B2-B5, B8).

Campus here is the *invoice campus* (billing campus, else affiliated), as on invoices.
Decisions for cost (see docs/billing.md for the runs themselves):

- *Actual*: a stored invoice (latest revision, any status) when there is one; else, once the
  run's window has opened (July invoice: from July 1; January true-up: from January 1; June
  true-up: from June 1), the run computed from the license records as of the earlier of today
  and the run's month end (July 31, January 31, June 30); true-ups bill the net-new list as
  reviewed (B6).
- *Projected*: an approved or billed stored invoice as it is; else the run computed as above
  plus the pending and held provisioning requests it would take (as the forecast counts them,
  from the first day of their cycle's month), less the pending deprovisionings processed
  before it (C4, as the forecast counts them: off the July invoice, charged on a true-up
  through the month processed).
- Rates are the fiscal year's; a year without rates uses the latest earlier year's (said so).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

import pandas as pd

from ecomm import reference as ref
from ecomm.billing.fiscal import add_months, fiscal_year_of, fy_end, fy_months, fy_start
from ecomm.billing.forecast import rates_for, run_month
from ecomm.billing.proration import (ANNUAL, JANUARY, JUNE, KIND_LABEL, july_batch_end,
                                     true_up_window)
from ecomm.errors import AccessDenied, EcommError
from ecomm.identity import Identity
from ecomm.storage import billing_reads
from ecomm.storage import reports as reports_sql
from ecomm.storage.settings import load_policy

ZERO = Decimal("0.00")
KINDS = (ANNUAL, JANUARY, JUNE)
FINAL_STATUSES = ("approved", "billed")
YEARS_BACK = 4


def require_reader(identity: Identity | None) -> Identity:
    """A2/A3: the reports are for managers and the System team."""
    if identity is None or not identity.active:
        raise AccessDenied("Please sign in first.")
    if not (identity.is_manager or identity.is_system):
        raise AccessDenied("A3: the reports are for managers and the CU System eComm team; "
                           "your campus's numbers are on the dashboard.")
    return identity


def fiscal_years(today: date) -> list[int]:
    """B1: the fiscal years to pick from, this one first."""
    fy = fiscal_year_of(today)
    return [fy - i for i in range(YEARS_BACK + 1)]


def report_day(fiscal_year: int, today: date) -> date:
    """B1: the day a year's report is counted on: today in the current year, June 30 of a
    past one."""
    if fiscal_year_of(today) == fiscal_year:
        return today
    if fiscal_year > fiscal_year_of(today):
        raise EcommError(f"FY{fiscal_year} has not started yet.")
    return fy_end(fiscal_year)


def clean_campuses(campuses: Sequence[str] | None) -> list[str] | None:
    """None or every campus: all; else the canonical names (unknown ones refused)."""
    if not campuses:
        return None
    out = []
    for c in campuses:
        name = ref.canonical_campus(c)
        if name is None:
            raise EcommError(f"'{c}' is not a campus.")
        out.append(name)
    return None if set(out) == set(ref.CAMPUSES) else sorted(set(out))


def baseline(store, identity: Identity, fiscal_year: int, as_of: date,
             campuses: Sequence[str] | None = None) -> pd.DataFrame:
    """B7: licenses per campus and application on ``as_of`` against the year's baseline."""
    require_reader(identity)
    return reports_sql.baseline_compare(store, fiscal_year, as_of, clean_campuses(campuses))


def month_days(fiscal_year: int, as_of: date) -> tuple[list[date], list[date]]:
    """B1: the year's months up to ``as_of``'s, each with the day it is counted on (its last
    day, or ``as_of`` in ``as_of``'s month)."""
    months, days = [], []
    for m in fy_months(fiscal_year):
        if m > as_of:
            break
        months.append(m)
        days.append(min(add_months(m, 1) - timedelta(days=1), as_of))
    return months, days


def active_per_month(store, identity: Identity, fiscal_year: int, as_of: date,
                     campuses: Sequence[str] | None = None, *, by_campus: bool = False
                     ) -> pd.DataFrame:
    """B1: active licenses per month of the year, per application and for any application
    (from provisioning and deprovisioning dates); per campus too when ``by_campus``."""
    require_reader(identity)
    months, days = month_days(fiscal_year, as_of)
    return reports_sql.active_by_month(store, months, days, clean_campuses(campuses),
                                       by_campus=by_campus)


def net_new(store, identity: Identity, fiscal_year: int, as_of: date,
            campuses: Sequence[str] | None = None) -> pd.DataFrame:
    """P10/B6: net-new applications provisioned this fiscal year up to ``as_of``, by month,
    campus and application."""
    require_reader(identity)
    return reports_sql.net_new_by_month(store, fy_start(fiscal_year),
                                        min(as_of, fy_end(fiscal_year)), clean_campuses(campuses))


@dataclass
class CostReport:
    """B2-B5, B8: per campus and run, actual and projected amounts (Decimal)."""

    fiscal_year: int
    as_of: date
    rates_from_fy: int
    frame: pd.DataFrame          # campus, run, actual, actual_source, projected, pending_requests
    notes: list[str] = field(default_factory=list)

    def totals(self) -> pd.DataFrame:
        """Per campus: the year's actual and projected totals."""
        rows = []
        for campus, part in self.frame.groupby("campus", sort=True):
            rows.append({"campus": campus,
                         "actual": sum((a for a in part["actual"] if a is not None), ZERO),
                         "projected": sum(part["projected"], ZERO)})
        return pd.DataFrame(rows, columns=["campus", "actual", "projected"])


RUN_END = {ANNUAL: lambda fy: july_batch_end(fy), JANUARY: lambda fy: date(fy, 1, 31),
           JUNE: lambda fy: fy_end(fy)}
RUN_OPENS = {ANNUAL: lambda fy: fy_start(fy), JANUARY: lambda fy: date(fy, 1, 1),
             JUNE: lambda fy: date(fy, 6, 1)}


def run_day(kind: str, fiscal_year: int, as_of: date) -> date:
    """The day a run is computed as of: the earlier of ``as_of`` and the run's month end."""
    return min(as_of, RUN_END[kind](fiscal_year))


def cost(store, identity: Identity, fiscal_year: int, as_of: date,
         campuses: Sequence[str] | None = None) -> CostReport:
    """B2-B5, B8: each campus's July invoice and true-ups of the year, actual and projected."""
    require_reader(identity)
    scope = clean_campuses(campuses)
    policy = load_policy(store)
    used_fy, rates = rates_for(fiscal_year, billing_reads.load_rates_by_fy(store))
    notes = []
    if used_fy != fiscal_year:
        notes.append(f"B2: FY{fiscal_year} has no rates yet; FY{used_fy}'s rates are assumed.")
    missing = sorted(set(policy.billable_applications) - set(rates))
    if missing:
        notes.append(f"B2: no monthly rate for {', '.join(missing)}: counted as 0 here; the "
                     "System team must set it before invoices are drafted.")
    stored = {(s["kind"], s["campus"], s["grp"]): s
              for s in reports_sql.stored_invoices(store, fiscal_year, scope)}
    common = dict(fy_start=fy_start(fiscal_year), fy_end=fy_end(fiscal_year), rates=dict(rates),
                  chatter_profile=ref.PROFILE_CHATTER_FREE, campuses=scope)
    rows = []
    for kind in KINDS:
        window = None if kind == ANNUAL else true_up_window(fiscal_year, kind)
        day = run_day(kind, fiscal_year, as_of)
        computed = {(c, g): (int(n), Decimal(a)) for c, g, n, a in reports_sql.charged_amounts(
            store, kind=kind, as_of=day, july_end=july_batch_end(fiscal_year), window=window,
            january_as_of=billing_reads.january_as_of(store, fiscal_year)   # B5
            if kind == "june" else None, **common)}
        pending = {(c, g): (set(ids), Decimal(a)) for c, g, ids, a in reports_sql.pending_amounts(
            store, kind=kind, july_first=date(fiscal_year - 1, 7, 1), window=window,
            default_month=add_months(as_of, 1), **common)}
        removals = {(c, g): (set(ids), Decimal(a)) for c, g, ids, a in reports_sql.deprovision_amounts(
            store, kind=kind, as_of=day, july_end=july_batch_end(fiscal_year), window=window,
            run_month=run_month(fiscal_year, kind), default_month=add_months(as_of, 1),
            **common)}
        opened = as_of >= RUN_OPENS[kind](fiscal_year)
        keys = set(computed) | set(pending) | {(c, g) for k, c, g in stored if k == kind}
        for campus in sorted({c for c, _ in keys}):
            rows.append(_cost_row(kind, campus, [k for k in keys if k[0] == campus], computed,
                                  pending, removals, stored, opened))
    frame = pd.DataFrame(rows, columns=["campus", "run", "kind", "actual", "actual_source",
                                        "projected", "pending_requests", "pending_deprovisions"])
    return CostReport(fiscal_year=fiscal_year, as_of=as_of, rates_from_fy=used_fy, frame=frame,
                      notes=notes)


def _cost_row(kind, campus, keys, computed, pending, removals, stored, opened) -> dict:
    actual: Decimal | None = ZERO if opened else None
    projected, sources, waiting, leaving = ZERO, set(), set(), set()
    for key in keys:
        inv = stored.get((kind, *key))
        calc = computed.get(key, (0, ZERO))[1]
        ids, extra = pending.get(key, (set(), ZERO))
        if inv is not None:
            actual = (actual or ZERO) + Decimal(inv["total"])
            sources.add(f"invoice {inv['status'].replace('_', ' ')}")
        elif opened:
            actual += calc
            sources.add("license records")
        if inv is not None and inv["status"] in FINAL_STATUSES:
            projected += Decimal(inv["total"])
        else:
            gone, less = removals.get(key, (set(), ZERO))
            projected += calc + extra + less
            waiting |= ids
            leaving |= gone
    return {"campus": campus, "run": KIND_LABEL[kind], "kind": kind, "actual": actual,
            "actual_source": ", ".join(sorted(sources)) if actual is not None else "not yet",
            "projected": projected, "pending_requests": len(waiting),
            "pending_deprovisions": len(leaving)}
