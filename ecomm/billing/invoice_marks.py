"""Marks on invoices that tell people what to do (issue 18): a draft returned by its campus
reads "Returned: <reason>" (B8), and an invoice billed with demo rates says so (B2)."""
from __future__ import annotations

from ecomm.billing.workflow import _visible
from ecomm.identity import Identity
from ecomm.storage import billing_reads as reads
from ecomm.storage import mywork as mw


def returned_reasons(store, who: Identity | None) -> dict[str, str]:
    """B8: invoice id -> the reason of each draft returned by its campus (or the System team)
    and not drafted or sent again since, for the invoices this person may read."""
    return {r["invoice_id"]: r["reason"] or "" for r in
            mw.returned_invoices(store, _visible(who))}


def demo_rates(store, fiscal_year: int) -> list[str]:
    """B2: the applications whose rate for the fiscal year is a demo rate (not a real one), so
    an invoice billed with them is marked."""
    return [r["application"] for r in reads.load_rate_rows(store, fiscal_year) if r["is_demo"]]


def demo_rates_note(store, fiscal_year: int) -> str | None:
    """'Demo rates: ...' for an invoice of ``fiscal_year``, or None when every rate is real."""
    apps = demo_rates(store, fiscal_year)
    if not apps:
        return None
    return (f"Demo rates: the FY{fiscal_year} rates of {', '.join(apps)} are the demo's, not "
            "real ones. Set the real rates (Billing > Fiscal year setup) and draft again before "
            "billing.")
