"""B4 spreadsheets: written with openpyxl, read back and checked cell by cell."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ecomm.billing.invoice import build_invoices
from ecomm.billing.workbook import (CURRENCY, header_block, header_row_number, safe_text,
                                    line_values, table_columns, write_workbooks,
                                    write_workbooks_bytes)
from ecomm.errors import EcommError
from tests.unit.billing_factories import FY, POLICY, RATES, held, lic

SFMC, CVENT = "salesforce_marketing_cloud", "cvent"
AS_OF = date(2027, 1, 20)


def _invoices():
    return build_invoices([
        lic("LN-0001", held("Salesforce", date(2026, 10, 5), net_new=True),
            held("Marketing Cloud", date(2026, 11, 1), net_new=True),
            held("Cvent", date(2026, 8, 20), net_new=True), name="=HYPERLINK(\"http://x\",\"y\")",
            units="61000342:20;61000530:80"),
        lic("LN-0002", held("Salesforce", date(2026, 12, 1), date(2026, 12, 15), net_new=True),
            name="-Minus Person", speedtype="+61000999"),
        lic("LN-0003", held("Salesforce", date(2026, 9, 9), net_new=True), name="@Sum Person",
            campus="Denver", speedtype="61000777"),
        lic("LN-0004", held("Salesforce", date(2026, 9, 9), net_new=True), name="Chatty Free",
            profile="Chatter Free User", campus="Denver", speedtype="61000777"),
    ], RATES, POLICY, fiscal_year=FY, kind="january", as_of=AS_OF)


@pytest.fixture
def books(tmp_path):
    invoices = _invoices()
    paths = write_workbooks(invoices, tmp_path / "out", fiscal_year=FY, kind="january")
    return invoices, paths


def _num(v):
    assert isinstance(v, (int, float)) and not isinstance(v, bool), v
    return Decimal(str(v))


def test_b4_two_workbooks_named_for_the_run(books, tmp_path):
    _, paths = books
    assert [p.name for p in paths] == ["FY2027-january-salesforce_marketing_cloud.xlsx",
                                       "FY2027-january-cvent.xlsx"]
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 0 for p in paths)


def test_b4_summary_first_then_a_sheet_per_campus(books):
    invoices, paths = books
    sf = load_workbook(paths[0])
    assert sf.sheetnames == ["Summary", "Boulder", "Denver"]
    cv = load_workbook(paths[1])
    assert cv.sheetnames == ["Summary", "Boulder"]
    ws = sf["Summary"]
    assert ws["A1"].value == "FY2027 January true-up: Salesforce and Marketing Cloud"
    assert [c.value for c in ws[5]] == ["Campus", "Campus billing speedtype", "Status", "Revision",
                                        "As of", "Licenses", "Total"]
    by_campus = {i.campus: i for i in invoices if i.group == SFMC}
    for row, campus in ((6, "Boulder"), (7, "Denver")):
        inv = by_campus[campus]
        assert ws.cell(row, 1).value == campus
        assert ws.cell(row, 2).value == safe_text(inv.campus_speedtype)
        assert ws.cell(row, 3).value == "Draft"
        assert ws.cell(row, 4).value == 1
        assert ws.cell(row, 5).value == datetime(2027, 1, 20)
        assert ws.cell(row, 6).value == len(inv.lines)
        assert _num(ws.cell(row, 7).value) == inv.total
        assert ws.cell(row, 7).number_format == CURRENCY
    assert ws.cell(9, 1).value == "Total"
    assert _num(ws.cell(9, 7).value) == sum(i.total for i in by_campus.values())
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:G7"


def test_b4_campus_sheet_header_block_lines_and_totals(books):
    invoices, paths = books
    inv = next(i for i in invoices if i.group == SFMC and i.campus == "Boulder")
    ws = load_workbook(paths[0])["Boulder"]
    block = dict(header_block(inv))
    for r in range(1, len(block) + 1):
        label = ws.cell(r, 1).value
        assert label in block
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, len(block) + 1)}
    assert values["Campus"] == "Boulder"
    assert values["Fiscal year"] == "FY2027 (2026-07-01 to 2027-06-30)"
    assert values["Invoice"] == "January true-up"
    assert values["Campus billing speedtype"] == safe_text(inv.campus_speedtype) == "'+61000999"
    assert values["Status"] == "Draft" and values["Revision"] == 1
    assert values["As of"] == datetime(2027, 1, 20)

    head = header_row_number(inv)
    cols = table_columns(SFMC, "january")
    assert [ws.cell(head, c).value for c in range(1, len(cols) + 1)] == cols
    col = {name: i + 1 for i, name in enumerate(cols)}
    for offset, line in enumerate(inv.lines, start=1):
        r = head + offset
        assert ws.cell(r, col["License number"]).value == line.license_number
        assert ws.cell(r, col["User name"]).value == safe_text(line.user_name)
        assert ws.cell(r, col["Licenses held"]).value == line.licenses_held_text
        for app in ("Salesforce", "Marketing Cloud", "Apsona", "Geopointe"):
            charge = next((c for c in line.charges if c.application == app), None)
            rate, months, amount = (ws.cell(r, col[f"{app} {k}"]) for k in ("monthly rate", "months", "amount"))
            if charge is None:
                assert (rate.value, months.value, amount.value) == (None, None, None)
            else:
                assert _num(rate.value) == charge.monthly_rate and rate.number_format == CURRENCY
                assert months.value == charge.months
                assert _num(amount.value) == charge.amount and amount.number_format == CURRENCY
        total = ws.cell(r, col["Line total"])
        assert _num(total.value) == line.line_total and total.number_format == CURRENCY
        assert ws.cell(r, col["Unit speedtypes"]).value == (line.unit_speedtypes_text or None)
    # LN-0001: Salesforce Oct..Jun (9) and Marketing Cloud Nov..Jun (8); LN-0002 removed in December (1)
    assert [ln.line_total for ln in inv.lines] == [Decimal("563.03"), Decimal("41.67")]
    total_row = head + len(inv.lines) + 2
    assert ws.cell(total_row, 1).value == "Total"
    cell = ws.cell(total_row, col["Line total"])
    assert cell.data_type == "n" and _num(cell.value) == inv.total == Decimal("604.70")
    assert _num(ws.cell(total_row, col["Salesforce amount"]).value) == Decimal("416.70")
    # rev 2 (B4): each unit speedtype with its amount, and the sheet's total per unit speedtype.
    # LN-0001's line 563.03 at 20/80: 20% = 112.606 -> 112.61 (half up); 80% takes the rest,
    # 563.03 - 112.61 = 450.42. LN-0002 (41.67) has no unit speedtype: the campus speedtype's.
    assert ws.cell(head + 1, col["Unit speedtypes"]).value == (
        "61000342 (20%) $112.61; 61000530 (80%) $450.42")
    assert ws.cell(total_row + 2, 1).value == "Per unit speedtype (for the campus's journal entries)"
    per_unit = {ws.cell(r, 1).value: _num(ws.cell(r, col["Line total"]).value)
                for r in range(total_row + 3, total_row + 6) if ws.cell(r, 1).value}
    assert per_unit == {"61000342": Decimal("112.61"), "61000530": Decimal("450.42"),
                        "No unit speedtype (campus billing speedtype)": Decimal("41.67")}
    assert sum(per_unit.values()) == inv.total            # 112.61 + 450.42 + 41.67 = 604.70
    assert ws.freeze_panes == f"A{head + 1}"
    assert ws.auto_filter.ref == f"A{head}:{ws.cell(head, len(cols)).column_letter}{head + len(inv.lines)}"
    assert ws.column_dimensions["B"].width >= len("User name")


def test_b4_no_formulas_anywhere(books):
    _, paths = books
    for path in paths:
        wb = load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_formula_text_from_user_data_is_neutralised(books):
    _, paths = books
    boulder = load_workbook(paths[0])["Boulder"]
    texts = [c.value for row in boulder.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in texts
    assert "'-Minus Person" in texts
    assert "'+61000999" in texts
    denver = load_workbook(paths[0])["Denver"]
    assert "'@Sum Person" in [c.value for row in denver.iter_rows() for c in row]
    assert safe_text("Plain") == "Plain" and safe_text(-5) == -5


def test_b3_chatter_free_line_in_workbook_shows_zero(books):
    invoices, paths = books
    inv = next(i for i in invoices if i.group == SFMC and i.campus == "Denver")
    ws = load_workbook(paths[0])["Denver"]
    head = header_row_number(inv)
    rows = {ws.cell(r, 1).value: r for r in range(head + 1, head + 1 + len(inv.lines))}
    col = {name: i + 1 for i, name in enumerate(table_columns(SFMC, "january"))}
    assert _num(ws.cell(rows["LN-0004"], col["Line total"]).value) == 0
    assert "Chatter Free" in ws.cell(rows["LN-0004"], col["Notes"]).value


def test_b4_bytes_match_the_files_content(books):
    invoices, paths = books
    data = write_workbooks_bytes(invoices, fiscal_year=FY, kind="january")
    assert list(data) == [p.name for p in paths]
    wb = load_workbook(io.BytesIO(data["FY2027-january-cvent.xlsx"]))
    assert wb.sheetnames == ["Summary", "Boulder"]


def test_b4_empty_group_still_gets_its_workbook(tmp_path):
    invoices = [i for i in _invoices() if i.group == SFMC]
    paths = write_workbooks(invoices, tmp_path, fiscal_year=FY, kind="january")
    cv = load_workbook(paths[1])
    assert cv.sheetnames == ["Summary"]
    # issue 18: the wording no longer claims no lines while a draft is with the System team
    assert cv["Summary"]["A6"].value == ("No invoice of this group here: no campus has lines, "
                                         "or none has been sent for review yet.")


def test_b4_invoices_of_another_run_are_refused(tmp_path):
    with pytest.raises(EcommError):
        write_workbooks(_invoices(), tmp_path, fiscal_year=FY, kind="june")


def test_b4_each_line_row_holds_line_values_neutralised(books):
    invoices, paths = books
    for inv in invoices:
        ws = load_workbook(paths[0 if inv.group == SFMC else 1])[inv.campus]
        head = header_row_number(inv)
        for n, line in enumerate(inv.lines, start=head + 1):
            expected = [safe_text(v) for v in line_values(line, inv.group, inv.kind)]
            got = [c.value for c in ws[n]]
            assert len(got) == len(expected) == len(table_columns(inv.group, inv.kind))
            for want, have in zip(expected, got):
                if isinstance(want, Decimal):
                    assert _num(have) == want, (line.license_number, want, have)
                else:
                    assert have == (want if want != "" else None), (line.license_number, want)


def test_b5_true_up_sheet_shows_provisioned_on_before_the_prorated_months(books):
    """Issue 18: the January true-up's campus sheet has each application's "provisioned on"
    day, so the prorated months can be checked against it."""
    invoices, paths = books
    inv = next(i for i in invoices if i.group == SFMC and i.campus == "Boulder")
    ws = load_workbook(paths[0])["Boulder"]
    head = header_row_number(inv)
    col = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    assert col["Salesforce provisioned on"] + 1 == col["Salesforce monthly rate"]
    rows = {ws.cell(r, 1).value: r for r in range(head + 1, head + 1 + len(inv.lines))}
    r1, r2 = rows["LN-0001"], rows["LN-0002"]
    # LN-0001: Salesforce provisioned Oct 5, 2026: October through June is 9 months at $41.67,
    # 9 x 41.67 = $375.03; Marketing Cloud from Nov 1: November through June, 8 x 23.50 = $188.00
    assert ws.cell(r1, col["Salesforce provisioned on"]).value == "2026-10-05"
    assert ws.cell(r1, col["Salesforce months"]).value == 9
    assert _num(ws.cell(r1, col["Salesforce amount"]).value) == Decimal("375.03")
    assert ws.cell(r1, col["Marketing Cloud provisioned on"]).value == "2026-11-01"
    assert ws.cell(r1, col["Marketing Cloud months"]).value == 8
    assert _num(ws.cell(r1, col["Marketing Cloud amount"]).value) == Decimal("188.00")
    # LN-0002: Salesforce Dec 1 to Dec 15, 2026: December only, 1 x 41.67 = $41.67
    assert ws.cell(r2, col["Salesforce provisioned on"]).value == "2026-12-01"
    assert ws.cell(r2, col["Salesforce months"]).value == 1
    assert ws.cell(r2, col["Apsona provisioned on"]).value is None   # no Apsona charge


def test_b4_july_invoice_sheet_has_no_provisioned_on_columns():
    """The July invoice bills the whole year: no "provisioned on" columns (true-ups only)."""
    assert not [c for c in table_columns(SFMC) if c.endswith("provisioned on")]
    assert table_columns(SFMC, "june") == table_columns(SFMC, "january")
    assert len(table_columns(SFMC, "january")) == len(table_columns(SFMC)) + 4
