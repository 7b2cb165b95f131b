"""B4 spreadsheets (issue 6 item 5): two workbooks per invoice run, one per invoice group.

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
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

if LXML:
    from lxml import etree

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_label
from ecomm.billing.models import (GROUP_LABEL, Invoice, InvoiceLine, b4_unit_amounts,
                                  parse_unit_speedtypes, unit_text)
from ecomm.billing.proration import ANNUAL, KIND_LABEL, KINDS, TRUE_UPS
from ecomm.billing.records import InvoiceHead
from ecomm.errors import EcommError
from ecomm.gc_pause import gc_paused
from ecomm.safe_export import neutralise, neutralise_column
from ecomm.storage.invoice_reads import LINE_APPS, LINE_FRAME_COLUMNS

CURRENCY = '"$"#,##0.00'
WHOLE = "0"
DATE = "yyyy-mm-dd"
SUMMARY = "Summary"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
STATUS_LABEL = {"draft": "Draft", "in_review": "In review", "approved": "Approved", "billed": "Billed"}

FIXED_COLUMNS = ("License number", "User name", "Licenses held")
TAIL_COLUMNS = ("Line total", "License campus speedtype", "Unit speedtypes", "Notes")
# issue 18: a true-up (TRUE_UPS) prorates the months from the day each application was
# provisioned (B5); its sheets show that day before the months, so the months can be checked


# issue 18: a specialist's workbook holds only invoices sent to their campus, so "no lines"
# must not be claimed while a draft is still with the System team
EMPTY_SUMMARY = ("No invoice of this group here: no campus has lines, or none has been sent "
                 "for review yet.")


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula by prepending a single quote
    (ecomm.safe_export, shared by every download)."""
    return neutralise(value)


def workbook_name(fiscal_year: int, kind: str, group: str) -> str:
    """B4: 'FY2027-january-salesforce_marketing_cloud.xlsx'."""
    return f"FY{fiscal_year}-{kind}-{group}.xlsx"


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


# --- The invoice lines' cells, made from columns ------------------------------------------
# openpyxl spends ~10 microseconds per cell (binding, styling and serialising each one); the
# 100x July invoice has ~3 million. The lines are therefore one frame of columns (read from
# SQL: ecomm.storage.invoice_reads.invoice_lines_frame; or made from models: ``lines_frame``)
# and each column's cells are made at once: text by Arrow's string kernels, numbers (few
# distinct values) once per distinct value. The rows' XML text goes into the sheet's file as it
# is (lxml parses it only when some text is not XML at all, to refuse it as before): the same
# elements openpyxl writes for these values (inline strings, numbers, style ids taken from
# openpyxl), checked equal to openpyxl's own output in tests/unit/test_workbook_bulk.py.

_CHUNK = 5000
_TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
_SIMPLE = "(?s)^[A-Za-z0-9](?:.*[A-Za-z0-9])?$"   # no edge spaces, no error code (RE2)
_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"   # openpyxl's ILLEGAL_CHARACTERS_RE (RE2)
_NOT_XML = "[\ufffe\uffff]"   # characters XML 1.0 cannot hold at all


