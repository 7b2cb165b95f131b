"""requests.csv imports (import-format.md, issue 3 item 11): every open request is checked by
the rules of the form as of its submitted_at; a refused request refuses the whole import with
its line and column named and nothing written; accepted ones get the form's effects (the
cycle they join, C1; Salesforce removed at once, C4)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.importer import ImportRefused, import_path
from tests.integration.import_samples import SAMPLE, write_sample

HEADER = ("request_id,kind,contact_id,campus,submitted_at,submitted_by,applications,"
          "license_number,replaces_license,business_units,public_groups,unit_speedtypes,"
          "super_user_permissions,cvent_add_ons,course_privacy_awareness_on,"
          "course_it_providers_on,course_pci_on")
UNIT = "N/A - User is Cvent and/or Salesforce only"
GROUP = "N/A - User"
# Monday 2026-11-23 10:00 Denver: November's cutoff is 2026-11-30, so cycle 2026-12.
AT = "2026-11-23T10:00:00"


# A second active Boulder business unit, one LN-0776 is not in yet (C5 group changes add it).
WITH_MUSIC = SAMPLE["reference.csv"] + "business_unit,Boulder,Music,,true\n"


def row(**kw) -> str:
    """One requests.csv row: C-001 (eligible at Boulder, holds Salesforce and Cvent on LN-0776)
    asking Marketing Cloud, submitted by Boulder's specialist; ``kw`` changes cells."""
    cells = dict(request_id="R-9001", kind="provision", contact_id="C-001", campus="Boulder",
                 submitted_at=AT, submitted_by="spec.boulder@colorado.edu",
                 applications="Marketing Cloud", license_number="", replaces_license="",
                 business_units=UNIT, public_groups=GROUP, unit_speedtypes="",
                 super_user_permissions="", cvent_add_ons="", course_privacy_awareness_on="",
                 course_it_providers_on="", course_pci_on="")
    cells.update(kw)
    return ",".join(cells[c] for c in HEADER.split(","))


def requests_csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def load(store, tmp_path, requests: str, **files):
    overrides = {"requests.csv": requests, **{f"{k}.csv": v for k, v in files.items()}}
    return import_path(store, write_sample(tmp_path / "in", overrides), actor="sys@cu.edu")


def refused(store, tmp_path, requests: str, **files) -> list[str]:
    with pytest.raises(ImportRefused) as err:
        load(store, tmp_path, requests, **files)
    return err.value.problems


def nothing_written(store) -> bool:
    tables = ("contacts", "licenses", "license_apps", "requests", "app_users", "reference_values",
              "request_status_history")
    return all(store.query_value(f"SELECT count(*) FROM {t}") == 0 for t in tables)


def test_a_request_the_form_accepts_is_imported_with_the_cycle_it_joins(store, tmp_path):
    report = load(store, tmp_path, requests_csv(row()))
    assert report.file("requests.csv").inserted == 1
    req = store.query_dicts("SELECT * FROM requests WHERE request_id = 'R-9001'")[0]
    assert (req["status"], req["cycle"]) == ("pending", "2026-12")


def test_imported_request_history_starts_at_its_submission_once(store, tmp_path):
    """As a request made in the form: 'pending' at submitted_at by its submitter; a re-import
    of the same file adds nothing."""
    folder = write_sample(tmp_path / "in", {"requests.csv": requests_csv(row())})
    import_path(store, folder, actor="sys@cu.edu")
    sql = ("SELECT happened_at, status, actor, note FROM request_status_history "
           "WHERE request_id = 'R-9001'")
    first = store.query(sql)
    assert [(h[0], h[1], h[2]) for h in first] == [
        (datetime(2026, 11, 23, 17, 0), "pending", "spec.boulder@colorado.edu")]
    assert "imported" in first[0][3] and "sys@cu.edu" in first[0][3]
    import_path(store, folder, actor="sys@cu.edu")
    assert store.query(sql) == first


