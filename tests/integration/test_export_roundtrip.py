"""Export (spec/cli.md `export`): every table of the import format as CSV, a backup that import
reads back; importing it into an empty database and exporting again gives the same bytes."""
from __future__ import annotations

import csv
from datetime import datetime

from ecomm.exporter import export_path
from ecomm.importer import import_path
from ecomm.importer.columns import FILES
from ecomm.storage import Store
from tests.integration.import_samples import write_sample


def rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_export_import_export_is_byte_identical(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    first = export_path(store, tmp_path / "one")
    assert sorted(p.name for p in first) == sorted(f.file_name for f in FILES)
    with Store(tmp_path / "empty.duckdb") as fresh:
        import_path(fresh, tmp_path / "one", actor="t")
        second = export_path(fresh, tmp_path / "two")
    for a, b in zip(first, second):
        assert a.name == b.name
        assert a.read_bytes() == b.read_bytes(), a.name


def test_empty_database_exports_a_header_for_every_file(store, tmp_path):
    written = export_path(store, tmp_path / "out")
    assert len(written) == len(FILES)
    for spec, path in zip(FILES, written):
        assert path.read_text(encoding="utf-8") == ",".join(c.name for c in spec.columns) + "\n"


def test_export_writes_denver_time_with_offset_and_canonical_values(store, tmp_path):
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    out = tmp_path / "out"
    export_path(store, out)
    members = {r["contact_id"]: r for r in rows(out / "campaign_members.csv")}
    assert members["C-001"]["signed_at"] == "2026-03-02T09:15:00-07:00"
    lic = {r["license_number"]: r for r in rows(out / "licenses.csv")}
    assert lic["LN-0776"]["business_units"] == "Advancement;Athletics"
    assert lic["LN-0777"]["not_a_sender"] == "true"
    assert lic["LN-0777"]["quiz_passed_on"] == ""
    rates = {r["application"]: r for r in rows(out / "rates.csv")}
    assert rates["Marketing Cloud"]["monthly_rate"] == "80.50"
    assert {r["email"] for r in rows(out / "users.csv")} >= {"spec.boulder@colorado.edu"}
    emp = rows(out / "employments.csv")
    assert [r["department"] for r in emp if r["contact_id"] == "C-002" and not r["start_date"]] == [
        "Business School, Marketing"]


def test_summer_time_exports_with_its_own_offset(store, tmp_path):
    contacts = "contact_id,last_name\nC-1,A\n"
    members = "contact_id,campaign,signed_at\nC-1,X,2026-07-01T14:00:00Z\n"
    import_path(store, write_sample(tmp_path / "in", {
        **{k: None for k in ("employments.csv", "course_completions.csv", "licenses.csv",
                             "license_apps.csv", "requests.csv")},
        "contacts.csv": contacts, "campaign_members.csv": members}), actor="t")
    assert store.query_value("SELECT signed_at FROM campaign_members") == datetime(2026, 7, 1, 14, 0)
    export_path(store, tmp_path / "out")
    assert rows(tmp_path / "out" / "campaign_members.csv")[0]["signed_at"] == "2026-07-01T08:00:00-06:00"


def test_demo_rates_and_request_progress_survive_the_round_trip(store, tmp_path):
    """The backup keeps what the spec's columns do not: is_demo (B2), a request's status."""
    rates = "fiscal_year,application,monthly_rate,is_demo\n2027,Salesforce,125,true\n2026,Salesforce,120,\n"
    # a held request is still open: it passes the form's rules as of its submission
    requests = ("request_id,kind,contact_id,campus,submitted_at,submitted_by,applications,"
                "business_units,public_groups,status,cycle,held_reasons\n"
                "R-1,provision,C-001,Boulder,2026-10-30T10:00:00,spec.boulder@colorado.edu,"
                "Marketing Cloud,Advancement,N/A - User,held,2026-11,P4;P5\n")
    import_path(store, write_sample(tmp_path / "in", {"rates.csv": rates, "requests.csv": requests}),
                actor="t")
    assert dict(store.query("SELECT fiscal_year, is_demo FROM rates")) == {2027: True, 2026: False}
    export_path(store, tmp_path / "one")
    with Store(tmp_path / "fresh.duckdb") as fresh:
        import_path(fresh, tmp_path / "one", actor="t")
        req = fresh.query_dicts("SELECT status, cycle, held_reasons FROM requests")[0]
        assert req == {"status": "held", "cycle": "2026-11", "held_reasons": ["P4", "P5"]}
        assert dict(fresh.query("SELECT fiscal_year, is_demo FROM rates")) == {2027: True, 2026: False}
