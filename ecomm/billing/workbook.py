"""B4 spreadsheets (issue 6 item 5): two workbooks per invoice run, one per invoice group.

``FY{year}-{kind}-{group}.xlsx``: a "Summary" sheet first, then a sheet per campus with the
invoice's header block, a frozen header row with an auto-filter over the lines, currency
formats on money, and totals written as values (never formulas).

Formula neutralisation: any text cell whose value starts with = + - @ (or a tab or carriage
return) gets a single quote ' prepended, so a spreadsheet program shows it as text and never
runs it as a formula (e.g. a user name "=HYPERLINK(...)" is written "'=HYPERLINK(...)").
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_label
from ecomm.billing.models import GROUP_LABEL, Invoice, InvoiceLine
from ecomm.billing.proration import KIND_LABEL, KINDS
from ecomm.errors import EcommError
from ecomm.safe_export import FORMULA_STARTS, neutralise  # noqa: F401 (the one neutraliser)

CURRENCY = '"$"#,##0.00'
WHOLE = "0"
DATE = "yyyy-mm-dd"
SUMMARY = "Summary"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
STATUS_LABEL = {"draft": "Draft", "in_review": "In review", "approved": "Approved", "billed": "Billed"}

FIXED_COLUMNS = ("License number", "User name", "Licenses held")
TAIL_COLUMNS = ("Line total", "License campus speedtype", "Unit speedtypes", "Notes")


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula by prepending a single quote
    (ecomm.safe_export, shared by every download)."""
    return neutralise(value)


def workbook_name(fiscal_year: int, kind: str, group: str) -> str:
    """B4: 'FY2027-january-salesforce_marketing_cloud.xlsx'."""
    return f"FY{fiscal_year}-{kind}-{group}.xlsx"


def table_columns(group: str) -> list[str]:
    """The campus sheet's column headings for an invoice group."""
    cols = list(FIXED_COLUMNS)
    for app in ref.INVOICE_GROUPS[group]:
        cols += [f"{app} monthly rate", f"{app} months", f"{app} amount"]
    return cols + list(TAIL_COLUMNS)


def header_block(inv: Invoice) -> list[tuple[str, Any]]:
    """The labelled values at the top of a campus sheet."""
    return [
        ("Campus", inv.campus),
        ("Fiscal year", fy_label(inv.fiscal_year)),
        ("Invoice", KIND_LABEL[inv.kind]),
        ("Applications", GROUP_LABEL[inv.group]),
        ("As of", inv.as_of),
        ("Campus billing speedtype", inv.campus_speedtype or "(none on the license records)"),
        ("Other campus speedtypes on records", "; ".join(inv.other_campus_speedtypes)),
        ("Status", STATUS_LABEL.get(inv.status, inv.status)),
        ("Revision", inv.revision),
        ("Corrects invoice", inv.corrects_invoice_id or ""),
    ]


def header_row_number(inv: Invoice) -> int:
    """Row of the table's column headings (one blank row below the header block)."""
    return len(header_block(inv)) + 2


def line_values(line: InvoiceLine, group: str) -> list[Any]:
    """One table row: identity, per-application rate/months/amount, total, speedtypes, notes."""
    values: list[Any] = [line.license_number, line.user_name, line.licenses_held_text]
    for app in ref.INVOICE_GROUPS[group]:
        charges = [c for c in line.charges if c.application == app]
        if charges:
            values += [charges[0].monthly_rate, sum(c.months for c in charges),
                       sum((c.amount for c in charges), Decimal(0))]
        else:
            values += [None, None, None]
    notes = "; ".join(dict.fromkeys(f"{c.application}: {c.note}" for c in line.charges if c.note))
    return values + [line.line_total, line.campus_speedtype or "", line.unit_speedtypes_text, notes]


def _money_columns(group: str) -> set[int]:
    cols = table_columns(group)
    return {i + 1 for i, c in enumerate(cols)
            if c.endswith("monthly rate") or c.endswith("amount") or c == "Line total"}


def _months_columns(group: str) -> set[int]:
    return {i + 1 for i, c in enumerate(table_columns(group)) if c.endswith(" months")}


def _write_row(ws: Worksheet, row: int, values: Iterable[Any]) -> None:
    for col, value in enumerate(values, start=1):
        ws.cell(row=row, column=col, value=safe_text(value))


def _style_heading(ws: Worksheet, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


class _Widths:
    """Readable column widths, measured from the values as they are written (one pass over the
    data, never over the sheet's cells: at 30,000 lines reading the cells back cost ~10 s):
    the longest value per column, headings (which wrap) by their longest word."""

    def __init__(self) -> None:
        self.widths: dict[int, int] = {}

    def add(self, values: Iterable[Any], *, wrap: bool = False, start: int = 1) -> None:
        widths = self.widths
        for col, value in enumerate(values, start=start):
            if value is None:
                continue
            text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
            if wrap:
                text = max(text.split(), key=len, default="")
            extra = 6 if isinstance(value, (int, float, Decimal)) else 2
            width = len(text) + extra
            if width > widths.get(col, 0):
                widths[col] = width

    def apply(self, ws: Worksheet, minimum: int = 10, maximum: int = 48) -> None:
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width))


