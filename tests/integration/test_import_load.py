"""Import (spec/import-format.md): loading, upserting by key, audit (A4), workbooks and uploads."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm.exporter import export_path
from ecomm.importer import ImportReport, import_files, import_path
from ecomm.storage import Store
from ecomm.storage import imports as import_store
from tests.integration.import_samples import ROWS, SAMPLE, sample_files, write_sample, write_workbook

TABLES = {"contacts.csv": "contacts", "employments.csv": "employments",
          "campaign_members.csv": "campaign_members", "course_completions.csv": "course_completions",
          "licenses.csv": "licenses", "license_apps.csv": "license_apps", "requests.csv": "requests",
          "users.csv": "app_users", "reference.csv": "reference_values", "rates.csv": "rates",
          "seats.csv": "seats", "holidays.csv": "extra_holidays"}


def count(store, table: str) -> int:
    return store.query_value(f"SELECT count(*) FROM {table}")


def test_sample_loads_every_file_into_its_table(store, tmp_path):
    report = import_path(store, write_sample(tmp_path / "in"), actor="sys@cu.edu")
    assert isinstance(report, ImportReport)
    for name, table in TABLES.items():
        f = report.file(name)
        assert (f.table, f.rows, f.inserted, f.updated, f.unchanged) == (table, ROWS[name], ROWS[name], 0, 0)
        assert count(store, table) == ROWS[name], table


def test_values_are_stored_canonically(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="sys@cu.edu")
    lic = store.query_dicts("SELECT * FROM licenses WHERE license_number = 'LN-0776'")[0]
    assert lic["business_units"] == ["Advancement", "Athletics"]
    assert lic["unit_speedtypes"] == "61000342:20;61000530:80"
    assert lic["quiz_passed_on"] == date(2026, 4, 1)
    assert lic["not_a_sender"] is False
    other = store.query_dicts("SELECT * FROM licenses WHERE license_number = 'LN-0777'")[0]
    assert other["additional_specialists"] == ["sys@cu.edu", "other@cu.edu"]
    assert (other["ecomm_role"], other["salesforce_profile"]) == ("MEC", "Chatter Free User")
    # date-times without an offset are Denver time, stored as naive UTC
    signed = dict(store.query("SELECT contact_id, signed_at FROM campaign_members"))
    assert signed["C-001"] == datetime(2026, 3, 2, 16, 15)
    assert signed["C-002"] == datetime(2026, 3, 3, 23, 40)
    # users: emails lower-cased
    assert store.query_value("SELECT name FROM app_users WHERE email = 'spec.boulder@colorado.edu'") == "Sam Boulder"
    rates = dict(store.query("SELECT application, monthly_rate FROM rates"))
    assert rates["Marketing Cloud"] == Decimal("80.50") and rates["Cvent"] == Decimal("45.00")
    poi = dict(store.query("SELECT contact_id, poi_active FROM contacts"))
    assert poi == {"C-001": None, "C-002": None, "C-003": True}
    ref = dict(store.query("SELECT value, active FROM reference_values"))
    assert ref["Old Group"] is False and ref["Advancement"] is True
    req = store.query_dicts("SELECT * FROM requests WHERE request_id = 'R-0001'")[0]
    assert req["status"] == "pending" and req["applications"] == ["Salesforce", "Marketing Cloud"]
    assert req["course_pci_on"] == date(2026, 10, 3)


def test_campus_aliases_are_accepted(store, tmp_path):
    emp = "contact_id,campus,status\nC-001,Boulder Adv,Active\nC-002,cu denver,Active\n"
    import_path(store, write_sample(tmp_path / "in", {"employments.csv": emp}), actor="t")
    assert sorted(r[0] for r in store.query("SELECT campus FROM employments")) == [
        "Boulder Advancement", "Denver"]


def test_importing_the_same_files_twice_changes_nothing(store, tmp_path):
    folder = write_sample(tmp_path / "in")
    import_path(store, folder, actor="t")
    export_path(store, tmp_path / "before")
    again = import_path(store, folder, actor="t")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, sum(ROWS.values()))
    export_path(store, tmp_path / "after")
    for f in (tmp_path / "before").iterdir():
        assert f.read_bytes() == (tmp_path / "after" / f.name).read_bytes(), f.name


def test_changed_rows_are_updated_by_key_and_absent_columns_kept(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    # a narrower CRM report: only two columns, one name changed, one new contact
    narrow = "Contact ID,Last Name\nC-001,Rivera-Lopez\nC-002,Chen\nC-004,New\n"
    report = import_path(store, write_sample(tmp_path / "in2", {**{k: None for k in SAMPLE},
                                                                "contacts.csv": narrow}), actor="t")
    f = report.file("contacts.csv")
    assert (f.inserted, f.updated, f.unchanged) == (1, 1, 1)
    row = store.query_dicts("SELECT * FROM contacts WHERE contact_id = 'C-001'")[0]
    assert row["last_name"] == "Rivera-Lopez"
    assert row["first_name"] == "Ana" and row["employee_id"] == "100001"  # not in the file: kept
    assert store.query_value("SELECT poi FROM contacts WHERE contact_id = 'C-004'") is False  # default


def test_an_empty_cell_in_a_present_column_clears_the_value(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    contacts = "contact_id,last_name,first_name\nC-001,Rivera,\n"
    report = import_path(store, write_sample(tmp_path / "in2", {**{k: None for k in SAMPLE},
                                                                "contacts.csv": contacts}), actor="t")
    assert report.file("contacts.csv").updated == 1
    assert store.query_value("SELECT first_name FROM contacts WHERE contact_id = 'C-001'") is None


def test_employment_with_empty_start_date_is_upserted_not_duplicated(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    emp = SAMPLE["employments.csv"].replace("Business School, Marketing", "Business School")
    report = import_path(store, write_sample(tmp_path / "in2", {**{k: None for k in SAMPLE},
                                                                "employments.csv": emp}), actor="t")
    f = report.file("employments.csv")
    assert (f.inserted, f.updated, f.unchanged) == (0, 1, 2)
    assert count(store, "employments") == 3
    assert store.query_value("SELECT department FROM employments WHERE start_date IS NULL") == "Business School"


def test_bulk_update_path_gives_the_same_result_as_row_updates(db_path, tmp_path, monkeypatch):
    """Many updated rows are merged into a fresh copy of the table; the result is the same."""
    changed = {
        # (C-003 stays an active POI: R-0001, pending, is rule-checked again)
        "contacts.csv": SAMPLE["contacts.csv"].replace("Ana", "Anna").replace("Okafor", "Okafor-Eze"),
        "licenses.csv": SAMPLE["licenses.csv"].replace("Advancement;Athletics", "Athletics")
                                              .replace(",User,", ",MEC,"),
        "employments.csv": SAMPLE["employments.csv"].replace("Writer", "Editor")
                                                    .replace("Coordinator", "Director"),
        "requests.csv": SAMPLE["requests.csv"].replace("Salesforce;Marketing Cloud", "Cvent"),
    }
    narrow_new = "contact_id,last_name\nC-009,Added\nC-001,Rivera\n"
    results = []
    for threshold in (10**9, 0):
        monkeypatch.setattr(import_store, "BULK_UPDATE_ROWS", threshold)
        with Store(tmp_path / f"t{threshold}.duckdb") as s:
            import_path(s, write_sample(tmp_path / f"a{threshold}"), actor="t")
            rep = import_path(s, write_sample(tmp_path / f"b{threshold}", changed), actor="t")
            rep2 = import_path(s, write_sample(tmp_path / f"c{threshold}", {
                **{k: None for k in SAMPLE}, "contacts.csv": narrow_new}), actor="t")
            export_path(s, tmp_path / f"out{threshold}")
            indexes = sorted(r[0] for r in s.query("SELECT index_name FROM duckdb_indexes()"))
            results.append(([(f.file, f.inserted, f.updated, f.unchanged) for f in rep.files + rep2.files],
                            indexes))
    assert results[0] == results[1]
    assert ("contacts.csv", 0, 2, 1) in results[0][0]
    for f in (tmp_path / "out0").iterdir():
        assert f.read_bytes() == (tmp_path / f"out{10**9}" / f.name).read_bytes(), f.name
    assert "Anna" in (tmp_path / "out0" / "contacts.csv").read_text()


def test_missing_files_are_fine(store, tmp_path):
    folder = write_sample(tmp_path / "in", {k: None for k in SAMPLE if k != "holidays.csv"})
    report = import_path(store, folder, actor="t")
    assert [f.file for f in report.files] == ["holidays.csv"]
    assert count(store, "extra_holidays") == 2 and count(store, "contacts") == 0


def test_references_may_point_at_rows_already_in_the_database(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    only_licenses = {k: None for k in SAMPLE}
    only_licenses["license_apps.csv"] = "license_number,application,provisioned_on\nLN-0777,Cvent,2026-02-02\n"
    only_licenses["licenses.csv"] = ("license_number,contact_id,affiliated_campus\n"
                                     "LN-0900,C-003,Anschutz\n")
    report = import_path(store, write_sample(tmp_path / "in2", only_licenses), actor="t")
    assert report.file("licenses.csv").inserted == 1 and report.file("license_apps.csv").inserted == 1


def test_one_audit_entry_per_file(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="sys@cu.edu")
    rows = store.query_dicts("SELECT actor, action, entity, entity_id, detail FROM audit_log "
                             "WHERE action = 'import' ORDER BY audit_id")
    assert [r["entity"] for r in rows] == list(TABLES.values())
    assert {r["actor"] for r in rows} == {"sys@cu.edu"}
    first = json.loads(rows[0]["detail"])
    assert first == {"file": "contacts.csv", "rows": 3, "inserted": 3, "updated": 0, "unchanged": 0}


def test_progress_is_reported_up_to_done(store, tmp_path):
    seen = []
    import_path(store, write_sample(tmp_path / "in"), actor="t",
                progress=lambda message, fraction: seen.append((message, fraction)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("licenses.csv" in m for m, _ in seen)


def test_uploaded_csv_files_load_like_a_folder(store, tmp_path):
    report = import_files(store, sample_files(), actor="t")
    assert report.inserted == sum(ROWS.values())
    assert count(store, "licenses") == 2


def test_workbook_loads_like_the_csv_folder(tmp_path):
    with Store(tmp_path / "csv.duckdb") as a:
        import_path(a, write_sample(tmp_path / "in"), actor="t")
        export_path(a, tmp_path / "from_csv")
    with Store(tmp_path / "xlsx.duckdb") as b:
        book = write_workbook(tmp_path / "data.xlsx", typed=True)
        report = import_path(b, book, actor="t")
        assert report.file("contacts").rows == 3
        export_path(b, tmp_path / "from_xlsx")
    for f in (tmp_path / "from_csv").iterdir():
        assert f.read_text() == (tmp_path / "from_xlsx" / f.name).read_text(), f.name


def test_workbook_upload_and_its_problems_name_sheet_rows(store, tmp_path):
    book = write_workbook(tmp_path / "data.xlsx", {
        "contacts.csv": "contact_id,last_name\nC-1,A\nC-2,\n"})
    from ecomm.importer import ImportRefused
    with pytest.raises(ImportRefused) as err:
        import_files(store, {"data.xlsx": book.read_bytes()}, actor="t")
    assert err.value.problems == ["contacts:3 last_name: is required but empty"]