def _xml_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _inner_xml(value: Any, style: str, checker: WriteOnlyCell) -> str | None:
    """A cell's XML after ``<c r="A1"``, as openpyxl writes it (None: no cell at all)."""
    if value is None:
        return f'{style} t="n"/>' if style else None
    if isinstance(value, str):
        value = checker.check_string(value)   # openpyxl's own check: length, illegal characters
        if value == "":
            return f'{style} t="inlineStr"/>'
        if value in ERROR_CODES:
            return f'{style} t="e"><v>{_xml_text(value)}</v></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{style} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'{style} t="b"><v>{safe_string(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'{style} t="n"><v>{safe_string(value)}</v></c>'
    raise TypeError(f"an invoice line holds a {type(value).__name__}, which the workbook cannot write")


def _value_width(value: Any) -> int:
    """``_Widths``' measure of one value."""
    if isinstance(value, str):
        return len(value) + 2
    text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
    return len(text) + (6 if isinstance(value, (int, float, Decimal)) else 2)


def _arrow(values: pd.Series | pa.Array | list) -> pa.Array:
    """Text as one Arrow string array (pandas' Arrow-backed text is not copied)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    if isinstance(values, pd.Series):
        values = values.array
    out = pa.array(values, type=pa.string(), from_pandas=True)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _series(values: pa.Array) -> pd.Series:
    return _arrow(values).to_pandas(types_mapper={pa.string(): _TEXT}.get)


def _per_distinct(values: pd.Series | pa.Array, make: Callable[[Any], str | None]) -> pa.Array:
    """``make`` of each value, called once per distinct value (missing values stay missing)."""
    if isinstance(values, pd.Series) and not (isinstance(values.dtype, pd.StringDtype)
                                              or values.dtype == object):
        array = pa.array(values.astype(object).where(values.notna(), None))  # integers
    else:
        array = pa.array(values, from_pandas=True) if isinstance(values, pd.Series) else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.dictionary_encode()
    made = _arrow([None if v is None else make(v) for v in encoded.dictionary.to_pylist()])
    return made.take(encoded.indices)


class _Column:
    """One column of the lines: its cells' XML after ``<c r="A1"`` (null: no cell), its width
    (``_Widths``' measure, 0 when empty) and, for writers without lxml, its values."""

    def __init__(self, inner: pa.Array, width: int, values: Callable[[], list[Any]]) -> None:
        self.inner, self.width, self.values = inner, width, values

    @classmethod
    def text(cls, values: pd.Series | pa.Array, style: str, checker: WriteOnlyCell) -> "_Column":
        """Text (missing values: no cell), already neutralised. The usual text (starting and
        ending with a letter or digit, not too long) is escaped in bulk; any other value goes
        through ``_inner_xml`` once per distinct value."""
        text = _arrow(values)
        lengths = pc.utf8_length(text)
        longest = pc.max(lengths).as_py()
        simple = pc.fill_null(pc.and_(pc.match_substring_regex(text, _SIMPLE),
                                      pc.less_equal(lengths, 32767)), False)
        escaped = text
        for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
            escaped = pc.replace_substring(escaped, old, new)
        inner = pc.binary_join_element_wise(f'{style} t="inlineStr"><is><t>', escaped,
                                            "</t></is></c>", "")
        if pc.all(simple).as_py() is False:
            others = _per_distinct(pc.if_else(simple, pa.scalar(None, pa.string()), text),
                                   lambda v: _inner_xml(v, style, checker))
            inner = pc.if_else(simple, inner, others)
        return cls(inner, 0 if longest is None else longest + 2, text.to_pylist)

    @classmethod
    def numbers(cls, values: pd.Series | pa.Array, convert: Callable[[Any], Any], style: str,
                checker: WriteOnlyCell) -> "_Column":
        """Numbers (missing values: an empty styled cell), as ``convert`` makes them from the
        frame's values (e.g. Decimal from text), once per distinct value."""
        made: dict[Any, Any] = {}

        def cell(value: Any) -> str | None:
            made[value] = convert(value)
            return _inner_xml(made[value], style, checker)

        inner = _per_distinct(values, cell)
        if inner.null_count:
            inner = inner.fill_null(_inner_xml(None, style, checker))
        width = max((_value_width(v) for v in made.values()), default=0)
        plain = values.to_pylist() if isinstance(values, pa.Array) else [
            None if pd.isna(v) else v for v in values]
        return cls(inner, width, lambda: [None if v is None else made[v] for v in plain])


def _refuse_illegal(texts: list[pd.Series | pa.Array], checker: WriteOnlyCell) -> None:
    """openpyxl refuses characters a workbook cannot hold: so do we, naming the first such value
    (rows in order, columns left to right)."""
    texts = [_arrow(t) for t in texts]
    found = [pc.index(pc.fill_null(pc.match_substring_regex(t, _ILLEGAL), False), True).as_py()
             for t in texts]
    rows = [r for r in found if r >= 0]
    if rows:
        first = min(rows)
        for t in texts:
            v = t[first].as_py()
            if isinstance(v, str):
                checker.check_string(v)


def _xml_safe(texts: list[pd.Series | pa.Array]) -> bool:
    """No text XML 1.0 cannot hold at all (U+FFFE, U+FFFF): the rows may be
    written as text; otherwise lxml parses them (and refuses them, as before)."""
    return not any(pc.any(pc.match_substring_regex(_arrow(t), _NOT_XML)).as_py() for t in texts)


class _Rows:
    """The rows of a write-only sheet, written in order: ``append`` a row of values or cells
    (openpyxl's own row writer), ``bulk`` the lines' rows from their columns.

    openpyxl's ``WriteOnlyWorksheet.append`` sends each row through a generator to the same
    ``write_row``; this does what that generator does (``_write_rows``, openpyxl 3.1) so that
    bulk rows can go into the same ``sheetData`` element. Bulk rows are made as XML text; with
    ``as_text`` they go into the sheet's file as they are (a marker comment is written in their
    place and replaced when the sheet is closed: ``_rows_of``), else lxml parses them."""

    def __init__(self, ws: Any, xf: Any) -> None:
        self.ws, self.xf, self.row = ws, xf, 1
        self.pending: dict[bytes, list[str]] = {}

    def append(self, values: list[Any]) -> None:
        self.ws._writer.write_row(self.xf, self.ws._values_to_row(values, self.row), self.row)
        self.row += 1

    def bulk(self, columns: list[_Column], n: int, styles: dict[int, WriteOnlyCell], *,
             as_text: bool = True) -> None:
        """``n`` rows, column i's cells from ``columns[i]`` (styled as ``styles[i]``)."""
        if n == 0:
            return
        if not LXML:   # openpyxl writes with et_xmlfile: row by row
            values = [c.values() for c in columns]
            for r in range(n):
                row: list[Any] = []
                for i, col in enumerate(values):
                    if i in styles:
                        styles[i].value = col[r]
                        row.append(styles[i])
                    else:
                        row.append(col[r])
                self.append(row)
            return
        numbers = pa.array(np.arange(self.row, self.row + n).astype(str), type=pa.string())
        parts: list[Any] = ['<row r="', numbers, '">']
        for i, col in enumerate(columns):
            cell = pc.binary_join_element_wise('<c r="', get_column_letter(i + 1), numbers, '"',
                                               col.inner, "")
            parts.append(pc.fill_null(cell, ""))
        parts.append("</row>")
        rows = pc.binary_join_element_wise(*parts, "").to_pylist()
        self.row += n
        if as_text:
            marker = f"ecomm-bulk-rows-{len(self.pending)}-{id(self)}"
            self.xf.write(etree.Comment(marker))
            self.pending[f"<!--{marker}-->".encode()] = rows
            return
        for at in range(0, n, _CHUNK):
            xml = f"<sheetData>{''.join(rows[at:at + _CHUNK])}</sheetData>".encode()
            for el in etree.fromstring(xml):
                self.xf.write(el)

    def splice(self, path: str) -> None:
        """Put the bulk rows written as text in place of their markers in the sheet's file."""
        if not self.pending:
            return
        with open(path, "rb") as f:
            xml = f.read()
        with open(path, "wb") as f:
            for marker, rows in self.pending.items():
                before, xml = xml.split(marker, 1)
                f.write(before)
                for at in range(0, len(rows), _CHUNK):
                    f.write("".join(rows[at:at + _CHUNK]).encode())
            f.write(xml)
        self.pending.clear()


@contextmanager
def _rows_of(ws: Any) -> Iterator[_Rows]:
    """Write a write-only sheet's rows (set widths, frozen panes and the filter before): the
    sheet is closed after them (``save`` then only zips it)."""
    ws._get_writer()
    xf = ws._writer.xf.send(True)
    with xf.element("sheetData"):
        rows = _Rows(ws, xf)
        yield rows
    ws._writer.xf.send(None)
    ws._rows = (row for row in ())   # rows written: ``close`` only writes the tail
    ws.close()
    rows.splice(ws._writer.out)


# --- One invoice's sheet from its head and its lines' columns -----------------------------------
def _unit_columns(units: pa.Array, totals: pa.Array) -> tuple[pa.Array, dict[str, Decimal]]:
    """B4 (rev 2): each line's unit speedtypes with their amounts, and the sheet's amount per
    unit speedtype ('' = lines with no unit speedtype: the campus billing speedtype's own)."""
    cache: dict[tuple[str, Any], tuple[str, list]] = {}
    texts: list[str] = []
    per: dict[str, Decimal] = {}
    for u, t in zip(units.to_pylist(), totals.to_pylist()):
        key = (u or "", t)
        if key not in cache:
            total = Decimal(str(t))
            shares = parse_unit_speedtypes(u)
            cache[key] = (unit_text(u, total) if u else "",
                          list(zip([x.speedtype for x in shares], b4_unit_amounts(total, shares)))
                          if shares else [("", total)])
        text, amounts = cache[key]
        texts.append(text)
        for code, amount in amounts:
            per[code] = per.get(code, Decimal(0)) + (amount or Decimal(0))
    return pa.array(texts, type=pa.string()), per


def _amount(charged: str) -> Decimal:
    """An application's amount on a line: the sum of its charges' rate x months ('29.00*12 ...')."""
    total = Decimal(0)
    for one in charged.split(" "):
        rate, months = one.split("*")
        total += Decimal(rate) * int(months)
    return total


def _counted_sum(values: pa.Array, convert: Callable[[Any], Decimal], start: Decimal) -> Decimal:
    """The exact sum of a column's values (as ``convert`` makes them), distinct value by value."""
    total = start
    for found in pc.value_counts(values).to_pylist():
        if found["values"] is not None:
            total += convert(found["values"]) * found["counts"]
    return total


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


def write_campus_sheet(ws: Any, sheet: _Sheet) -> None:
    """B4: one campus's invoice: header block, frozen headings, filtered lines, totals as values.

    ``ws`` is a write-only sheet (``Workbook(write_only=True)``): widths and frozen panes are
    set before the rows are streamed, the auto-filter after."""
    with gc_paused():
        _write_campus_sheet(ws, sheet)


def _write_campus_sheet(ws: Any, sheet: _Sheet) -> None:
    inv = sheet.head
    widths = _Widths()
    date_cell = _styled(ws, number_format=DATE)
    top: list[list[Any]] = []
    for label, value in header_block(inv):
        shown = safe_text(value) if value != "" else None
        top.append([_with(_styled(ws, font=BOLD), label),
                    _with(date_cell, shown) if label == "As of" else shown])
        widths.add((label, shown))
    top.append([])
    cols = table_columns(inv.group, inv.kind)
    head = header_row_number(inv)
    widths.add(cols, wrap=True)
    money = sorted(_money_columns(inv.group, inv.kind))
    months = sorted(_months_columns(inv.group, inv.kind))
    styles = {col - 1: _styled(ws, number_format=CURRENCY) for col in money}
    styles.update({col - 1: _styled(ws, number_format=WHOLE) for col in months})
    style_of = {i: f' s="{c.style_id}"' for i, c in styles.items()}
    checker = WriteOnlyCell(ws)

    units, per_unit = _unit_columns(sheet.column("unit_speedtypes"), sheet.column("line_total"))
    texts = {name: _arrow(neutralise_column(_series(values))) for name, values in (
        ("license_number", sheet.column("license_number")),
        ("user_name", sheet.column("user_name")),
        ("licenses_held", sheet.column("licenses_held")),
        ("campus_speedtype", sheet.column("campus_speedtype")),
        ("unit_speedtypes", units), ("notes", sheet.column("notes")))}
    _refuse_illegal(list(texts.values()), checker)
    plan: list[tuple[str, str, Callable[[Any], Any] | None]] = [
        ("license_number", "text", None), ("user_name", "text", None),
        ("licenses_held", "text", None)]
    for app in ref.INVOICE_GROUPS[inv.group]:
        if inv.kind in TRUE_UPS:   # ISO days as text (no formula can start with a digit)
            plan.append((f"provisioned:{app}", "text", None))
            texts[f"provisioned:{app}"] = _arrow(sheet.column(f"provisioned:{app}"))
        plan += [(f"rate:{app}", "number", Decimal), (f"months:{app}", "number", int),
                 (f"charged:{app}", "number", _amount)]
    plan += [("line_total", "number", Decimal), ("campus_speedtype", "text", None),
             ("unit_speedtypes", "text", None), ("notes", "text", None)]
    columns = []
    for i, (name, what, convert) in enumerate(plan):
        style = style_of.get(i, "")
        if what == "text":
            columns.append(_Column.text(texts[name], style, checker))
        else:
            columns.append(_Column.numbers(sheet.column(name), convert, style, checker))
    for col, column in enumerate(columns, start=1):
        if column.width > widths.widths.get(col, 0):
            widths.widths[col] = column.width

    total_row: list[Any] = [_with(_styled(ws, font=BOLD), "Total"), f"{sheet.n_lines} license(s)"]
    widths.add(("Total", total_row[1]))
    total_row += [None] * (len(cols) - 2)
    for col in money:
        heading = cols[col - 1]
        if heading.endswith(" amount"):
            app = heading.removesuffix(" amount")
            value = _counted_sum(sheet.column(f"charged:{app}"), _amount, Decimal(0))
        elif heading == "Line total":
            value = sheet.total
        else:
            continue
        total_row[col - 1] = _with(_styled(ws, number_format=CURRENCY, font=BOLD), value)
        widths.add((value,), start=col)
    # B4 (rev 2): the amount per unit speedtype, for the campus's journal entries
    line_col = cols.index("Line total")
    unit_rows: list[list[Any]] = []
    if any(code for code in per_unit):
        unit_rows.append([_with(_styled(ws, font=BOLD),
                                "Per unit speedtype (for the campus's journal entries)")])
        for code in sorted(per_unit, key=lambda c: (c == "", c)):
            row: list[Any] = [safe_text(code) if code else "No unit speedtype (campus billing "
                              "speedtype)"] + [None] * (len(cols) - 1)
            row[line_col] = _with(_styled(ws, number_format=CURRENCY), per_unit[code])
            unit_rows.append(row)
    widths.apply(ws)
    ws.freeze_panes = f"A{head + 1}"
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{head + sheet.n_lines}"
    with _rows_of(ws) as out:
        for r in top:
            out.append(r)
        out.append(_heading_cells(ws, cols))
        out.bulk(columns, sheet.n_lines, styles, as_text=_xml_safe(list(texts.values())))
        out.append([])
        out.append(total_row)
        if unit_rows:
            out.append([])
            for r in unit_rows:
                out.append(r)


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
