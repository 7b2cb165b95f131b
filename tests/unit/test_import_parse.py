"""Import format (spec/import-format.md): reading cells and parsing single values, no database."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm.importer.columns import FILES_BY_NAME, header_key, spec_for
from ecomm.importer.parse import (canonical_unit_speedtypes, parse_bool, parse_campus, parse_date,
                                  parse_datetime_cell, parse_email, parse_license_number,
                                  parse_money, parse_sheet, parse_year)
from ecomm.importer.read import _cell_text, read_csv_bytes

CONTACTS = FILES_BY_NAME["contacts"]


def sheet(spec_name: str, text: str, *, bom: bool = False):
    spec = FILES_BY_NAME[spec_name]
    data = text.encode("utf-8")
    raw, problems = read_csv_bytes(spec.file_name, spec, b"\xef\xbb\xbf" + data if bom else data)
    assert problems == []
    return parse_sheet(raw, split_total=100)


def texts(table) -> list[str]:
    return [p.text for p in sorted(table.problems)]


# -- headers --------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["contact_id", "Contact ID", "CONTACTID", " contact _ id ", "Contact_Id"])
def test_header_names_match_ignoring_case_spaces_and_underscores(typed):
    assert header_key(typed) == header_key("contact_id")


def test_file_and_sheet_names_find_their_spec():
    assert spec_for("Contacts.CSV") is CONTACTS
    assert spec_for("contacts") is CONTACTS
    assert spec_for("users.csv").table == "app_users"
    assert spec_for("contact.csv") is None


def test_header_in_any_order_and_spelling_is_read():
    t = sheet("contacts", "Last Name,CONTACT_ID,poi\nRivera,C-1,x\n")
    assert t.problems == []
    assert t.frame.loc[0, "contact_id"] == "C-1"
    assert t.frame.loc[0, "last_name"] == "Rivera"
    assert t.frame.loc[0, "poi"] == "true"


def test_unknown_column_is_an_error_on_line_1():
    t = sheet("contacts", "contact_id,last_name,emial\nC-1,Rivera,a@b.org\n")
    assert len(t.problems) == 1
    assert t.problems[0].text.startswith("contacts.csv:1 emial: unknown column")


def test_missing_required_column_is_an_error():
    t = sheet("contacts", "contact_id,first_name\nC-1,Ana\n")
    assert texts(t) == ["contacts.csv:1 last_name: required column is missing"]


def test_required_value_empty_names_the_line():
    t = sheet("contacts", "contact_id,last_name\nC-1,Rivera\nC-2,\n\nC-3,  \n")
    # header = line 1; the blank line 4 still counts
    assert texts(t) == ["contacts.csv:3 last_name: is required but empty",
                        "contacts.csv:5 last_name: is required but empty"]
    assert t.rows == 3


def test_column_given_twice_is_an_error():
    t = sheet("contacts", "contact_id,last_name,Last Name\nC-1,A,B\n")
    assert texts(t) == ["contacts.csv:1 last_name: this column appears twice in the header"]


def test_duplicate_key_in_a_file_names_both_lines():
    t = sheet("contacts", "contact_id,last_name\nC-1,A\nC-2,B\nC-1,C\n")
    assert texts(t) == ["contacts.csv:4 contact_id: appears again: same contact_id as line 2"]


def test_duplicate_key_with_empty_start_date_is_still_a_duplicate():
    t = sheet("employments", "contact_id,campus,status,start_date\n"
                             "C-1,Boulder,Active,\nC-1,Boulder,Inactive,\nC-1,Boulder,Active,2020-01-01\n")
    assert texts(t) == ["employments.csv:3 contact_id, campus, start_date: appears again: "
                        "same contact_id, campus, start_date as line 2"]


def test_campus_alias_makes_the_same_key():
    t = sheet("employments", "contact_id,campus,status\nC-1,Boulder Adv,Active\nC-1,boulder advancement,Active\n")
    assert len(t.problems) == 1 and "same contact_id, campus, start_date as line 2" in t.problems[0].text


def test_byte_order_mark_is_allowed():
    t = sheet("contacts", "contact_id,last_name\nC-1,Rivera\n", bom=True)
    assert t.problems == [] and t.present == ["contact_id", "last_name"]


def test_file_that_is_not_utf8_is_refused_with_its_line():
    data = "contact_id,last_name\nC-1,Rivera\nC-2,Mu\xf1oz\n".encode("latin-1")
    raw, problems = read_csv_bytes("contacts.csv", CONTACTS, data)
    assert raw is None
    assert [p.text for p in problems] == [
        "contacts.csv:3: the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"]


def test_rows_with_more_cells_than_the_header_are_each_reported():
    data = b"contact_id,last_name\nC-1,A,extra\nC-2,B\nC-3,C,,more\nC-4,D,,\n"
    raw, problems = read_csv_bytes("contacts.csv", CONTACTS, data)
    assert [p.text for p in problems] == [
        "contacts.csv:2: this row has 3 cells but the header has 2",
        "contacts.csv:4: this row has 4 cells but the header has 2"]
    assert len(raw.cells) == 4


def test_quoted_cells_keep_commas():
    t = sheet("employments", 'contact_id,campus,status,department\nC-1,Denver,Active,"Business, Marketing"\n')
    assert t.frame.loc[0, "department"] == "Business, Marketing"


# -- values -------------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [("true", "true"), ("TRUE", "true"), ("yes", "true"),
                                        ("1", "true"), ("x", "true"), ("X", "true"),
                                        ("false", "false"), ("No", "false"), ("0", "false")])
def test_booleans(text, value):
    assert parse_bool(text) == value


@pytest.mark.parametrize("text", ["maybe", "y", "2", "checked"])
def test_bad_boolean(text):
    with pytest.raises(ValueError, match="not a yes/no value"):
        parse_bool(text)


def test_empty_boolean_is_false_or_nothing_when_the_column_is_nullable():
    t = sheet("contacts", "contact_id,last_name,poi,poi_active\nC-1,A,,\nC-2,B,x,no\n")
    assert list(t.frame["poi"]) == ["false", "true"]
    assert t.frame["poi_active"].isna().tolist() == [True, False]


def test_dates_are_yyyy_mm_dd():
    assert parse_date("2026-02-28") == "2026-02-28"
    for bad in ("2026-2-28", "02/28/2026", "2026-02-30", "20260228", "2026-02-28T10:00"):
        with pytest.raises(ValueError, match="is not a date"):
            parse_date(bad)


def test_datetime_without_offset_is_denver_time_stored_as_utc():
    assert parse_datetime_cell("2026-11-23T14:05:00") == "2026-11-23 21:05:00"  # MST, UTC-7
    assert parse_datetime_cell("2026-07-01T08:00:00") == "2026-07-01 14:00:00"  # MDT, UTC-6
    assert parse_datetime_cell("2026-11-23T14:05:00+00:00") == "2026-11-23 14:05:00"
    assert parse_datetime_cell("2026-11-23T14:05:00Z") == "2026-11-23 14:05:00"
    with pytest.raises(ValueError, match="is not a date-time"):
        parse_datetime_cell("23/11/2026 2pm")


def test_money_has_at_most_two_decimals_and_is_not_negative():
    assert parse_money("125") == "125.00"
    assert parse_money("80.5") == "80.50"
    assert parse_money("$1,234.56") == "1234.56"
    assert parse_money("0") == "0.00"
    with pytest.raises(ValueError, match="not an amount in dollars and cents"):
        parse_money("12.345")
    with pytest.raises(ValueError, match="negative"):
        parse_money("-5.00")
    with pytest.raises(ValueError, match="not an amount"):
        parse_money("twelve")


def test_fiscal_year():
    assert parse_year("2027") == "2027"
    with pytest.raises(ValueError, match="not a fiscal year"):
        parse_year("FY27")


def test_license_numbers_are_ln_and_digits():
    assert parse_license_number("LN-0776") == "LN-0776"
    assert parse_license_number("ln-12") == "LN-12"
    for bad in ("LN0776", "LN-", "LN-07a", "0776"):
        with pytest.raises(ValueError, match="is not a license number"):
            parse_license_number(bad)


def test_campus_names_and_aliases():
    assert parse_campus("Boulder Adv") == "Boulder Advancement"
    assert parse_campus("boulder") == "Boulder"
    with pytest.raises(ValueError, match="is not a campus"):
        parse_campus("Bolder")


def test_emails_are_lower_case():
    assert parse_email("Spec.Boulder@Colorado.EDU") == "spec.boulder@colorado.edu"
    with pytest.raises(ValueError, match="not an email address"):
        parse_email("spec boulder")


def test_p12_unit_speedtypes_add_up_to_the_setting():
    assert canonical_unit_speedtypes("61000342:20; 61000530:80", 100) == "61000342:20;61000530:80"
    assert canonical_unit_speedtypes("61000342", 100) == "61000342"
    assert canonical_unit_speedtypes("61000342:4;61000530:6", 10) == "61000342:4;61000530:6"
    with pytest.raises(ValueError, match="add up to 90, not 100"):
        canonical_unit_speedtypes("61000342:20;61000530:70", 100)
    with pytest.raises(ValueError, match="add up to 100, not 10"):
        canonical_unit_speedtypes("61000342:20;61000530:80", 10)
    with pytest.raises(ValueError):
        canonical_unit_speedtypes("61000342:abc", 100)
    with pytest.raises(ValueError):
        canonical_unit_speedtypes("61000342:50;61000342:50", 100)
    with pytest.raises(ValueError, match="give each one's percentage"):
        canonical_unit_speedtypes("61000342;61000530", 100)


def test_lists_are_split_on_semicolons_and_checked_item_by_item():
    t = sheet("requests", "request_id,kind,contact_id,campus,submitted_at,submitted_by,applications\n"
                          "R-1,provision,C-1,Boulder,2026-11-02T09:00:00,a@cu.edu, salesforce ; Cvent ;\n"
                          "R-2,provision,C-1,Boulder,2026-11-02T09:00:00,a@cu.edu,Salesforce;Slack\n")
    assert t.frame.loc[0, "applications"] == "Salesforce;Cvent"
    assert len(t.problems) == 1
    assert t.problems[0].text.startswith("requests.csv:3 applications: 'Slack' is not a known application")


@pytest.mark.parametrize("file,header,row,column,what", [
    ("course_completions", "contact_id,course,completed_on", "C-1,Excel Basics,2026-01-01", "course", "course"),
    ("employments", "contact_id,campus,status", "C-1,Boulder,Retired", "status", "employment status"),
    ("requests", "request_id,kind,contact_id,campus,submitted_at,submitted_by",
     "R-1,renew,C-1,Boulder,2026-01-01T00:00:00,a@cu.edu", "kind", "request kind"),
    ("users", "email,name,role", "a@cu.edu,A,admin", "role", "role"),
    ("licenses", "license_number,contact_id,affiliated_campus,salesforce_profile",
     "LN-1,C-1,Boulder,Premium", "salesforce_profile", "Salesforce profile"),
    ("licenses", "license_number,contact_id,affiliated_campus,ecomm_role",
     "LN-1,C-1,Boulder,Admin", "ecomm_role", "eComm role"),
    ("rates", "fiscal_year,application,monthly_rate", "2027,Slack,10", "application", "application"),
    ("reference", "kind,campus,value", "department,Boulder,X", "kind", "reference kind"),
])
def test_unknown_choices_are_refused(file, header, row, column, what):
    t = sheet(file, f"{header}\n{row}\n")
    assert len(t.problems) == 1
    assert t.problems[0].text.startswith(f"{FILES_BY_NAME[file].file_name}:2 {column}: ")
    assert f"is not a known {what}" in t.problems[0].text


def test_empty_role_and_profile_take_their_defaults():
    t = sheet("licenses", "license_number,contact_id,affiliated_campus,ecomm_role,salesforce_profile\n"
                          "LN-1,C-1,Boulder,,\n")
    assert (t.frame.loc[0, "ecomm_role"], t.frame.loc[0, "salesforce_profile"]) == ("User", "Standard")


def test_a_specialist_needs_a_campus():
    t = sheet("users", "email,name,role,campus\na@cu.edu,A,specialist,\nb@cu.edu,B,system,\n")
    assert texts(t) == ["users.csv:2 campus: an eComm specialist needs a campus"]


def test_every_bad_cell_of_a_row_is_listed():
    t = sheet("license_apps", "license_number,application,provisioned_on,net_new\n"
                              "LN-1,Salesforce,2026-13-01,perhaps\n")
    assert texts(t) == [
        "license_apps.csv:2 provisioned_on: '2026-13-01' is not a date; write it as YYYY-MM-DD",
        "license_apps.csv:2 net_new: 'perhaps' is not a yes/no value; use true/false, yes/no, 1/0, or x/empty"]


def test_workbook_cells_read_as_csv_text():
    assert _cell_text(None) == ""
    assert _cell_text(True) == "true"
    assert _cell_text(date(2026, 1, 5)) == "2026-01-05"
    assert _cell_text(datetime(2026, 1, 5)) == "2026-01-05"
    assert _cell_text(datetime(2026, 1, 5, 14, 5)) == "2026-01-05T14:05:00"
    assert _cell_text(100001.0) == "100001"
    assert _cell_text(80.5) == "80.5"
    assert _cell_text(61000342) == "61000342"


def test_excel_csv_utf8_with_bom_and_crlf_line_ends():
    data = "\ufeffContact ID,Last Name\r\nC-1,Muñoz\r\n\r\nC-2,Ng\r\n".encode("utf-8")
    raw, problems = read_csv_bytes("contacts.csv", CONTACTS, data)
    t = parse_sheet(raw, split_total=100)
    assert problems == [] and t.problems == []
    assert list(t.frame["last_name"]) == ["Muñoz", "Ng"]
    assert list(t.frame["_line"]) == [2, 4]


def test_fast_and_careful_csv_readers_agree():
    """Arrow reads the usual file; blank lines or ragged rows go to pandas/csv: same cells."""
    import io

    import pandas as pd

    from ecomm.importer import read

    text = ('contact_id,last_name,employee_id,first_name\r\n'
            'C-1,"O\'Neil, Jr.",001007,"two\nlines"\n'
            'C-2,"Say ""hi""",,\n'
            ',,,\n'
            'C-3,Ng,000100,Li\n')
    data = text.encode("utf-8")
    fast = read._read_fast(data, text)
    assert fast is not None
    careful = pd.read_csv(io.StringIO(text), header=None, dtype=str,
                          keep_default_na=False, skip_blank_lines=False)
    assert fast.astype(object).values.tolist() == careful.astype(object).values.tolist()
    raw, problems = read_csv_bytes("contacts.csv", CONTACTS, data)
    t = parse_sheet(raw, split_total=100)
    assert problems == []
    # issue 14 item 7: a name is one line (a row swallowed by a stray quote is refused)
    assert [p.text for p in t.problems] == [
        "contacts.csv:2 first_name: 'two\\nlines' is not a name (one line with at least one "
        "letter, at most 100 characters)"]
    assert list(t.frame["employee_id"].fillna("-")) == ["001007", "-", "000100"]  # zeros kept
    assert list(t.frame["first_name"].fillna("-")) == ["two\nlines", "-", "Li"]
    assert list(t.frame["last_name"]) == ["O'Neil, Jr.", 'Say "hi"', "Ng"]
    assert list(t.frame["_line"]) == [2, 3, 5]  # records, header = 1; the all-empty row skipped
    assert read._read_fast(b"a,b\n\n1,2\n", "a,b\n\n1,2\n") is None
    assert read._read_fast(b"a,b\n1,2,3\n", "a,b\n1,2,3\n") is None


def test_a_duplicate_with_another_bad_cell_is_reported_twice_but_a_bad_key_is_not_a_duplicate():
    t = sheet("employments", "contact_id,campus,status,start_date\n"
                             "C-1,Boulder,Active,2020-01-01\n"
                             "C-1,Boulder,Retired,2020-01-01\n"
                             "C-2,Boulder,Active,\n"
                             "C-2,Boulder,Active,2020-99-01\n")
    assert texts(t) == [
        "employments.csv:3 contact_id, campus, start_date: appears again: same contact_id, campus, "
        "start_date as line 2",
        "employments.csv:3 status: 'Retired' is not a known employment status (one of: Active, Inactive)",
        "employments.csv:5 start_date: '2020-99-01' is not a date; write it as YYYY-MM-DD"]


def test_a_semicolon_separated_file_is_named_as_such():
    t = sheet("contacts", "contact_id;last_name\nC-1;Rivera\n")
    assert texts(t)[0] == ("contacts.csv:1: the header is separated by ';'; the import format is "
                           "comma-separated (save as 'CSV UTF-8')")
