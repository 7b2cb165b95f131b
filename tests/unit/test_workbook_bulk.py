"""B4 spreadsheets at scale: the invoice lines' rows written in bulk from columns
(ecomm.billing.xlsx_rows._Column, _Rows.bulk) are the very XML openpyxl writes for the same
values, cell by cell, styles included, whether the rows go in as text or through lxml."""
from __future__ import annotations

import gc
import io
import zipfile
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import IllegalCharacterError

from ecomm.billing.invoice import build_invoices
from ecomm.billing.workbook import write_workbooks_bytes
from ecomm.billing.workbook_layout import CURRENCY, WHOLE, _styled
from ecomm.billing.xlsx_rows import _Column, _refuse_illegal, _rows_of
from tests.unit.billing_factories import FY, POLICY, RATES, held, lic

LONG = "y" * 40_000   # openpyxl keeps the first 32,767 characters
TEXT = [  # one column per list, one row per item
    ["LN-0001", "LN-0002", "LN-0003", "LN-0004", "LN-0005", "LN-0006"],
    ["  Leading space", "Trailing\r\n", "'=HYPERLINK(\"x\")", "Ünïcödé naïve café", LONG, "]]>"],
    ["a & b <c> \"d\"", "#N/A", "", "Tab\tinside", None, "x\r\ny"],
]
NUMBERS = [  # (values as the frame holds them, how the cells' values are made, number format)
    (["29.00", None, "0", "1234567.891", "29.00", "1E+2"], Decimal, CURRENCY),
    ([12, None, 0, 3, 12, 7], int, WHOLE),
    (["348.00", None, "0.00", "-5.5", "348.00", "0.1"], Decimal, CURRENCY),
    (["2.5", "0.1", None, "1e-7", "3", "-0"], float, None),
]


def _values(rows: int = 6) -> list[list]:
    """The rows' values as openpyxl is given them, cell by cell."""
    cols = [list(c) for c in TEXT] + [[None if v is None else make(v) for v in values]
                                      for values, make, _ in NUMBERS]
    return [[c[r] for c in cols] for r in range(rows)]


def _columns(ws, checker, text=TEXT):
    cols, styles = [], {}
    for values in text:
        cols.append(_Column.text(pd.Series(values, dtype="str"), "", checker))
    for values, make, fmt in NUMBERS:
        style = ""
        if fmt is not None:
            styles[len(cols)] = _styled(ws, number_format=fmt)
            style = f' s="{styles[len(cols)].style_id}"'
        series = pd.Series(values, dtype="Int64" if make is int else "str")
        cols.append(_Column.numbers(series, make, style, checker))
    return cols, styles


def _sheet_xml(how: str, text=TEXT) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    if how == "openpyxl":
        ws.append(["heading"])
        for values in _values():
            row = list(values)
            for i, (_, _, fmt) in enumerate(NUMBERS, start=len(TEXT)):
                if fmt is not None:
                    cell = WriteOnlyCell(ws, value=row[i])
                    cell.number_format = fmt
                    row[i] = cell
            ws.append(row)
        ws.append(["after"])
    else:
        checker = WriteOnlyCell(ws)
        cols, styles = _columns(ws, checker, text)
        with _rows_of(ws) as out:
            out.append(["heading"])
            out.bulk(cols, len(text[0]), styles, as_text=how == "text")
            out.append(["after"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return etree.tostring(etree.fromstring(z.read("xl/worksheets/sheet1.xml")), method="c14n")


@pytest.mark.parametrize("how", ["text", "lxml"])
def test_b4_bulk_rows_are_the_xml_openpyxl_writes_cell_by_cell(how):
    assert _sheet_xml(how) == _sheet_xml("openpyxl")


def test_b4_bulk_rows_read_back_with_their_values_and_currency_formats():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    cols, styles = _columns(ws, WriteOnlyCell(ws))
    with _rows_of(ws) as out:
        out.bulk(cols, len(TEXT[0]), styles)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue()))["Lines"]
    assert back["B1"].value == "  Leading space" and back["C1"].value == "a & b <c> \"d\""
    assert back["B2"].value == "Trailing\r\n" and back["C2"].data_type == "e"
    assert back["D1"].value == 29 and back["D1"].number_format == CURRENCY
    assert back["E1"].value == 12 and back["E1"].number_format == WHOLE
    assert back["D2"].value is None and back["D2"].number_format == CURRENCY
    assert back["B3"].value == "'=HYPERLINK(\"x\")" and back["B3"].data_type != "f"
    assert back["F4"].value == -5.5 and back["B4"].value == "Ünïcödé naïve café"
    assert back["B5"].value == LONG[:32767] and back["C5"].value is None
    assert back["C6"].value == "x\r\ny" and back["G1"].value == 2.5


def test_b4_two_bulk_blocks_in_one_sheet_land_in_order():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    col = _Column.text(pd.Series(["a1", "a2"], dtype="str"), "", WriteOnlyCell(ws))
    with _rows_of(ws) as out:
        out.bulk([col], 2, {})
        out.append(["middle"])
        out.bulk([col], 2, {})
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue()))["Lines"]
    assert [r[0] for r in back.iter_rows(values_only=True)] == ["a1", "a2", "middle", "a1", "a2"]


# A refused workbook leaves openpyxl's half-written sheet writers behind (as before): collected
# here, so their complaint stays in the test that made them.
ABANDONED = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@ABANDONED
def test_b4_bulk_rows_refuse_characters_a_workbook_cannot_hold_as_openpyxl_does():
    with pytest.raises(IllegalCharacterError, match="Bell"):
        WriteOnlyCell(Workbook(write_only=True).create_sheet("Lines"), value="Bell\x07name")
    invoices = build_invoices([lic("LN-0001", held("Salesforce", date(2026, 10, 5), net_new=True),
                                   name="Bell\x07name")],
                              RATES, POLICY, fiscal_year=FY, kind="january", as_of=date(2027, 1, 20))
    with pytest.raises(IllegalCharacterError, match="Bell"):
        write_workbooks_bytes(invoices, fiscal_year=FY, kind="january")
    gc.collect()


def test_b4_the_first_refused_value_is_named_rows_first_then_columns():
    ws = Workbook(write_only=True).create_sheet("Lines")
    cols = [pd.Series(["ok", "ok", "Second\x01row"], dtype="str"),
            pd.Series(["ok", "First\x02row", "ok"], dtype="str"),
            pd.Series(["ok", "Later\x03column", None], dtype="str")]
    with pytest.raises(IllegalCharacterError, match="First"):
        _refuse_illegal(cols, WriteOnlyCell(ws))
    _refuse_illegal([pd.Series(["fine", None], dtype="str")], WriteOnlyCell(ws))   # no error


@ABANDONED
def test_b4_text_xml_cannot_hold_is_refused_as_before_not_written():
    invoices = build_invoices([lic("LN-0001", held("Salesforce", date(2026, 10, 5), net_new=True),
                                   name="a\uffffb")],
                              RATES, POLICY, fiscal_year=FY, kind="january", as_of=date(2027, 1, 20))
    with pytest.raises(etree.XMLSyntaxError):
        write_workbooks_bytes(invoices, fiscal_year=FY, kind="january")
    gc.collect()
