"""B4 spreadsheets' layout: the column headings, a campus sheet's header block, cell styles,
readable column widths, the Summary sheet and sheet names (the campus sheet's lines:
ecomm.billing.workbook_campus; the workbooks: ecomm.billing.workbook)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_label
from ecomm.billing.models import GROUP_LABEL, Invoice, InvoiceLine
from ecomm.billing.proration import ANNUAL, KIND_LABEL, TRUE_UPS
from ecomm.billing.records import InvoiceHead
from ecomm.safe_export import neutralise


CURRENCY = '"$"#,##0.00'
WHOLE = "0"
DATE = "yyyy-mm-dd"
SUMMARY = "Summary"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
STATUS_LABEL = {"draft": "Draft", "in_review": "In review", "approved": "Approved", "billed": "Billed"}

FIXED_COLUMNS = ("License number", "User name", "Licenses held")
TAIL_COLUMNS = ("Line total", "License campus speedtype", "Unit speedtypes", "Notes")
# issue 18: a true-up prorates the months from the day each application was provisioned (B5);
# its sheets show that day before the months, so the months can be checked


# a specialist's workbook holds only invoices sent to their campus, so "no lines"
# must not be claimed while a draft is still with the System team
EMPTY_SUMMARY = ("No invoice of this group here: no campus has lines, or none has been sent "
                 "for review yet.")


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula by prepending a single quote
    (ecomm.safe_export, shared by every download)."""
    return neutralise(value)



def table_columns(group: str, kind: str = ANNUAL) -> list[str]:
    """The campus sheet's column headings for an invoice group (a true-up's with each
    application's "provisioned on" day before its rate and months)."""
    cols = list(FIXED_COLUMNS)
    for app in ref.INVOICE_GROUPS[group]:
        if kind in TRUE_UPS:
            cols.append(f"{app} provisioned on")
        cols += [f"{app} monthly rate", f"{app} months", f"{app} amount"]
    return cols + list(TAIL_COLUMNS)


def provisioned_text(charges: list) -> str | None:
    """The distinct days these charges were provisioned on, ``2026-10-01; 2027-02-01`` (None
    when none is recorded)."""
    days = sorted({c.provisioned_on.isoformat() for c in charges if c.provisioned_on})
    return "; ".join(days) or None


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


def line_values(line: InvoiceLine, group: str, kind: str = ANNUAL) -> list[Any]:
    """One table row: identity, per-application (provisioned on for a true-up) rate/months/
    amount, total, speedtypes, notes."""
    values: list[Any] = [line.license_number, line.user_name, line.licenses_held_text]
    for app in ref.INVOICE_GROUPS[group]:
        charges = [c for c in line.charges if c.application == app]
        if kind in TRUE_UPS:
            values.append(provisioned_text(charges))
        if charges:
            values += [charges[0].monthly_rate, sum(c.months for c in charges),
                       sum((c.amount for c in charges), Decimal(0))]
        else:
            values += [None, None, None]
    notes = "; ".join(dict.fromkeys(f"{c.application}: {c.note}" for c in line.charges if c.note))
    return values + [line.line_total, line.campus_speedtype or "", line.unit_speedtypes_text, notes]


def _money_columns(group: str, kind: str = ANNUAL) -> set[int]:
    cols = table_columns(group, kind)
    return {i + 1 for i, c in enumerate(cols)
            if c.endswith("monthly rate") or c.endswith("amount") or c == "Line total"}


def _months_columns(group: str, kind: str = ANNUAL) -> set[int]:
    return {i + 1 for i, c in enumerate(table_columns(group, kind)) if c.endswith(" months")}


def _styled(ws: Any, *, number_format: str | None = None, font: Font | None = None,
            fill: PatternFill | None = None, alignment: Alignment | None = None) -> WriteOnlyCell:
    """A write-only cell carrying a style; reused for every row of its column (openpyxl writes a
    row's cells as it is appended, so one styled cell per column serves every row)."""
    cell = WriteOnlyCell(ws)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _with(cell: WriteOnlyCell, value: Any) -> WriteOnlyCell:
    cell.value = value
    return cell


