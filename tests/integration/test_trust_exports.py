"""Every CSV and XLSX the app writes for people neutralises text that a spreadsheet would run as a
formula (cells beginning with = + - @, tab or carriage return) with one shared neutraliser,
ecomm.safe_export; the import-format export (data interchange, read back by `import`) keeps
the text as it is so that a backup round-trips.

Outputs: ui.download_csv (Requests, Compliance lists, import problems, audit), the dashboard
and reports CSV/XLSX (ecomm.dashboard.export), the batch's new-users CSV/XLSX
(ecomm.batch.export), the invoice workbooks (ecomm.billing.workbook, also `invoice --out`)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from ecomm import exporter
from ecomm.batch import export as batch_export
from ecomm.billing import workflow as wf
from ecomm.dashboard import export as dash_export
from ecomm.importer.columns import FILES
from ecomm.safe_export import FORMULA_STARTS, neutralise
from tests.integration import billing_seed as bs

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]
HOSTILE_NAME = "=cmd|' /C calc'!A0"


@given(st.text())
def test_the_neutraliser_never_leaves_a_formula_start_and_keeps_the_text(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_STARTS)
    assert out == text or out == "'" + text
    assert (out != text) == text.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("value", [5, 2.5, date(2026, 1, 2), None, True])
def test_the_neutraliser_leaves_numbers_dates_and_blanks_alone(value):
    assert neutralise(value) is value


def frame() -> pd.DataFrame:
    return pd.DataFrame({"name": HOSTILE, "number": list(range(-3, 3)),
                         "note": ["fine"] * len(HOSTILE)})


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_cells(data: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(data))
    return [[c for c in row] for ws in wb for row in ws.iter_rows(values_only=True)]


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def assert_neutral_text(cells) -> None:
    """No text cell starts a formula (numbers such as -3 are numbers, not text), and each
    hostile value is there behind its quote (XML keeps a carriage return as a newline)."""
    texts = [c for row in cells for c in row if isinstance(c, str) and not _number(c)]
    assert texts, "nothing read back"
    bad = [c for c in texts if c.startswith(FORMULA_STARTS)]
    assert not bad, bad
    normal = {t.replace("\r", "\n") for t in texts}
    for value in HOSTILE:
        assert ("'" + value).replace("\r", "\n") in normal, value


@pytest.mark.parametrize("writer", [dash_export.to_csv, batch_export.to_csv],
                         ids=["dashboard and reports", "batch new users"])
def test_csv_downloads_neutralise_formulas(writer):
    cells = csv_cells(writer(frame()))
    assert_neutral_text(cells)
    assert [r[1] for r in cells[1:]] == [str(n) for n in range(-3, 3)]  # numbers stay numbers


@pytest.mark.parametrize("writer", [dash_export.to_xlsx, batch_export.to_xlsx],
                         ids=["dashboard and reports", "batch new users"])
def test_xlsx_downloads_neutralise_formulas(writer):
    cells = xlsx_cells(writer(frame()))
    assert_neutral_text(cells)
    assert [r[1] for r in cells[1:]] == list(range(-3, 3))


def test_ui_download_csv_neutralises_formulas(monkeypatch):
    """The CSV button of the Requests and Compliance pages, import problems and the audit."""
    import streamlit

    from ecomm import ui

    got = {}
    monkeypatch.setattr(streamlit, "download_button",
                        lambda label, data, **kw: got.update(data=data, **kw))
    ui.download_csv(frame(), "requests.csv", "Download as CSV", key="k")
    assert got["file_name"] == "requests.csv"
    assert_neutral_text(csv_cells(got["data"]))


def test_b4_invoice_workbooks_neutralise_a_users_name(store, tmp_path):
    bs.seed(store)
    store.write(lambda cur: cur.execute(
        "UPDATE contacts SET first_name = ?, last_name = ? WHERE contact_id = 'C1'",
        [HOSTILE_NAME, "@Lovelace"]))
    wf.draft_run(store, bs.SYSTEM, fiscal_year=bs.FY, kind="january", as_of=bs.JAN_AS_OF,
                 now_utc=datetime(2027, 1, 15, 17), capture=True)
    books = wf.workbooks(store, bs.SYSTEM, fiscal_year=bs.FY, kind="january")
    assert books
    seen = []
    for data in books.values():
        wb = load_workbook(io.BytesIO(data))  # formulas are read as their text
        for ws in wb:
            for row in ws.iter_rows(values_only=True):
                for cell in row:
                    if isinstance(cell, str) and ("cmd|" in cell or "Lovelace" in cell):
                        seen.append(cell)
                        assert not cell.startswith(FORMULA_STARTS), cell
    assert any("cmd|" in c for c in seen), "the hostile name is not in any workbook"


def test_the_import_format_export_is_data_interchange_and_keeps_text_as_is(store, tmp_path):
    """Decision: `export` / the backup write the import format for `import` and scripts; they
    are not neutralised, so a value beginning with '=' round-trips exactly."""
    bs.seed(store)
    store.write(lambda cur: cur.execute(
        "UPDATE contacts SET first_name = ? WHERE contact_id = 'C1'", [HOSTILE_NAME]))
    exporter.export_tables(store, tmp_path / "out")
    contacts = next(s for s in FILES if s.table == "contacts")
    with open(tmp_path / "out" / f"{contacts.name}.csv", newline="", encoding="utf-8") as f:
        names = [r["first_name"] for r in csv.DictReader(f)]
    assert HOSTILE_NAME in names
