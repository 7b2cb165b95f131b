"""The one download writer (ecomm.safe_export): CSV and XLSX for people with formula-like text
neutralised and dates and times as people write them (ecomm.formats: 2027-01-04, Denver
2027-01-04 13:10, empty for missing), and the import format's CSV left as it is; every writer
of the app goes through it."""
from __future__ import annotations

import ast
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from ecomm import safe_export
from ecomm.batch import export as batch_export
from ecomm.dashboard import export as dash_export

ROOT = Path(__file__).resolve().parents[2]


def _frame() -> pd.DataFrame:
    # 2027-01-04 20:10 UTC is 13:10 in Denver (MST, UTC-7); 2026-07-01 18:05 UTC is 12:05 (MDT)
    return pd.DataFrame({
        "name": ["=HYPERLINK(1)", "Ann"],
        "submitted_at": pd.to_datetime(["2027-01-04 20:10:59", None]),
        "provisioned_on": pd.to_datetime(["2026-01-02", "2026-03-04"]),
        "passed_on": [date(2026, 5, 6), None],
        "changed_at": [datetime(2026, 7, 1, 18, 5), pd.NaT],
        "amount": [Decimal("348.00"), Decimal("-5.50")],
        "n": [1, 2],
    })


def test_csv_writes_dates_and_denver_times_as_people_write_them():
    text = safe_export.csv_bytes(_frame()).decode("utf-8-sig")
    assert text.split("\r\n") == [
        "name,submitted_at,provisioned_on,passed_on,changed_at,amount,n",
        "'=HYPERLINK(1),2027-01-04 13:10,2026-01-02,2026-05-06,2026-07-01 12:05,348.00,1",
        "Ann,,2026-03-04,,,-5.50,2",
        ""]


def test_csv_of_every_download_is_the_one_writer():
    frame = _frame()
    one = safe_export.csv_bytes(frame)
    assert dash_export.to_csv(frame) == one == batch_export.to_csv(frame)
    assert safe_export.csv_bytes(frame, bom=False) == one.removeprefix(b"\xef\xbb\xbf")


def test_xlsx_keeps_dates_as_dates_and_times_in_denver_text_neutralised():
    data = safe_export.xlsx_bytes(_frame(), sheet="Requests")
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert ws.title == "Requests" and ws.freeze_panes == "A2"
    assert rows[0] == list(_frame().columns)
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[2][0] == "Ann"
    assert rows[1][1] == datetime(2027, 1, 4, 13, 10, 59) and rows[2][1] is None
    assert rows[1][2] == datetime(2026, 1, 2) and rows[1][2].time() == datetime.min.time()
    assert rows[1][3] == datetime(2026, 5, 6) and rows[2][3] is None
    assert rows[1][4] == datetime(2026, 7, 1, 12, 5)
    assert rows[1][5] == 348 and rows[2][5] == -5.5 and rows[2][6] == 2
    assert dash_export.to_xlsx(_frame(), sheet="Requests")[:2] == b"PK"
    batch = load_workbook(io.BytesIO(batch_export.to_xlsx(_frame()))).active
    assert batch.title == "New users"
    assert [[c.value for c in r] for r in batch.iter_rows()] == rows


def test_interchange_csv_keeps_text_as_is_for_the_importer(tmp_path):
    frame = pd.DataFrame({"first_name": ["=Eve", "Ann"], "passed_on": ["2026-05-06", ""]})
    data = safe_export.interchange_csv_bytes(frame)
    assert data == b"first_name,passed_on\n=Eve,2026-05-06\nAnn,\n"
    safe_export.write_interchange_csv(tmp_path / "x.csv", frame.columns,
                                      frame.itertuples(index=False, name=None))
    assert (tmp_path / "x.csv").read_bytes() == data


def test_no_other_module_writes_csv_or_xlsx():
    """Every CSV and XLSX goes through ecomm/safe_export.py; the B4 workbooks' rows through
    their adapter (ecomm/billing/xlsx_rows.py) with the workbook layout beside it."""
    allowed = {"ecomm/safe_export.py", "ecomm/billing/workbook.py",
               "ecomm/billing/workbook_campus.py", "ecomm/billing/workbook_layout.py",
               "ecomm/billing/xlsx_rows.py"}
    found = []
    for path in sorted([*ROOT.joinpath("ecomm").rglob("*.py"), *ROOT.joinpath("app_pages").glob("*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = None
            if isinstance(node, ast.Attribute) and node.attr in ("to_csv", "to_excel", "writer",
                                                                  "DictWriter", "ExcelWriter"):
                base = ast.unparse(node.value)
                if node.attr in ("writer", "DictWriter") and base != "csv":
                    continue
                if node.attr == "to_csv" and base in ("export", "audit_view"):
                    continue   # our own delegates' name, not pandas'
                name = f"{base}.{node.attr}"
            elif isinstance(node, ast.Name) and node.id == "Workbook":
                name = "Workbook"
            if name and rel not in allowed:
                found.append(f"{rel}:{node.lineno} {name}")
    assert found == []
