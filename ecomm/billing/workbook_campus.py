"""B4: one campus's sheet of an invoice: header block, frozen headings, filtered lines (written
from the lines' columns through ecomm.billing.xlsx_rows), totals as values and the amount per
unit speedtype."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pyarrow as pa
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from ecomm import reference as ref
from ecomm.billing.models import b4_unit_amounts, parse_unit_speedtypes, unit_text
from ecomm.billing.workbook_layout import (BOLD, CURRENCY, DATE, WHOLE, _counted_sum,
                                           _heading_cells, _money_columns, _months_columns,
                                           _Sheet, _styled, _Widths, _with, header_block,
                                           header_row_number, safe_text, table_columns,
                                           TRUE_UPS)
from ecomm.billing.xlsx_rows import (_arrow, _Column, _refuse_illegal, _rows_of, _series,
                                     _xml_safe)
from ecomm.gc_pause import gc_paused
from ecomm.safe_export import neutralise_column


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