def test_c2_cycle_of_an_imported_request_is_read_in_denver_time(store, tmp_path):
    # 2026-11-30 is November's cutoff: 23:30 Denver (06:30 UTC on Dec 1st) still makes
    # 2026-12; a Denver Saturday Dec 5th joins 2027-01.
    load(store, tmp_path, requests_csv(
        row(request_id="R-LATE", submitted_at="2026-11-30T23:30:00"),
        row(request_id="R-DEC", kind="change_groups", applications="", license_number="LN-0776",
            submitted_at="2026-12-05T09:00:00", business_units="Music", public_groups=""),
        row(request_id="R-NEXT", contact_id="C-003", campus="Anschutz",
            submitted_by="spec.anschutz@cuanschutz.edu", applications="Salesforce",
            submitted_at="2026-12-01T00:30:00-07:00", course_privacy_awareness_on="2026-10-01",
            course_it_providers_on="2026-10-01", course_pci_on="2026-10-01")),
        reference=WITH_MUSIC)
    cycles = dict(store.query("SELECT request_id, cycle FROM requests WHERE request_id LIKE 'R-%'"))
    assert cycles["R-LATE"] == "2026-12"
    assert cycles["R-NEXT"] == "2027-01"
    assert cycles["R-DEC"] is None           # C5: a group change is off-cycle


def test_refused_request_names_line_and_column_and_nothing_is_written(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(
        row(request_id="R-OK"), row(request_id="R-BAD", applications="Salesforce")))
    assert problems == ["requests.csv:3 applications: P7: Already holds Salesforce: a "
                        "provisioning request adds only applications the user does not have. "
                        "To change what a licensed user has (Cvent add-ons, super-user "
                        "permissions, eComm role, the upgrade from Chatter Free to a full "
                        "Salesforce license) submit a change request (P15); to remove access, "
                        "a deprovisioning request"]
    assert nothing_written(store)


COURSES_OK = dict(course_privacy_awareness_on="2026-10-01", course_it_providers_on="2026-10-01",
                  course_pci_on="2026-10-01")
ANSCHUTZ = dict(contact_id="C-003", campus="Anschutz", submitted_by="spec.anschutz@cuanschutz.edu",
                applications="Salesforce", **COURSES_OK)
NO_EMPLOYEE_ID = SAMPLE["contacts.csv"].replace(",100001,", ",,")
INACTIVE_POI = SAMPLE["contacts.csv"].replace(",x,yes", ",x,no")
NO_AGREEMENT_C3 = "\n".join(line for line in SAMPLE["campaign_members.csv"].splitlines()
                            if not line.startswith("C-003")) + "\n"
NO_QUIZ = SAMPLE["users.csv"].replace("Anschutz,2025-09-03", "Anschutz,")

REFUSALS = [  # rule, the row's cells, other files, column named
    ("P1", dict(campus="Denver", submitted_by="sys@cu.edu"), {}, "contact_id"),
    ("P2", {}, {"contacts": NO_EMPLOYEE_ID}, "contact_id"),
    ("P3", ANSCHUTZ, {"contacts": INACTIVE_POI}, "contact_id"),
    ("P4", ANSCHUTZ, {"campaign_members": NO_AGREEMENT_C3}, "contact_id"),
    ("P5", dict(ANSCHUTZ, course_pci_on="2025-10-01"), {}, "course_pci_on"),
    ("P6", dict(submitted_by="spec.denver@ucdenver.edu"), {}, "submitted_by"),
    ("P7", dict(applications="Cvent"), {}, "applications"),
    ("P8", dict(super_user_permissions="Salesforce Reporting"), {}, "super_user_permissions"),
    ("P9", dict(ANSCHUTZ, cvent_add_ons="Event Management"), {}, "cvent_add_ons"),
    ("P10", dict(replaces_license="LN-0777"), {}, "replaces_license"),
    ("P11", dict(public_groups=""), {}, "public_groups"),
    ("P14", ANSCHUTZ, {"users": NO_QUIZ}, "submitted_by"),
]


