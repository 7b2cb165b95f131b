"""Glue for the invoice run (B2-B5, B7): the storage reads fed to the plain billing functions.

Read-only and without permission checks: the invoice workflow service (B8) checks who may
draft (A2) and stores what it drafts; pages and the CLI call that service.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping

from ecomm.billing.baseline import BaselineRow, compare_baseline
from ecomm.billing.fiscal import fiscal_year_of, fy_start
from ecomm.months import month_start
from ecomm.billing.forecast import ForecastRow, forecast, next_true_up
from ecomm.billing.invoice import build_invoices, check_as_of
from ecomm.billing.models import Invoice
from ecomm.storage import billing_reads as reads
from ecomm.storage import invoice_reads as ir
from ecomm.storage.settings import load_policy


def draft_invoices(store, *, fiscal_year: int, kind: str, as_of: date,
                   campus_speedtypes: Mapping[str, str] | None = None) -> list[Invoice]:
    """B2-B5: the run's invoices computed from the database as of ``as_of`` (nothing is saved)."""
    check_as_of(fiscal_year, kind, as_of)
    licenses = reads.load_licenses_for_billing(store, as_of, since=fy_start(fiscal_year))
    return build_invoices(licenses, reads.load_rates(store, fiscal_year), load_policy(store),
                          fiscal_year=fiscal_year, kind=kind, as_of=as_of,
                          campus_speedtypes=campus_speedtypes)


def forecast_as_of(store, as_of: date) -> list[ForecastRow]:
    """B4/B5: next July invoice and next true-up per campus, counting pending provisioning and
    deprovisioning requests (C4) and the true-up's reviewed net-new list (B6)."""
    pending = reads.load_pending_provisions(store, default_month=month_start(as_of, 1))
    deprovisions = reads.load_pending_deprovisions(store, default_month=month_start(as_of, 1))
    fy, kind = next_true_up(as_of)
    reviews = {(fy, kind): ir.net_new_overrides(store, fy, kind)}   # B6
    return forecast(reads.load_billing_frames(store, as_of), pending,
                    reads.load_rates_by_fy(store), load_policy(store), as_of=as_of,
                    deprovisions=deprovisions, net_new_reviews=reviews)


def baseline_report(store, as_of: date) -> list[BaselineRow]:
    """B7: the fiscal year's recorded license counts against the counts held on ``as_of``."""
    return compare_baseline(reads.load_baselines(store, fiscal_year_of(as_of)),
                            reads.current_counts(store, as_of))
