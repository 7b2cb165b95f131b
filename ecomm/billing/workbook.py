"""B4 spreadsheets: two workbooks per invoice run, one per invoice group.

``FY{year}-{kind}-{group}.xlsx``: a "Summary" sheet first, then a sheet per campus with the
invoice's header block, a frozen header row with an auto-filter over the lines, currency
formats on money, and totals written as values (never formulas).

Formula neutralisation: any text cell whose value starts with = + - @ (or a tab or carriage
return) gets a single quote ' prepended, so a spreadsheet program shows it as text and never
runs it as a formula (e.g. a user name "=HYPERLINK(...)" is written "'=HYPERLINK(...)").

Made from columns, not models: a run's invoice heads (``InvoiceHead``) and ONE lines frame
(``ecomm.storage.invoice_reads.invoice_lines_frame`` straight from SQL, or ``lines_frame`` from
``Invoice`` models) go through the one sheet writer (``workbook_of_frame``); a row holds what
``line_values`` lists for a line.

Modules: the layout (headings, header block, styles, widths, Summary sheet:
``workbook_layout``), a campus sheet (``workbook_campus``) and the lines' rows
(``xlsx_rows``, the one door to openpyxl's private row writer).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from ecomm import reference as ref
from ecomm.billing.models import GROUP_LABEL, Invoice
from ecomm.billing.proration import KIND_LABEL, KINDS
from ecomm.billing.records import InvoiceHead
from ecomm.billing.workbook_campus import write_campus_sheet
from ecomm.billing.workbook_layout import (  # noqa: F401 (the layout's names, as before)
    CURRENCY, DATE, EMPTY_SUMMARY, SUMMARY, WHOLE, _sheets, header_block, header_row_number,
    line_values, provisioned_text, safe_text, sheet_title, table_columns, write_summary_sheet)
from ecomm.errors import EcommError
from ecomm.storage.invoice_reads import LINE_APPS, LINE_FRAME_COLUMNS


def workbook_name(fiscal_year: int, kind: str, group: str) -> str:
    """B4: 'FY2027-january-salesforce_marketing_cloud.xlsx'."""
    return f"FY{fiscal_year}-{kind}-{group}.xlsx"


HEAD_FIELDS = [f for f in InvoiceHead.model_fields if f != "invoice_id"]


def lines_frame(invoices: list[Invoice]) -> tuple[list[InvoiceHead], pd.DataFrame]:
    """B4: invoice models as the spreadsheets' heads and ONE lines frame, the columns
    ``ecomm.storage.invoice_reads.invoice_lines_frame`` reads from the stored invoices."""
    heads, cols = [], {c: [] for c in LINE_FRAME_COLUMNS}
    for n, inv in enumerate(invoices):
        head = InvoiceHead(invoice_id=f"#{n}", **{f: getattr(inv, f) for f in HEAD_FIELDS})
        heads.append(head)
        for line in inv.lines:
            cols["invoice_id"].append(head.invoice_id)
            cols["license_number"].append(line.license_number)
            cols["user_name"].append(line.user_name)
            cols["licenses_held"].append(line.licenses_held_text)
            for app in LINE_APPS:
                mine = [c for c in line.charges if c.application == app]
                cols[f"rate:{app}"].append(str(mine[0].monthly_rate) if mine else None)
                cols[f"months:{app}"].append(sum(c.months for c in mine) if mine else None)
                cols[f"charged:{app}"].append(
                    " ".join(f"{c.monthly_rate}*{c.months}" for c in mine) if mine else None)
                cols[f"provisioned:{app}"].append(provisioned_text(mine))
            cols["line_total"].append(str(line.line_total))
            cols["campus_speedtype"].append(line.campus_speedtype or "")
            cols["unit_speedtypes"].append(line.unit_speedtypes)
            cols["notes"].append("; ".join(dict.fromkeys(
                f"{c.application}: {c.note}" for c in line.charges if c.note)))
    frame = pd.DataFrame({c: pd.Series(v, dtype="Int64" if c.startswith("months:") else "str")
                          for c, v in cols.items()})
    return heads, frame


def workbook_of_frame(heads: list[InvoiceHead], lines: pd.DataFrame, *, fiscal_year: int,
                      kind: str, group: str) -> Workbook:
    """B4: the workbook of one group from the run's invoice heads (latest revisions) and their
    lines frame: Summary, then one sheet per campus (sorted). The one sheet writer."""
    chosen = sorted((h for h in heads if h.group == group), key=lambda h: h.campus)
    sheets = _sheets(chosen, lines)
    wb = Workbook(write_only=True)   # rows streamed as they are appended (lxml when installed)
    write_summary_sheet(wb.create_sheet(SUMMARY), sheets, fiscal_year=fiscal_year, kind=kind,
                        group=group)
    taken = {SUMMARY.lower()}
    for sheet in sheets:
        write_campus_sheet(wb.create_sheet(sheet_title(sheet.head.campus, taken)), sheet)
    return wb


def workbook_bytes_of_frame(heads: list[InvoiceHead], lines: pd.DataFrame, *, fiscal_year: int,
                            kind: str, group: str) -> bytes:
    """B4: ``workbook_of_frame`` as xlsx bytes."""
    _check_run(heads, fiscal_year, kind)
    buf = io.BytesIO()
    workbook_of_frame(heads, lines, fiscal_year=fiscal_year, kind=kind, group=group).save(buf)
    return buf.getvalue()


def workbooks_of_frame(heads: list[InvoiceHead], lines: pd.DataFrame, *, fiscal_year: int,
                       kind: str) -> dict[str, bytes]:
    """B4: the run's two spreadsheets as {file name: xlsx bytes}, from heads and lines frame."""
    _check_run(heads, fiscal_year, kind)
    return {workbook_name(fiscal_year, kind, group):
            workbook_bytes_of_frame(heads, lines, fiscal_year=fiscal_year, kind=kind, group=group)
            for group in ref.INVOICE_GROUPS}


