"""B4 spreadsheets at scale: the invoice lines' rows written in bulk (ecomm.billing.workbook._Rows.bulk)
are the very XML openpyxl writes for the same values, cell by cell, styles included."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import IllegalCharacterError

from ecomm.billing.workbook import CURRENCY, WHOLE, _rows_of, _styled

ROWS = [
    ["LN-0001", "  Leading space", "a & b <c> \"d\"", Decimal("29.00"), 12, Decimal("348.00"), None, ""],
    ["LN-0002", "Trailing\r\n", "#N/A", None, None, None, 7, "x"],
    ["LN-0003", "'=HYPERLINK(\"x\")", "", Decimal("0"), 0, Decimal("0.00"), "", None],
    ["LN-0004", "Ünïcödé naïve café", "Tab\tinside", Decimal("1234567.891"), 3, Decimal("-5.5"), True, 2.5],
]
STYLES = {3: CURRENCY, 4: WHOLE, 5: CURRENCY, 6: CURRENCY}


def _sheet_xml(bulk: bool, rows=ROWS) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    styles = {i: _styled(ws, number_format=f) for i, f in STYLES.items()}
    if bulk:
        with _rows_of(ws) as out:
            out.append(["heading"])
            out.bulk([list(r) for r in rows], styles)
            out.append(["after"])
    else:
        ws.append(["heading"])
        for values in rows:
            values = list(values)
            for i, fmt in STYLES.items():
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = fmt
                values[i] = cell
            ws.append(values)
        ws.append(["after"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return etree.tostring(etree.fromstring(z.read("xl/worksheets/sheet1.xml")), method="c14n")


def test_b4_bulk_rows_are_the_xml_openpyxl_writes_cell_by_cell():
    assert _sheet_xml(bulk=True) == _sheet_xml(bulk=False)


def test_b4_bulk_rows_read_back_with_their_values_and_currency_formats():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    with _rows_of(ws) as out:
        out.bulk([list(r) for r in ROWS], {i: _styled(ws, number_format=f) for i, f in STYLES.items()})
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


def test_b4_bulk_rows_refuse_characters_a_workbook_cannot_hold_as_openpyxl_does():
    bad = [["LN-0005", "Bell\x07name", None, None, None, None, None, None]]
    with pytest.raises(IllegalCharacterError):
        _sheet_xml(bulk=False, rows=bad)
    with pytest.raises(IllegalCharacterError):
        _sheet_xml(bulk=True, rows=bad)
