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
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

if LXML:
    from lxml import etree

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_label
from ecomm.billing.models import GROUP_LABEL, Invoice, InvoiceLine
from ecomm.billing.proration import KIND_LABEL, KINDS
from ecomm.errors import EcommError
from ecomm.gc_pause import gc_paused
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

    def add_column(self, col: int, values: Iterable[Any]) -> None:
        """The same measure as ``add`` for many values of one column (the invoice lines)."""
        best = self.widths.get(col, 0)
        for value in values:
            if value is None:
                continue
            if isinstance(value, str):
                width = len(value) + 2
            else:
                text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
                width = len(text) + (6 if isinstance(value, (int, float, Decimal)) else 2)
            if width > best:
                best = width
        if best:
            self.widths[col] = best

    def apply(self, ws: Any, minimum: int = 10, maximum: int = 48) -> None:
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width))


# --- The invoice lines' XML, in bulk -------------------------------------------------------
# openpyxl spends ~10 microseconds per cell (binding, styling and serialising each one); the
# 100x July invoice has ~3 million. The lines' rows are therefore made as text, one template
# per row, parsed by lxml in chunks and streamed into openpyxl's write-only sheet writer: the
# same elements openpyxl writes for these values (inline strings, numbers, style ids taken from
# openpyxl), checked equal to openpyxl's own output in tests/unit/test_workbook_bulk.py.

_CHUNK = 2000


def _xml_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _cell_xml(ref_: str, value: Any, style: str, checker: WriteOnlyCell) -> str:
    if value is None:
        return f'<c r="{ref_}"{style} t="n"/>' if style else ""
    if isinstance(value, str):
        value = checker.check_string(value)   # openpyxl's own check: length, illegal characters
        if value == "":
            return f'<c r="{ref_}"{style} t="inlineStr"/>'
        if value in ERROR_CODES:
            return f'<c r="{ref_}"{style} t="e"><v>{_xml_text(value)}</v></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref_}"{style} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref_}"{style} t="b"><v>{safe_string(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref_}"{style} t="n"><v>{safe_string(value)}</v></c>'
    raise TypeError(f"an invoice line holds a {type(value).__name__}, which the workbook cannot write")


class _Rows:
    """The rows of a write-only sheet, written in order: ``append`` a row of values or cells
    (openpyxl's own row writer), ``bulk`` many rows of plain values styled per column.

    openpyxl's ``WriteOnlyWorksheet.append`` sends each row through a generator to the same
    ``write_row``; this does what that generator does (``_write_rows``, openpyxl 3.1) so that
    bulk rows can go into the same ``sheetData`` element."""

    def __init__(self, ws: Any, xf: Any) -> None:
        self.ws, self.xf, self.row = ws, xf, 1

    def append(self, values: list[Any]) -> None:
        self.ws._writer.write_row(self.xf, self.ws._values_to_row(values, self.row), self.row)
        self.row += 1

    def bulk(self, rows: list[list[Any]], styles: dict[int, WriteOnlyCell]) -> None:
        if not LXML:   # openpyxl writes with et_xmlfile: row by row
            for values in rows:
                for i, cell in styles.items():
                    cell.value = values[i]
                    values[i] = cell
                self.append(values)
            return
        ncols = max((len(r) for r in rows), default=0)
        letters = [get_column_letter(c) for c in range(1, ncols + 1)]
        style = [f' s="{styles[i].style_id}"' if i in styles else "" for i in range(ncols)]
        as_text = [f'{style[i]} t="inlineStr"><is><t>' for i in range(ncols)]
        as_number = [f'{style[i]} t="n"><v>' for i in range(ncols)]
        checker = WriteOnlyCell(self.ws)
        parts: list[str] = []
        for n, values in enumerate(rows, start=1):
            r = self.row
            cells = []
            for i, v in enumerate(values):
                t = type(v)
                if t is str and v and v == v.strip() and len(v) <= 32767 and v not in ERROR_CODES:
                    cells.append(f'<c r="{letters[i]}{r}"{as_text[i]}{_xml_text(v)}</t></is></c>')
                elif v is None:
                    if style[i]:
                        cells.append(f'<c r="{letters[i]}{r}"{style[i]} t="n"/>')
                elif t is int or (t is Decimal and v.is_finite()):
                    cells.append(f'<c r="{letters[i]}{r}"{as_number[i]}{"%.16g" % v}</v></c>')
                else:
                    cells.append(_cell_xml(f"{letters[i]}{r}", v, style[i], checker))
            row_xml = "".join(cells)
            if ILLEGAL_CHARACTERS_RE.search(row_xml):   # openpyxl refuses them: so do we
                for v in values:
                    if isinstance(v, str):
                        checker.check_string(v)
            parts.append(f'<row r="{r}">{row_xml}</row>')
            self.row += 1
            if n % _CHUNK == 0 or n == len(rows):
                xml = f"<sheetData>{''.join(parts)}</sheetData>".encode()
                for el in etree.fromstring(xml):
                    self.xf.write(el)
                parts.clear()