def _heading_cells(ws: Any, cols: list[str]) -> list[WriteOnlyCell]:
    wrap = Alignment(wrap_text=True, vertical="top")
    return [_with(_styled(ws, font=BOLD, fill=HEADER_FILL, alignment=wrap), safe_text(c)) for c in cols]


class _Widths:
    """Readable column widths, measured from the values before they are written (write-only
    sheets take their column widths before the first row; never read back from the cells):
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

    def apply(self, ws: Any, minimum: int = 10, maximum: int = 48) -> None:
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width))


def _counted_sum(values: pa.Array, convert: Callable[[Any], Decimal], start: Decimal) -> Decimal:
    """The exact sum of a column's values (as ``convert`` makes them), distinct value by value."""
    total = start
    for found in pc.value_counts(values).to_pylist():
        if found["values"] is not None:
            total += convert(found["values"]) * found["counts"]
    return total


@dataclass
class _Sheet:
    """A campus sheet's invoice: its head, its lines' columns, their count and total."""

    head: InvoiceHead
    lines: pa.Table
    n_lines: int
    total: Decimal

    def column(self, name: str) -> pa.Array:
        return self.lines.column(name).combine_chunks()


def _sheets(heads: list[InvoiceHead], lines: pd.DataFrame) -> list[_Sheet]:
    """Each head's lines (in order) as Arrow columns, their count and their total."""
    table = pa.Table.from_pandas(lines, preserve_index=False)
    ids = table.column("invoice_id")
    out = []
    for h in heads:
        mine = table.filter(pc.equal(ids, h.invoice_id))
        out.append(_Sheet(h, mine, mine.num_rows, _counted_sum(
            mine.column("line_total").combine_chunks(), Decimal, Decimal("0.00"))))
    return out


def write_summary_sheet(ws: Any, invoices: list[_Sheet], *, fiscal_year: int, kind: str,
                        group: str) -> None:
    """The first sheet: one row per campus invoice with its speedtype, status and total."""
    widths = _Widths()
    out: list[list[Any]] = [
        [_with(_styled(ws, font=Font(bold=True, size=13)),
               f"FY{fiscal_year} {KIND_LABEL[kind]}: {GROUP_LABEL[group]}")],
        [_with(_styled(ws, font=BOLD), "Fiscal year"), fy_label(fiscal_year)],
        [_with(_styled(ws, font=BOLD), "Invoice"), KIND_LABEL[kind]],
        [],
    ]
    widths.add(("Fiscal year", fy_label(fiscal_year)))
    widths.add(("Invoice", KIND_LABEL[kind]))
    cols = ["Campus", "Campus billing speedtype", "Status", "Revision", "As of", "Licenses", "Total"]
    head = 5
    out.append(_heading_cells(ws, cols))
    widths.add(cols, wrap=True)
    row = head
    for sheet in invoices:
        inv = sheet.head
        row += 1
        values = [safe_text(v) for v in (
            inv.campus, inv.campus_speedtype or "", STATUS_LABEL.get(inv.status, inv.status),
            inv.revision, inv.as_of, sheet.n_lines, sheet.total)]
        widths.add(values)
        values[4] = _with(_styled(ws, number_format=DATE), values[4])
        values[6] = _with(_styled(ws, number_format=CURRENCY), values[6])
        out.append(values)
    if not invoices:
        row += 1
        out.append([EMPTY_SUMMARY])
        widths.add((EMPTY_SUMMARY,))
    n_lines = sum(s.n_lines for s in invoices)
    total = sum((s.total for s in invoices), Decimal("0.00"))
    out.append([])
    out.append([_with(_styled(ws, font=BOLD), "Total"), None, None, None, None,
                _with(_styled(ws, font=BOLD), n_lines),
                _with(_styled(ws, number_format=CURRENCY, font=BOLD), total)])
    widths.add(("Total", None, None, None, None, n_lines, total))
    widths.apply(ws)
    ws.freeze_panes = f"A{head + 1}"
    for r in out:
        ws.append(r)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{row}"


def sheet_title(campus: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name (31 characters, none of []:*?/\\)."""
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in campus).strip("' ")[:31] or "Campus"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title

