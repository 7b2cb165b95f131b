"""Import is all or nothing: any bad row refuses the whole import, and the refusal lists every bad
row as ``file:line column: what is wrong`` (spec/import-format.md)."""
from __future__ import annotations

import pytest

from ecomm.errors import EcommError
from ecomm.exporter import export_path
from ecomm.importer import ImportRefused, import_files, import_path
from tests.integration.import_samples import SAMPLE, sample_files, write_sample

NONE = {k: None for k in SAMPLE}
DATA_TABLES = ("contacts", "employments", "campaign_members", "course_completions", "licenses",
               "license_apps", "requests", "app_users", "reference_values", "rates", "extra_holidays")


def refused(store, folder) -> list[str]:
    with pytest.raises(ImportRefused) as err:
        import_path(store, folder, actor="t")
    return err.value.problems


def nothing_written(store) -> bool:
    return all(store.query_value(f"SELECT count(*) FROM {t}") == 0 for t in DATA_TABLES) and \
        store.query_value("SELECT count(*) FROM audit_log WHERE action = 'import'") == 0


def test_every_bad_row_of_every_file_is_listed_and_nothing_is_written(store, tmp_path):
    bad = {
        "contacts.csv": SAMPLE["contacts.csv"] + "C-004,,Kim,,,,,,,,maybe,\n",
        "licenses.csv": SAMPLE["licenses.csv"].replace("LN-0777,C-002,Denver", "LN0777,C-002,Denverr"),
        "rates.csv": SAMPLE["rates.csv"] + "2027,Geopointe,-3\n",
        "holidays.csv": "date,name\n12/24/2026,Closure\n",
    }
    problems = refused(store, write_sample(tmp_path / "in", bad))
    assert problems == [
        "contacts.csv:5 last_name: is required but empty",
        "contacts.csv:5 poi: 'maybe' is not a yes/no value; use true/false, yes/no, 1/0, or x/empty",
        "licenses.csv:3 license_number: 'LN0777' is not a license number ('LN-' and digits, e.g. LN-0776)",
        "licenses.csv:3 affiliated_campus: 'Denverr' is not a campus (one of: Anschutz, Boulder, "
        "Boulder Advancement, Denver, UCCS, System)",
        # the bad license number leaves its applications pointing at no license
        "license_apps.csv:4 license_number: no license 'LN-0777' in licenses.csv or in the database",
        "rates.csv:6 monthly_rate: '-3' is negative; a rate must be zero or more",
        "holidays.csv:2 date: '12/24/2026' is not a date; write it as YYYY-MM-DD",
    ]
    assert nothing_written(store)


def test_refusal_message_names_the_files_and_says_nothing_was_loaded(store, tmp_path):
    with pytest.raises(ImportRefused) as err:
        import_path(store, write_sample(tmp_path / "in", {"holidays.csv": "date\nsoon\n"}), actor="t")
    assert isinstance(err.value, EcommError)
    assert "1 problem in holidays.csv" in err.value.message
    assert "Nothing was loaded" in err.value.message


