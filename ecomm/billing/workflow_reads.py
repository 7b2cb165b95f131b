"""B8/A1-A3 invoice reads: the invoices, their history, the run's spreadsheets and the forecast
a person may see. Specialists see their campus's invoices once sent for review (drafts are the
System team's); managers read everything.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ecomm.billing.forecast import ForecastRow
from ecomm.billing.proration import KIND_LABEL
from ecomm.billing.records import DRAFT, InvoiceEvent, InvoiceSummary, StoredInvoice
from ecomm.billing.run import forecast_as_of
from ecomm.billing.workbook import (workbook_bytes_of_frame, workbooks_of_frame,
                                    save_workbooks as write_workbook_files)
from ecomm.errors import AccessDenied, NotFound
from ecomm.identity import Identity
from ecomm.permissions import require_campus, visible_campuses
from ecomm.storage import billing_reads as reads
from ecomm.storage import invoice_reads as ir


# -- reads ----------------------------------------------------------------------------------
def _visible(who: Identity | None) -> list[str]:
    campuses = visible_campuses(who)
    if who is None or not who.active:
        raise AccessDenied("Please sign in first.")
    return campuses


def _seen(who: Identity, found: list, all_revisions: bool) -> list:
    """B8/A1: specialists see their campus's invoices once sent for review; the latest
    revision of each (fiscal year, kind, campus, group) unless ``all_revisions``."""
    if who.is_specialist:
        found = [i for i in found if i.status != DRAFT]
    if all_revisions:
        return found
    latest: dict[tuple, object] = {}
    for inv in found:
        if inv.key not in latest or inv.revision > latest[inv.key].revision:
            latest[inv.key] = inv
    return [i for i in found if latest[i.key] is i]


def list_invoices(store, who: Identity | None, *, fiscal_year: int | None = None,
                  kind: str | None = None, all_revisions: bool = False) -> list[StoredInvoice]:
    """B8/A1-A3: the latest revision of each invoice this person may see, with its lines
    (specialists: their campus, once sent for review); ``all_revisions`` lists every revision."""
    campuses = _visible(who)
    return _seen(who, ir.load_invoices(store, fiscal_year=fiscal_year, kind=kind,
                                       campuses=campuses, latest_only=False), all_revisions)


def list_summaries(store, who: Identity | None, *, fiscal_year: int | None = None,
                   kind: str | None = None) -> list[InvoiceSummary]:
    """B8/A1-A3: the invoices ``list_invoices`` gives, without their lines (number of lines and total)."""
    campuses = _visible(who)
    return _seen(who, reads.load_invoice_summaries(store, fiscal_year=fiscal_year, kind=kind,
                                                   campuses=campuses, latest_only=False), False)


def get_invoice(store, who: Identity | None, invoice_id: str) -> StoredInvoice:
    """B8/A1: one invoice with its lines, if this person may see it."""
    inv = ir.load_invoice(store, invoice_id)
    if inv is None or (who is not None and who.is_specialist and inv.status == DRAFT):
        raise NotFound(f"There is no invoice {invoice_id} for you to see.")
    require_campus(who, inv.campus)
    return inv


def history(store, who: Identity | None, invoice_id: str) -> list[InvoiceEvent]:
    """B8/A4: the invoice's steps (who, when, what), oldest first."""
    get_invoice(store, who, invoice_id)
    return ir.load_events(store, invoice_id)


def runs(store, who: Identity | None) -> list[tuple[int, str]]:
    """The (fiscal year, kind) runs with stored invoices, newest first."""
    _visible(who)
    return ir.invoice_runs(store)


def _sheets_of_run(store, who: Identity | None, fiscal_year: int, kind: str,
                   group: str | None = None) -> tuple[list[InvoiceSummary], pd.DataFrame]:
    """B4/B8: the invoices this person sees (``list_summaries``) as the spreadsheets' heads,
    and their lines in one frame straight from SQL (no model per line)."""
    heads = [s for s in list_summaries(store, who, fiscal_year=fiscal_year, kind=kind)
             if group is None or s.group == group]
    return heads, ir.invoice_lines_frame(store, [h.invoice_id for h in heads])


def workbooks(store, who: Identity | None, *, fiscal_year: int, kind: str) -> dict[str, bytes]:
    """B4: the run's two spreadsheets of the stored invoices this person may see (latest revisions)."""
    heads, lines = _sheets_of_run(store, who, fiscal_year, kind)
    return workbooks_of_frame(heads, lines, fiscal_year=fiscal_year, kind=kind)


def workbook_bytes(store, who: Identity | None, *, fiscal_year: int, kind: str,
                   group: str) -> bytes:
    """B4: one group's spreadsheet of the run (made when asked for, e.g. on a download click)."""
    heads, lines = _sheets_of_run(store, who, fiscal_year, kind, group)
    return workbook_bytes_of_frame(heads, lines, fiscal_year=fiscal_year, kind=kind, group=group)


def save_workbooks(store, who: Identity | None, out_dir: Path, *, fiscal_year: int,
                   kind: str) -> list[Path]:
    """B4: write the run's two spreadsheets of the stored invoices into ``out_dir``."""
    return write_workbook_files(workbooks(store, who, fiscal_year=fiscal_year, kind=kind),
                                Path(out_dir))


def forecast_for(store, who: Identity | None, as_of: date) -> list[ForecastRow]:
    """B4/B5: the next July invoice and true-up per campus if billed ``as_of`` (specialists: their campus)."""
    campuses = set(_visible(who))
    return [r for r in forecast_as_of(store, as_of) if r.campus in campuses]


def run_label(fiscal_year: int, kind: str) -> str:
    """'FY2027 January true-up'."""
    return f"FY{fiscal_year} {KIND_LABEL[kind]}"