def write_campus_sheet(ws: Worksheet, inv: Invoice) -> None:
    """B4: one campus's invoice: header block, frozen headings, filtered lines, totals as values."""
    widths = _Widths()
    for i, (label, value) in enumerate(header_block(inv), start=1):
        ws.cell(row=i, column=1, value=label).font = BOLD
        shown = safe_text(value) if value != "" else None
        cell = ws.cell(row=i, column=2, value=shown)
        if label == "As of":
            cell.number_format = DATE
        widths.add((label, shown))
    cols = table_columns(inv.group)
    head = header_row_number(inv)
    _write_row(ws, head, cols)
    _style_heading(ws, head, len(cols))
    widths.add(cols, wrap=True)
    money, months = sorted(_money_columns(inv.group)), sorted(_months_columns(inv.group))
    row = head
    for line in inv.lines:
        row += 1
        values = [safe_text(v) for v in line_values(line, inv.group)]
        ws.append(values)   # the row after the last one written: ``row``
        widths.add(values)
        for col in money:
            ws.cell(row=row, column=col).number_format = CURRENCY
        for col in months:
            ws.cell(row=row, column=col).number_format = WHOLE
    last_line_row = row
    total_row = row + 2
    ws.cell(row=total_row, column=1, value="Total").font = BOLD
    count = f"{len(inv.lines)} license(s)"
    ws.cell(row=total_row, column=2, value=count)
    widths.add(("Total", count))
    for col in money:
        heading = cols[col - 1]
        if heading.endswith(" amount"):
            app = heading.removesuffix(" amount")
            value = sum((c.amount for ln in inv.lines for c in ln.charges if c.application == app),
                        Decimal(0))
        elif heading == "Line total":
            value = inv.total
        else:
            continue
        cell = ws.cell(row=total_row, column=col, value=value)
        cell.number_format = CURRENCY
        cell.font = BOLD
        widths.add((value,), start=col)
    ws.freeze_panes = ws.cell(row=head + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{max(last_line_row, head)}"
    widths.apply(ws)


def write_summary_sheet(ws: Worksheet, invoices: list[Invoice], *, fiscal_year: int, kind: str,
                        group: str) -> None:
    """The first sheet: one row per campus invoice with its speedtype, status and total."""
    ws.cell(row=1, column=1,
            value=f"FY{fiscal_year} {KIND_LABEL[kind]}: {GROUP_LABEL[group]}").font = Font(bold=True, size=13)
    widths = _Widths()
    ws.cell(row=2, column=1, value="Fiscal year").font = BOLD
    ws.cell(row=2, column=2, value=fy_label(fiscal_year))
    ws.cell(row=3, column=1, value="Invoice").font = BOLD
    ws.cell(row=3, column=2, value=KIND_LABEL[kind])
    widths.add(("Fiscal year", fy_label(fiscal_year)))
    widths.add(("Invoice", KIND_LABEL[kind]))
    cols = ["Campus", "Campus billing speedtype", "Status", "Revision", "As of", "Licenses", "Total"]
    head = 5
    _write_row(ws, head, cols)
    _style_heading(ws, head, len(cols))
    widths.add(cols, wrap=True)
    row = head
    for inv in invoices:
        row += 1
        values = [inv.campus, inv.campus_speedtype or "", STATUS_LABEL.get(inv.status, inv.status),
                  inv.revision, inv.as_of, len(inv.lines), inv.total]
        _write_row(ws, row, values)
        widths.add(safe_text(v) for v in values)
        ws.cell(row=row, column=5).number_format = DATE
        ws.cell(row=row, column=7).number_format = CURRENCY
    if not invoices:
        row += 1
        ws.cell(row=row, column=1, value="No campus has lines on this invoice.")
        widths.add(("No campus has lines on this invoice.",))
    total_row = row + 2
    n_lines = sum(len(i.lines) for i in invoices)
    total = sum((i.total for i in invoices), Decimal("0.00"))
    ws.cell(row=total_row, column=1, value="Total").font = BOLD
    ws.cell(row=total_row, column=6, value=n_lines).font = BOLD
    widths.add(("Total", None, None, None, None, n_lines, total))
    cell = ws.cell(row=total_row, column=7, value=total)
    cell.number_format = CURRENCY
    cell.font = BOLD
    ws.freeze_panes = ws.cell(row=head + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{row}"
    widths.apply(ws)


def sheet_title(campus: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name (31 characters, none of []:*?/\\)."""
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in campus).strip("' ")[:31] or "Campus"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def build_workbook(invoices: list[Invoice], *, fiscal_year: int, kind: str, group: str) -> Workbook:
    """B4: the workbook of one group: Summary, then one sheet per campus (sorted)."""
    chosen = [i for i in _latest(invoices) if i.group == group]
    chosen.sort(key=lambda i: i.campus)
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY
    write_summary_sheet(summary, chosen, fiscal_year=fiscal_year, kind=kind, group=group)
    taken = {SUMMARY.lower()}
    for inv in chosen:
        write_campus_sheet(wb.create_sheet(sheet_title(inv.campus, taken)), inv)
    return wb


def _check_run(invoices: list[Invoice], fiscal_year: int, kind: str) -> None:
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
    out: dict[str, bytes] = {}
    for group in ref.INVOICE_GROUPS:
        buf = io.BytesIO()
        build_workbook(invoices, fiscal_year=fiscal_year, kind=kind, group=group).save(buf)
        out[workbook_name(fiscal_year, kind, group)] = buf.getvalue()
    return out


def write_workbooks(invoices: list[Invoice], out_dir: Path, *, fiscal_year: int, kind: str) -> list[Path]:
    """B4: write the run's two spreadsheets into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in write_workbooks_bytes(invoices, fiscal_year=fiscal_year, kind=kind).items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
