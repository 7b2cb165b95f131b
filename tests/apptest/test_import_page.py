"""Import page (A2, A4): CSV upload loads all or nothing; refusals list every bad row."""
from __future__ import annotations

import io
import zipfile

import pytest

from tests.apptest.conftest import SYSTEM, texts

IMPORT = "app_pages/import_data.py"

CONTACTS = (b"contact_id,last_name,first_name,employee_id,ucb_email\n"
            b"C-1,Lopez,Ana,100001,ana.lopez@colorado.edu\n"
            b"C-2,Nguyen,Bao,100002,bao.nguyen@colorado.edu\n")
EMPLOYMENTS = (b"contact_id,campus,status,start_date\n"
               b"C-1,Boulder,Active,2024-01-08\n"
               b"C-2,Boulder,Active,2025-05-01\n")
HOLIDAYS = b"date,name\n2026-12-24,Winter closure\n"
BAD_CONTACTS = (b"contact_id,last_name,first_name,employee_id,poi\n"
                b"C-1,Lopez,Ana,100001,no\n"
                b"C-2,,Bao,100002,no\n"          # line 3: last_name is required
                b"C-3,Kim,Jo,100003,maybe\n")    # line 4: not a boolean
TABLES = ("contacts", "employments", "extra_holidays", "app_users", "audit_log")


def snapshot(store) -> dict[str, int]:
    return {t: store.query_value(f"SELECT count(*) FROM {t}") for t in TABLES}


def upload(at, files):
    at.file_uploader(key="import_files").set_value(
        [(name, data, "text/csv") for name, data in files])
    at.run()
    at.button(key="import_run").click().run()
    assert not at.exception, at.exception
    return at


def test_a4_import_of_valid_csvs_loads_them_and_says_what_changed(open_app, app_store):
    at = open_app(SYSTEM, IMPORT)
    assert at.button(key="import_run").disabled  # nothing chosen yet
    upload(at, [("contacts.csv", CONTACTS), ("employments.csv", EMPLOYMENTS),
                ("holidays.csv", HOLIDAYS)])
    page = texts(at)
    assert "Imported contacts.csv, employments.csv, holidays.csv" in page
    summary = at.code[0].value
    assert "contacts" in summary and "total" in summary
    assert app_store.query_value("SELECT count(*) FROM contacts") == 2
    assert app_store.query_value("SELECT count(*) FROM employments") == 2
    assert app_store.query_value("SELECT name FROM extra_holidays") == "Winter closure"
    assert app_store.query_value(
        "SELECT count(*) FROM audit_log WHERE action = 'import' AND actor = ?", [SYSTEM]) >= 1


def test_import_with_bad_rows_lists_every_one_and_changes_nothing(open_app, app_store):
    before = snapshot(app_store)
    at = open_app(SYSTEM, IMPORT)
    upload(at, [("contacts.csv", BAD_CONTACTS), ("holidays.csv", HOLIDAYS)])
    assert at.error and "refused" in at.error[0].value
    assert "Nothing was changed" in texts(at)
    table = at.dataframe[0].value
    wheres = list(table["where"])
    assert any(w.startswith("contacts.csv:3") for w in wheres), wheres
    assert any(w.startswith("contacts.csv:4") for w in wheres), wheres
    assert not any(w.startswith("contacts.csv:2") for w in wheres), wheres
    assert at.download_button(key="import_problems_csv")
    assert snapshot(app_store) == before


def test_full_export_download_is_offered(open_app):
    at = open_app(SYSTEM, IMPORT)
    button = at.download_button(key="export_zip")
    assert button.label == "Download a full export"