@pytest.mark.parametrize("rule,cells,files,column", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_p1_p14_a_rule_the_form_applies_refuses_the_import(store, tmp_path, rule, cells, files,
                                                          column):
    problems = refused(store, tmp_path, requests_csv(row(**cells)), **files)
    assert any(p.startswith(f"requests.csv:2 {column}: {rule}: ") for p in problems), problems
    assert nothing_written(store)


def test_p12_a_split_not_adding_up_refuses_the_import(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(row(unit_speedtypes="61000342:50;61000530:40")))
    assert [p.split(": ")[0] for p in problems] == ["requests.csv:2 unit_speedtypes"]
    assert nothing_written(store)


def test_p5_imported_request_is_judged_as_of_its_submitted_at(store, tmp_path):
    # PCI completed 2025-10-01 is valid through 2026-09-30: fine on 2026-09-15, not later.
    early = dict(ANSCHUTZ, course_privacy_awareness_on="2026-08-01",
                 course_it_providers_on="2026-08-01", course_pci_on="2025-10-01",
                 submitted_at="2026-09-15T10:00:00")
    load(store, tmp_path, requests_csv(row(**early)))
    assert store.query_value("SELECT cycle FROM requests WHERE request_id = 'R-9001'") == "2026-10"


def test_p11_unknown_business_unit_is_refused_naming_the_value(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(row(business_units="Nowhere Unit")))
    assert problems == ["requests.csv:2 business_units: P11: 'Nowhere Unit' is not an active "
                        "business unit of Boulder: choose one of Boulder's business units (the "
                        "System team keeps the list)"]
    assert nothing_written(store)


def test_p11_inactive_public_group_is_refused_but_a_new_one_named_is_allowed(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(row(public_groups="Old Group")))
    assert [p.split(": ")[:2] for p in problems] == [["requests.csv:2 public_groups", "P11"]]
    assert "'Old Group' is not an active public group of Boulder" in problems[0]
    text = (HEADER + ",new_public_group\n"
            + row(public_groups=f"{ref.NEW_PUBLIC_GROUP};01 Boulder Newcomers")
            + ",01 Boulder Newcomers\n")
    load(store, tmp_path, text)
    assert store.query_value("SELECT new_public_group FROM requests WHERE request_id = "
                             "'R-9001'") == "01 Boulder Newcomers"


def test_p11_new_public_group_without_its_name_is_refused(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(row(public_groups=ref.NEW_PUBLIC_GROUP)))
    assert [p.split(": ")[:2] for p in problems] == [["requests.csv:2 public_groups", "P11"]]


def test_history_rows_are_not_rejudged(store, tmp_path):
    header = HEADER + ",status"
    text = (header + "\n" + row(applications="Salesforce", submitted_by="nobody@cu.edu")
            + ",processed\n" + row(request_id="R-9002", campus="Denver") + ",cancelled\n")
    report = load(store, tmp_path, text)
    assert report.file("requests.csv").inserted == 2


def test_held_requests_are_judged_too(store, tmp_path):
    text = HEADER + ",status\n" + row(applications="Salesforce") + ",held\n"
    problems = refused(store, tmp_path, text)
    assert problems[0].startswith("requests.csv:2 applications: P7:")


# -- deprovision (C4) and group changes (C5) -------------------------------------------------

def dep(**kw) -> str:
    cells = dict(request_id="R-DEP", kind="deprovision", applications="Salesforce;Cvent",
                 license_number="LN-0776", business_units="", public_groups="")
    cells.update(kw)
    return row(**cells)


def test_c4_imported_deprovision_removes_salesforce_at_once_the_rest_waits(store, tmp_path):
    load(store, tmp_path, requests_csv(dep()))
    apps = dict(store.query("SELECT application, deprovisioned_on FROM license_apps "
                            "WHERE license_number = 'LN-0776'"))
    assert apps == {ref.SALESFORCE: date(2026, 11, 23), ref.CVENT: None}
    req = store.query_dicts("SELECT * FROM requests WHERE request_id = 'R-DEP'")[0]
    assert (req["status"], req["cycle"], req["salesforce_removed_on"]) == (
        "pending", "2026-12", date(2026, 11, 23))
    entry = store.query_dicts("SELECT * FROM audit_log WHERE action = 'remove_salesforce'")[0]
    assert (entry["entity_id"], entry["actor"]) == ("LN-0776", "sys@cu.edu")
    assert json.loads(entry["after"])["deprovisioned_on"] == "2026-11-23"
    assert "R-DEP" in entry["detail"]


def test_c4_imported_salesforce_only_deprovision_is_completed_at_submission(store, tmp_path):
    load(store, tmp_path, requests_csv(dep(applications="Salesforce")))
    req = store.query_dicts("SELECT * FROM requests WHERE request_id = 'R-DEP'")[0]
    assert (req["status"], req["cycle"], req["processed_at"]) == (
        "completed", None, datetime(2026, 11, 23, 17, 0))
    hist = store.query("SELECT status, note FROM request_status_history WHERE request_id = 'R-DEP' "
                       "ORDER BY happened_at, status DESC")
    assert [h[0] for h in hist] == ["pending", "completed"] and "C4" in hist[1][1]  # as the form


def test_c4_importing_the_same_files_twice_leaves_the_same_data(store, tmp_path):
    folder = write_sample(tmp_path / "in", {"requests.csv": requests_csv(dep())})
    import_path(store, folder, actor="t")
    first = store.query("SELECT * FROM license_apps ORDER BY ALL")
    again = import_path(store, folder, actor="t")
    assert store.query("SELECT * FROM license_apps ORDER BY ALL") == first
    assert again.file("requests.csv").updated == 0
    assert store.query_value("SELECT count(*) FROM audit_log WHERE action = 'remove_salesforce'") == 1


def test_c4_deprovision_refusals_name_the_rule_and_column(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(
        dep(request_id="R-D1", applications="Marketing Cloud"),           # P7: not held
        dep(request_id="R-D2", submitted_by="spec.denver@ucdenver.edu"),  # P6: not Denver's
        dep(request_id="R-D3", campus="Denver", submitted_by="sys@cu.edu"),  # P6: license campus
        dep(request_id="R-D4", license_number="LN-0555")))                # no such license
    heads = [p.split(": ")[0] + ": " + p.split(": ")[1] for p in problems]
    assert "requests.csv:2 applications: P7" in heads
    assert "requests.csv:3 submitted_by: P6" in heads
    assert "requests.csv:4 campus: P6" in heads
    assert any(h.startswith("requests.csv:5 license_number") for h in heads)
    assert nothing_written(store)


def test_c4_two_imported_deprovisions_of_the_same_application_are_both_refused(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(
        dep(request_id="R-D1", applications="Cvent"), dep(request_id="R-D2", applications="Cvent")))
    assert sorted(p.split(": ")[0] for p in problems) == ["requests.csv:2 applications",
                                                          "requests.csv:3 applications"]


def test_c4_a_license_holding_salesforce_past_its_removal_is_refused(store, tmp_path):
    # The sample's R-0002 deprovisioned Salesforce from LN-0777 on submission (2026-01-15, C4);
    # a license_apps.csv that keeps it until 2027-03-03 contradicts that (hypothesis found it:
    # the import crashed with a RuntimeError instead of refusing).
    apps = SAMPLE["license_apps.csv"].replace("2025-07-07,2026-01-15", "2025-07-07,2027-03-03")
    assert apps != SAMPLE["license_apps.csv"]
    problems = refused(store, tmp_path, SAMPLE["requests.csv"], license_apps=apps)
    assert len(problems) == 1 and problems[0].startswith("requests.csv:3 license_number: C4:")
    assert "2027-03-03" in problems[0] and "2026-01-15" in problems[0]
    assert nothing_written(store)


def test_c5_imported_group_change_is_checked_against_the_license_and_reference(store, tmp_path):
    change = dict(request_id="R-G", kind="change_groups", applications="",
                  license_number="LN-0776")
    problems = refused(store, tmp_path, requests_csv(
        row(**change, business_units="Nowhere Unit", public_groups="")))
    assert problems == ["requests.csv:2 business_units: P11: 'Nowhere Unit' is not an active "
                        "business unit of Boulder: choose one of Boulder's business units (the "
                        "System team keeps the list)"]
    # P11: LN-0776 is already in Advancement: only a unit it is not in yet may be asked for
    assert refused(store, tmp_path, requests_csv(row(**change, business_units="Advancement",
                                                     public_groups=""))) == [
        "requests.csv:2 business_units: P11: LN-0776 is already in business unit Advancement: "
        "ask only for what changes"]
    load(store, tmp_path, requests_csv(row(**change, business_units="Music", public_groups="")),
         reference=WITH_MUSIC)
    assert store.query_value("SELECT status FROM requests WHERE request_id = 'R-G'") == "pending"


def test_p5_later_of_dates_a_course_retaken_after_the_date_typed_counts(store, tmp_path):
    # PCI typed as 2025-01-01 is out of date on 2026-11-23; C-001's recorded completion
    # 2026-01-12 is later and valid (P5 counts the later of the two).
    load(store, tmp_path, requests_csv(row(course_pci_on="2025-01-01")))
    assert store.query_value("SELECT status FROM requests WHERE request_id = 'R-9001'") == "pending"


def test_p5_date_typed_out_of_date_without_a_later_completion_is_refused(store, tmp_path):
    problems = refused(store, tmp_path, requests_csv(row(course_pci_on="2025-01-01")),
                       course_completions=SAMPLE["course_completions.csv"].replace(
                           "PCI Compliance,2026-01-12", "PCI Compliance,2024-12-01"))
    assert any(p.startswith("requests.csv:2 course_pci_on: P5: PCI Compliance: completed "
                            "2025-01-01 (on the request), out of date") for p in problems)