def build_workbook(invoices: list[Invoice], *, fiscal_year: int, kind: str, group: str) -> Workbook:
    """B4: the workbook of one group: Summary, then one sheet per campus (sorted)."""
    heads, lines = lines_frame([i for i in _latest(invoices) if i.group == group])
    return workbook_of_frame(heads, lines, fiscal_year=fiscal_year, kind=kind, group=group)


def _check_run(invoices: list[Any], fiscal_year: int, kind: str) -> None:
    if kind not in KINDS:
        raise EcommError(f"'{kind}' is not an invoice kind: use annual (July), january or june.")
    wrong = [i for i in invoices if i.fiscal_year != fiscal_year or i.kind != kind]
    if wrong:
        raise EcommError(
            f"The spreadsheets of the FY{fiscal_year} {KIND_LABEL[kind]} can hold only that run's invoices.",
            [f"{i.campus} {GROUP_LABEL[i.group]}: FY{i.fiscal_year} {KIND_LABEL[i.kind]}" for i in wrong])


def _latest(invoices: list[Invoice]) -> list[Invoice]:
    """One invoice per campus and group: the highest revision given."""
    best: dict[tuple, Invoice] = {}
    for inv in invoices:
        if inv.key not in best or inv.revision > best[inv.key].revision:
            best[inv.key] = inv
    return list(best.values())


def write_workbooks_bytes(invoices: list[Invoice], *, fiscal_year: int, kind: str) -> dict[str, bytes]:
    """B4: the run's two spreadsheets as {file name: xlsx bytes} (for download buttons)."""
    _check_run(invoices, fiscal_year, kind)
    heads, lines = lines_frame(_latest(invoices))
    return workbooks_of_frame(heads, lines, fiscal_year=fiscal_year, kind=kind)


def write_workbooks(invoices: list[Invoice], out_dir: Path, *, fiscal_year: int, kind: str) -> list[Path]:
    """B4: write the run's two spreadsheets into ``out_dir``; returns their paths."""
    return save_workbooks(write_workbooks_bytes(invoices, fiscal_year=fiscal_year, kind=kind),
                          out_dir)


def save_workbooks(books: dict[str, bytes], out_dir: Path) -> list[Path]:
    """B4: write {file name: xlsx bytes} into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in books.items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