def test_import_with_thousands_of_problems_says_how_many_and_how_many_are_shown(open_app):
    """Issue 14 item 11: 5,000 bad rows are 5,000 problems (not "1001"); the table shows the
    first 1,000 and the download holds all 5,000."""
    rows = "".join(f"C-{i},\n" for i in range(5000))  # every row lacks its last_name
    at = open_app(SYSTEM, IMPORT)
    upload(at, [("contacts.csv", ("contact_id,last_name\n" + rows).encode())])
    assert "5,000 problems" in at.error[0].value
    page = texts(at)
    assert "5,000 problems found; the first 1,000 are shown" in page
    assert "1001" not in page and "1,001" not in page
    table = at.dataframe[0].value
    assert len(table) == 1000
    assert list(table["where"])[-1] == "contacts.csv:1001 last_name"
    button = at.download_button(key="import_problems_csv")
    assert button.label == "Download all 5,000 problems as CSV"


def test_import_with_a_few_problems_says_all_are_shown(open_app):
    at = open_app(SYSTEM, IMPORT)
    upload(at, [("contacts.csv", BAD_CONTACTS), ("holidays.csv", HOLIDAYS)])
    assert "2 problems found, all shown" in texts(at)


def _upload_any(at, name, data, mime):
    at.file_uploader(key="import_files").set_value([(name, data, mime)])
    at.run()
    at.button(key="import_run").click().run()
    assert not at.exception, at.exception
    return at


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_malformed_files_are_refused_with_sentences_not_tracebacks(open_app, app_store):
    """Issue 14 item 7: an unterminated quote, a damaged workbook and a formula cell."""
    from tests.integration.crafted_files import (CONTACT_HEADER, bad_shared_string,
                                                 contacts_workbook, workbook)

    before = snapshot(app_store)
    at = open_app(SYSTEM, IMPORT)
    _upload_any(at, "contacts.csv", CONTACTS.replace(b"C-1,Lopez", b'C-1,"Lopez'), "text/csv")
    shown = at.dataframe[0].value
    assert list(shown["where"]) == ["contacts.csv:2"]
    assert "never closed" in " ".join(shown.astype(str).to_numpy().ravel())

    at = open_app(SYSTEM, IMPORT)
    _upload_any(at, "book.xlsx", bad_shared_string(contacts_workbook()), XLSX)
    assert "the workbook is damaged" in " ".join(e.value for e in at.error)

    at = open_app(SYSTEM, IMPORT)
    book = workbook({"contacts": [CONTACT_HEADER, ["C-1", "=A1", "Ana", "100001", ""]]})
    _upload_any(at, "book.xlsx", book, XLSX)
    shown = " ".join(at.dataframe[0].value.astype(str).to_numpy().ravel())
    assert "holds a formula (=A1)" in shown and "required but empty" not in shown
    assert snapshot(app_store) == before


def test_implausible_values_and_a_sheet_beyond_its_bounds_are_refused(open_app, app_store):
    """Issue 14 items 5 and 7 on the Import page: 'N/A' as a UCB email, a 10 MB name, and a
    workbook with a value in column XFD (refused while it is read, before memory goes)."""
    from tests.integration.crafted_files import SHEET1, contacts_workbook, rewrite

    before = snapshot(app_store)
    at = open_app(SYSTEM, IMPORT)
    bad = (b"contact_id,last_name,first_name,employee_id,ucb_email\n"
           b"C-1,Lopez,Ana,100001,N/A\n"
           b"C-2," + b"N" * 10_000_000 + b",Bao,100002,bao.nguyen@colorado.edu\n")
    _upload_any(at, "contacts.csv", bad, "text/csv")
    shown = at.dataframe[0].value
    assert list(shown["where"]) == ["contacts.csv:2 ucb_email", "contacts.csv:3 last_name"]
    said = " ".join(shown.astype(str).to_numpy().ravel())
    assert "'N/A' is not an email address" in said and "is not a name" in said

    wide = rewrite(contacts_workbook(), SHEET1, lambda x: x.replace(
        "</row>", '<c r="XFD1" t="inlineStr"><is><t>far</t></is></c></row>', 1))
    at = open_app(SYSTEM, IMPORT)
    _upload_any(at, "book.xlsx", wide, XLSX)
    assert "has a value in column XFD" in " ".join(e.value for e in at.error)
    assert snapshot(app_store) == before