@contextmanager
def _rows_of(ws: Any) -> Iterator[_Rows]:
    """Write a write-only sheet's rows (set widths and frozen panes before, the filter after)."""
    ws._get_writer()
    xf = ws._writer.xf.send(True)
    with xf.element("sheetData"):
        yield _Rows(ws, xf)
    ws._writer.xf.send(None)
    ws._rows = (row for row in ())   # rows written: ``close`` (on save) only writes the tail


def write_campus_sheet(ws: Any, inv: Invoice) -> None:
    """B4: one campus's invoice: header block, frozen headings, filtered lines, totals as values.

    ``ws`` is a write-only sheet (``Workbook(write_only=True)``): widths and frozen panes are
    set before the rows are streamed, the auto-filter after."""
    with gc_paused():
        _write_campus_sheet(ws, inv)


def _write_campus_sheet(ws: Any, inv: Invoice) -> None:
    widths = _Widths()
    date_cell = _styled(ws, number_format=DATE)
    top: list[list[Any]] = []
    for label, value in header_block(inv):
        shown = safe_text(value) if value != "" else None
        top.append([_with(_styled(ws, font=BOLD), label),
                    _with(date_cell, shown) if label == "As of" else shown])
        widths.add((label, shown))
    top.append([])
    cols = table_columns(inv.group)
    head = header_row_number(inv)
    widths.add(cols, wrap=True)
    money, months = sorted(_money_columns(inv.group)), sorted(_months_columns(inv.group))
    rows = [[safe_text(v) for v in line_values(line, inv.group)] for line in inv.lines]
    for col in range(1, len(cols) + 1):
        widths.add_column(col, (r[col - 1] for r in rows))
    total_row: list[Any] = [_with(_styled(ws, font=BOLD), "Total"), f"{len(inv.lines)} license(s)"]
    widths.add(("Total", total_row[1]))
    total_row += [None] * (len(cols) - 2)
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
        total_row[col - 1] = _with(_styled(ws, number_format=CURRENCY, font=BOLD), value)
        widths.add((value,), start=col)
    widths.apply(ws)
    ws.freeze_panes = f"A{head + 1}"
    styles = {col - 1: _styled(ws, number_format=CURRENCY) for col in money}
    styles.update({col - 1: _styled(ws, number_format=WHOLE) for col in months})
    with _rows_of(ws) as out:
        for r in top:
            out.append(r)
        out.append(_heading_cells(ws, cols))
        out.bulk(rows, styles)
        out.append([])
        out.append(total_row)
    last_line_row = head + len(rows)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{max(last_line_row, head)}"


def write_summary_sheet(ws: Any, invoices: list[Invoice], *, fiscal_year: int, kind: str,
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
    for inv in invoices:
        row += 1
        values = [safe_text(v) for v in (
            inv.campus, inv.campus_speedtype or "", STATUS_LABEL.get(inv.status, inv.status),
            inv.revision, inv.as_of, len(inv.lines), inv.total)]
        widths.add(values)
        values[4] = _with(_styled(ws, number_format=DATE), values[4])
        values[6] = _with(_styled(ws, number_format=CURRENCY), values[6])
        out.append(values)
    if not invoices:
        row += 1
        out.append(["No campus has lines on this invoice."])
        widths.add(("No campus has lines on this invoice.",))
    n_lines = sum(len(i.lines) for i in invoices)
    total = sum((i.total for i in invoices), Decimal("0.00"))
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


def build_workbook(invoices: list[Invoice], *, fiscal_year: int, kind: str, group: str) -> Workbook:
    """B4: the workbook of one group: Summary, then one sheet per campus (sorted)."""
    chosen = [i for i in _latest(invoices) if i.group == group]
    chosen.sort(key=lambda i: i.campus)
    wb = Workbook(write_only=True)   # rows streamed as they are appended (lxml when installed)
    write_summary_sheet(wb.create_sheet(SUMMARY), chosen, fiscal_year=fiscal_year, kind=kind, group=group)
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