def test_a_bad_import_leaves_earlier_data_as_it_was(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    export_path(store, tmp_path / "before")
    changed = {"contacts.csv": SAMPLE["contacts.csv"].replace("Rivera", "Changed"),
               "rates.csv": SAMPLE["rates.csv"] + "2027,Geopointe,1.005\n"}
    problems = refused(store, write_sample(tmp_path / "in2", changed))
    assert problems == ["rates.csv:6 monthly_rate: '1.005' is not an amount in dollars and cents (e.g. 125.50)"]
    export_path(store, tmp_path / "after")
    for f in (tmp_path / "before").iterdir():
        assert f.read_bytes() == (tmp_path / "after" / f.name).read_bytes(), f.name


def test_unknown_column_refuses_the_import(store, tmp_path):
    contacts = SAMPLE["contacts.csv"].replace("employee_id", "employe_id")
    problems = refused(store, write_sample(tmp_path / "in", {"contacts.csv": contacts}))
    assert len(problems) == 1 and problems[0].startswith("contacts.csv:1 employe_id: unknown column")
    assert nothing_written(store)


def test_license_of_an_unknown_contact_is_refused(store, tmp_path):
    files = {**NONE, "contacts.csv": SAMPLE["contacts.csv"],
             "licenses.csv": "license_number,contact_id,affiliated_campus,campus_speedtype\n"
                             "LN-1,C-001,Boulder,510\nLN-2,C-999,Boulder,510\n"}
    assert refused(store, write_sample(tmp_path / "in", files)) == [
        "licenses.csv:3 contact_id: no contact 'C-999' in contacts.csv or in the database"]
    assert nothing_written(store)


@pytest.mark.parametrize("name,text,expected", [
    ("employments.csv", "contact_id,campus,status\nC-404,Boulder,Active\n",
     "employments.csv:2 contact_id: no contact 'C-404' in contacts.csv or in the database"),
    ("campaign_members.csv", "contact_id,campaign\nC-404,X\n",
     "campaign_members.csv:2 contact_id: no contact 'C-404' in contacts.csv or in the database"),
    ("course_completions.csv", "contact_id,course,completed_on\nC-404,PCI Compliance,2026-01-01\n",
     "course_completions.csv:2 contact_id: no contact 'C-404' in contacts.csv or in the database"),
    ("license_apps.csv", "license_number,application,provisioned_on\nLN-404,Cvent,2026-01-01\n",
     "license_apps.csv:2 license_number: no license 'LN-404' in licenses.csv or in the database"),
    ("requests.csv", "request_id,kind,contact_id,campus,submitted_at,submitted_by\n"
                     "R-9,provision,C-404,Boulder,2026-01-01T10:00:00,a@cu.edu\n",
     "requests.csv:2 contact_id: no contact 'C-404' in contacts.csv or in the database"),
])
def test_rows_pointing_at_unknown_records_are_refused(store, tmp_path, name, text, expected):
    problems = refused(store, write_sample(tmp_path / "in", {name: text}))
    assert problems == [expected]


def test_duplicate_keys_inside_a_file_are_refused(store, tmp_path):
    apps = SAMPLE["license_apps.csv"] + "LN-0776,salesforce,2026-05-04,,false,\n"
    assert refused(store, write_sample(tmp_path / "in", {"license_apps.csv": apps})) == [
        "license_apps.csv:5 license_number, application, provisioned_on: appears again: "
        "same license_number, application, provisioned_on as line 2"]


def test_p12_unit_speedtypes_must_add_up_to_the_setting(store, tmp_path):
    bad = SAMPLE["licenses.csv"].replace("61000342:20;61000530:80", "61000342:20;61000530:70")
    problems = refused(store, write_sample(tmp_path / "in", {"licenses.csv": bad}))
    assert problems == ["licenses.csv:2 unit_speedtypes: P12: the percentages add up to 90, not 100"]
    # the total is the unit_speedtype_split_total setting, not a literal
    store.write(lambda cur: cur.execute(
        "UPDATE settings SET value = '90' WHERE key = 'unit_speedtype_split_total'"))
    report = import_path(store, write_sample(tmp_path / "in2", {"licenses.csv": bad}), actor="t")
    assert report.file("licenses.csv").inserted == 2


def test_malformed_unit_speedtypes_are_refused(store, tmp_path):
    bad = SAMPLE["licenses.csv"].replace("61000342:20;61000530:80", "61000342=20;61000530=80")
    problems = refused(store, write_sample(tmp_path / "in", {"licenses.csv": bad}))
    assert len(problems) == 1 and problems[0].startswith("licenses.csv:2 unit_speedtypes: ")


def test_bad_datetime_is_refused(store, tmp_path):
    bad = SAMPLE["campaign_members.csv"].replace("2026-03-02T09:15:00", "March 2nd")
    problems = refused(store, write_sample(tmp_path / "in", {"campaign_members.csv": bad}))
    assert problems == ["campaign_members.csv:2 signed_at: 'March 2nd' is not a date-time; write it as "
                        "ISO 8601, e.g. 2026-11-23T14:05:00 (America/Denver time) or with an offset"]


def test_unknown_file_in_the_folder_is_refused(store, tmp_path):
    folder = write_sample(tmp_path / "in")
    (folder / "contact.csv").write_text("contact_id,last_name\nC-9,X\n")
    problems = refused(store, folder)
    assert len(problems) == 1 and problems[0].startswith("contact.csv: not a file of the import format")
    assert nothing_written(store)


def test_long_problem_lists_are_capped_with_a_count(store, tmp_path):
    rows = "".join(f"C-{i},\n" for i in range(1500))
    problems = refused(store, write_sample(tmp_path / "in", {**NONE, "contacts.csv": "contact_id,last_name\n" + rows}))
    assert len(problems) == 1001
    assert problems[0] == "contacts.csv:2 last_name: is required but empty"
    assert problems[999] == "contacts.csv:1001 last_name: is required but empty"
    assert problems[-1] == "... and 500 more problems not listed"


def test_a_refusal_keeps_every_problem_and_their_count(store, tmp_path):
    """Issue 14 item 11: past the 1,000 listed, the refusal still holds all of them."""
    rows = "".join(f"C-{i},\n" for i in range(1500))
    folder = write_sample(tmp_path / "in", {**NONE, "contacts.csv": "contact_id,last_name\n" + rows})
    with pytest.raises(ImportRefused) as refused_:
        import_path(store, folder, actor="t")
    assert refused_.value.total == 1500
    assert len(refused_.value.all_problems) == 1500
    assert refused_.value.all_problems[-1] == "contacts.csv:1501 last_name: is required but empty"


def test_nothing_to_import_is_an_error(store, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(EcommError, match="No CSV files"):
        import_path(store, tmp_path / "empty", actor="t")
    with pytest.raises(EcommError, match="There is no file or folder"):
        import_path(store, tmp_path / "missing", actor="t")


def test_uploads_mixing_a_workbook_and_csv_files_are_refused(store):
    with pytest.raises(EcommError, match="either CSV files or one XLSX workbook"):
        import_files(store, {"a.xlsx": b"PK", **sample_files()}, actor="t")


def test_a_header_only_file_loads_nothing_and_is_fine(store, tmp_path):
    report = import_path(store, write_sample(tmp_path / "in", {**NONE, "rates.csv": "fiscal_year,application,monthly_rate\n"}),
                         actor="t")
    assert [(f.file, f.rows, f.inserted) for f in report.files] == [("rates.csv", 0, 0)]


def test_deprovision_request_must_name_its_license(store, tmp_path):
    requests = SAMPLE["requests.csv"].replace(",Salesforce,LN-0777,", ",Salesforce,,")
    assert refused(store, write_sample(tmp_path / "in", {"requests.csv": requests})) == [
        "requests.csv:3 license_number: a deprovision or change_groups request names the license it changes"]


def test_request_rules_hook_runs_after_the_rows_are_written_and_can_refuse_all(store, tmp_path, monkeypatch):
    """The hook for P1-P14 on requests.csv sees this import's rows; its problems undo everything."""
    from ecomm.importer import load
    from ecomm.importer.read import FILE_RANK, Problem

    seen = {}

    def rules(cur, table, *_):
        seen["contacts"] = cur.execute("SELECT count(*) FROM contacts").fetchone()[0]
        seen["lines"] = dict(zip(table.frame["request_id"], table.frame["_line"]))
        return [Problem(FILE_RANK["requests"], 2, 0, "requests.csv:2 contact_id: P4: no agreement",
                        "requests.csv")]

    monkeypatch.setattr(load, "_check_request_rules", rules)
    assert refused(store, write_sample(tmp_path / "in")) == ["requests.csv:2 contact_id: P4: no agreement"]
    assert seen == {"contacts": 3, "lines": {"R-0001": 2, "R-0002": 3}}
    assert nothing_written(store)



# -- P12 (rev 2): every imported license has a campus billing speedtype -------------------------
def test_p12_imported_license_without_speedtype_takes_its_billing_campus_default(tmp_path):
    from ecomm.importer import import_path
    from ecomm.storage import Store
    from tests.integration.import_samples import write_sample
    store = Store(tmp_path / "p12.duckdb")
    import_path(store, write_sample(tmp_path / "in"), actor="sys@cu.edu")
    # LN-0777 (Denver, no campus_speedtype in the file) takes Denver's default
    assert store.query_value("SELECT campus_speedtype FROM licenses "
                             "WHERE license_number = 'LN-0777'") == "Denver – 62000100"
    assert store.query_value("SELECT campus_speedtype FROM licenses "
                             "WHERE license_number = 'LN-0776'") == "61000342"


def test_p12_imported_license_with_neither_speedtype_nor_default_is_refused_and_named(tmp_path):
    from ecomm.importer import import_path
    from ecomm.importer.report import ImportRefused
    from ecomm.storage import Store
    from tests.integration.import_samples import SAMPLE, write_sample
    reference = "\n".join(line for line in SAMPLE["reference.csv"].splitlines()
                          if "campus_billing_speedtype,Denver" not in line) + "\n"
    store = Store(tmp_path / "p12.duckdb")
    with pytest.raises(ImportRefused) as err:
        import_path(store, write_sample(tmp_path / "in", {"reference.csv": reference}),
                    actor="sys@cu.edu")
    assert any(p.startswith("licenses.csv:3 campus_speedtype: P12: LN-0777") for p in err.value.problems)
    assert store.query_value("SELECT count(*) FROM licenses") == 0
