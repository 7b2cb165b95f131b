"""Storage reads behind the eligibility rules: a contact's facts (P1-P5, P13), search, held and
requested applications (P7), the replaced license (P10), Policy and calendar settings."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound
from ecomm.policy import Policy
from ecomm.rules import check_contact
from ecomm.storage import calendar as cal_store
from ecomm.storage.contacts import (find_duplicates, held_applications, load_contact_facts,
                                    load_license, load_replaced_license, pending_removals,
                                    requested_applications, search_contacts)
from ecomm.storage.settings import load_policy
from tests.integration.contacts_synthetic import seed_contacts

ON = date(2026, 11, 23)
AGREEMENT = ref.AGREEMENT_CAMPAIGN


# -- a small SQL test helper (the importer is written elsewhere) ------------------------------

def insert(store, table: str, *rows: dict) -> None:
    """Insert rows (dicts of column -> value) into ``table`` in one write."""
    def run(cur):
        for row in rows:
            cols = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            cur.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
    store.write(run)


def contact(store, contact_id, last, first=None, **kw):
    insert(store, "contacts", {"contact_id": contact_id, "last_name": last, "first_name": first, **kw})


def request(store, request_id, kind, contact_id, **kw):
    row = {"request_id": request_id, "kind": kind, "contact_id": contact_id, "campus": "Boulder",
           "submitted_at": datetime(2026, 11, 2, 17), "submitted_by": "spec@cu.edu", **kw}
    insert(store, "requests", row)


@pytest.fixture
def jane(store):
    """An eligible Boulder contact with records of every kind."""
    contact(store, "C-1", "Doe", "Jane", email="jane@gmail.com", employee_id="E1010",
            ucb_email="Jane.Doe@colorado.edu")
    insert(store, "employments",
           {"contact_id": "C-1", "campus": "Denver", "status": "Inactive",
            "start_date": date(2015, 1, 1), "end_date": date(2019, 12, 31)},
           {"contact_id": "C-1", "campus": "Boulder", "status": "Active",
            "start_date": date(2020, 1, 6), "department": "Advancement"})
    insert(store, "campaign_members",
           {"contact_id": "C-1", "campaign": "Some newsletter", "signed_at": None},
           {"contact_id": "C-1", "campaign": AGREEMENT, "signed_at": datetime(2026, 10, 1, 15)})
    insert(store, "course_completions", *[
        {"contact_id": "C-1", "course": c, "completed_on": d}
        for c in ref.COURSES for d in (date(2024, 3, 1), date(2026, 9, 1))])
    insert(store, "licenses", {"license_number": "LN-0001", "contact_id": "C-1",
                               "affiliated_campus": "Boulder", "business_units": ["BU1"],
                               "public_groups": ["PG1"], "additional_specialists": ["x@cu.edu"]})
    insert(store, "license_apps",
           {"license_number": "LN-0001", "application": "Salesforce",
            "provisioned_on": date(2025, 7, 1)},
           {"license_number": "LN-0001", "application": "Cvent",
            "provisioned_on": date(2025, 7, 1), "deprovisioned_on": date(2026, 3, 31)})
    return "C-1"


def test_load_contact_facts_reads_every_record(store, jane):
    f = load_contact_facts(store, jane)
    assert f.contact.name == "Jane Doe" and f.contact.ucb_email == "Jane.Doe@colorado.edu"
    assert [(e.campus, e.status) for e in f.employments] == [("Denver", "Inactive"),
                                                             ("Boulder", "Active")]
    assert f.agreement.signed_at == datetime(2026, 10, 1, 15)
    assert f.courses == {c: date(2026, 9, 1) for c in ref.COURSES}   # the latest per course
    assert [lic.license_number for lic in f.licenses] == ["LN-0001"]
    assert f.licenses[0].additional_specialists == ["x@cu.edu"]
    assert f.held_applications(ON) == {"Salesforce"}
    assert f.held_applications(date(2026, 3, 30)) == {"Salesforce", "Cvent"}
    assert f.duplicates == []
    assert check_contact(f, "Boulder", ON, Policy()).eligible


def test_unknown_contact_is_not_found(store):
    with pytest.raises(NotFound, match="no contact 'C-404'"):
        load_contact_facts(store, "C-404")


def test_contact_without_records_loads_empty(store):
    contact(store, "C-2", "Solo")
    f = load_contact_facts(store, "C-2")
    assert (f.employments, f.agreement, f.courses, f.licenses, f.duplicates) == ([], None, {}, [], [])
    assert f.contact.poi is False


def test_hand_added_agreement_keeps_who_and_why(store):
    contact(store, "C-3", "Roe", "Rick", employee_id="E3")
    insert(store, "campaign_members", {"contact_id": "C-3", "campaign": AGREEMENT,
                                       "added_by": "spec@cu.edu", "reason": "DCR-77 filed"})
    a = load_contact_facts(store, "C-3").agreement
    assert (a.signed_at, a.added_by, a.reason, a.counts) == (None, "spec@cu.edu", "DCR-77 filed", True)


# -- P13 duplicates ----------------------------------------------------------------------------

def test_p13_same_employee_id_is_found(store, jane):
    contact(store, "C-9", "Dough", "J.", employee_id="E1010")
    dups = load_contact_facts(store, jane).duplicates
    assert [(d.contact_id, d.matched_on, d.employee_id) for d in dups] == [("C-9", "employee_id", "E1010")]


def test_p13_same_name_and_email_in_another_field_is_found(store, jane):
    # same name (other case), Jane's UCB Email sits in the duplicate's primary email field
    contact(store, "C-8", "DOE", "jane", email="jane.doe@COLORADO.edu")
    dups = load_contact_facts(store, jane).duplicates
    assert [(d.contact_id, d.matched_on, d.matching_email) for d in dups] == [
        ("C-8", "name_email", "jane.doe@colorado.edu")]


def test_p13_same_name_without_common_email_or_same_email_other_name_is_not_a_duplicate(store, jane):
    contact(store, "C-7", "Doe", "Jane", email="other@gmail.com")
    contact(store, "C-6", "Doe", "John", email="jane@gmail.com")
    assert load_contact_facts(store, jane).duplicates == []


def test_p4_agreement_on_the_duplicate_fails_with_dcr_advice(store):
    contact(store, "C-1", "Doe", "Jane", email="jane@gmail.com", employee_id="E1",
            ucb_email="jane.doe@colorado.edu")
    contact(store, "C-2", "Doe", "Jane", email="jane.doe@colorado.edu")
    insert(store, "campaign_members", {"contact_id": "C-2", "campaign": AGREEMENT,
                                       "signed_at": datetime(2026, 10, 3, 9)})
    insert(store, "course_completions", {"contact_id": "C-2", "course": ref.COURSE_PCI,
                                         "completed_on": date(2026, 10, 4)})
    f = load_contact_facts(store, "C-1")
    assert f.duplicates[0].agreement.signed_at == datetime(2026, 10, 3, 9)
    assert f.duplicates[0].courses == {ref.COURSE_PCI: date(2026, 10, 4)}
    res = check_contact(f, "Boulder", ON, Policy())
    p4 = [r.message for r in res.failures if r.rule == "P4"]
    assert len(p4) == 1 and "duplicate contact C-2" in p4[0] and "Data Change Request" in p4[0]
    assert [w.rule for w in res.warnings] == ["P13"]


def test_find_duplicates_takes_a_contact(store, jane):
    contact(store, "C-9", "X", employee_id="E1010")
    me = load_contact_facts(store, jane).contact
    assert [d.contact_id for d in find_duplicates(store, me)] == ["C-9"]


# -- search -------------------------------------------------------------------------------------

@pytest.fixture
def people(store):
    contact(store, "C-1", "Doe", "Jane", email="jane@gmail.com", employee_id="E1010",
            ucb_email="jane.doe@colorado.edu")
    contact(store, "C-2", "Doe", "John", employee_id="E2020", ucd_email="john.doe@ucdenver.edu")
    contact(store, "C-3", "Smith", "Ann_e", employee_id="E3030", uccs_email="asmith@uccs.edu")
    contact(store, "C-4", "Adams", "Doe", employee_id="E4040")
    insert(store, "employments", {"contact_id": "C-4", "campus": "Boulder", "status": "Active"})
    return store


def test_search_by_name_words_in_any_order(people):
    assert [r["contact_id"] for r in search_contacts(people, "doe")] == ["C-4", "C-1", "C-2"]
    assert [r["contact_id"] for r in search_contacts(people, "doe JANE")] == ["C-1"]
    assert search_contacts(people, "jane doe")[0]["name"] == "Jane Doe"


def test_search_by_any_email_and_employee_id(people):
    assert [r["contact_id"] for r in search_contacts(people, "ucdenver")] == ["C-2"]
    assert [r["contact_id"] for r in search_contacts(people, "jane@gmail.com")] == ["C-1"]
    assert [r["contact_id"] for r in search_contacts(people, "e3030")] == ["C-3"]


def test_search_treats_like_wildcards_literally(people):
    assert [r["contact_id"] for r in search_contacts(people, "ann_e")] == ["C-3"]
    assert search_contacts(people, "an%e") == []


def test_search_by_campus_uses_email_field_employment_or_license(people):
    rows = search_contacts(people, "doe", campus="Boulder")
    assert [r["contact_id"] for r in rows] == ["C-4", "C-1"]   # employment; UCB Email
    assert rows[1]["university_email"] == "jane.doe@colorado.edu"
    assert [r["contact_id"] for r in search_contacts(people, "doe", campus="Boulder Adv")] == [
        "C-4", "C-1"]
    assert [r["contact_id"] for r in search_contacts(people, "doe", campus="Denver")] == ["C-2"]
    with pytest.raises(EcommError):
        search_contacts(people, "doe", campus="Gotham")


def test_search_limit(people):
    assert len(search_contacts(people, "", limit=2)) == 2


# -- applications held and requested (P7), replaced license (P10) -------------------------------

def test_p7_held_and_requested_applications(store, jane):
    assert held_applications(store, jane, ON) == {"Salesforce"}
    assert held_applications(store, jane, date(2025, 6, 30)) == set()   # before provisioning
    request(store, "R-1", "provision", jane, applications=["Marketing Cloud"])
    request(store, "R-2", "provision", jane, applications=["Apsona"], status="held")
    request(store, "R-3", "provision", jane, applications=["Geopointe"], status="processed")
    request(store, "R-4", "provision", "C-other", applications=["Cvent"])
    assert requested_applications(store, jane) == {"Marketing Cloud", "Apsona"}


def test_p10_replaced_license_with_pending_deprovision(store, jane):
    lic = load_replaced_license(store, "LN-0001")
    assert (lic.affiliated_campus, lic.contact_name, lic.pending_deprovision) == (
        "Boulder", "Jane Doe", False)
    assert lic.applications_on(ON) == {"Salesforce"}
    request(store, "R-9", "deprovision", jane, license_number="LN-0001",
            applications=["Salesforce"])
    lic = load_replaced_license(store, " LN-0001 ")
    assert lic.pending_deprovision is True
    assert pending_removals(store, "LN-0001") == {"Salesforce"}


def test_p10_unknown_or_missing_replaced_license(store):
    assert load_replaced_license(store, "LN-9999") is None
    assert load_replaced_license(store, None) is None
    assert load_license(store, "LN-9999") is None


def test_license_without_applications_loads(store):
    contact(store, "C-5", "Empty")
    insert(store, "licenses", {"license_number": "LN-0005", "contact_id": "C-5",
                               "affiliated_campus": "UCCS"})
    lic = load_license(store, "LN-0005")
    assert (lic.apps, lic.business_units, lic.contact_name) == ([], [], "Empty")


# -- settings and calendar ---------------------------------------------------------------------

def test_load_policy_reads_changed_settings(store):
    assert load_policy(store) == Policy()
    store.write(lambda cur: cur.execute(
        "UPDATE settings SET value = ? WHERE key = 'course_valid_days_pci'", ["400"]))
    assert load_policy(store).course_valid_days_pci == 400


def test_c1_extra_closures_from_the_database(store):
    insert(store, "extra_holidays", {"date": date(2026, 12, 24), "name": "Campus closure"},
           {"date": date(2029, 1, 2), "name": "Far away"})
    assert cal_store.extra_closures(store) == {date(2026, 12, 24), date(2029, 1, 2)}
    assert cal_store.extra_closures(store, year=2026) == {date(2026, 12, 24)}


def test_c2_credentials_override_set_and_cleared(store):
    assert cal_store.credentials_override(store, "2026-12") is None
    prev = store.write(lambda cur: cal_store.set_credentials_override(
        cur, "2026-12", date(2026, 12, 8), set_by="sys@cu.edu", set_at=datetime(2026, 11, 1)))
    assert prev is None
    assert cal_store.credentials_override(store, "2026-12") == date(2026, 12, 8)
    prev = store.write(lambda cur: cal_store.set_credentials_override(
        cur, "2026-12", None, set_by="sys@cu.edu", set_at=datetime(2026, 11, 2)))
    assert prev == date(2026, 12, 8)
    assert cal_store.credentials_override(store, "2026-12") is None
    assert cal_store.credentials_overrides(store) == {}


# -- speed at scale ----------------------------------------------------------------------------

@pytest.mark.slow
def test_p1_p5_p13_eligibility_reads_are_right_at_250000_contacts(store):
    """At 250,000 contacts one check (load facts + P1-P5, P13) still finds the duplicate (P13)
    and the held application. Its speed (20 ms target) is measured by
    benchmarks/test_eligibility_bench.py (`make bench`), not asserted here."""
    store.write(lambda cur: seed_contacts(cur, 250_000))
    policy = load_policy(store)
    for i in range(30):
        cid = f"C{(i * 7919) % 250_000}"
        result = check_contact(load_contact_facts(store, cid), "Boulder", ON, policy)
        assert result.results, cid
    f = load_contact_facts(store, "C240012")   # shares E12 with C12, which holds LN-1
    assert [d.contact_id for d in f.duplicates] == ["C12"]
    assert load_contact_facts(store, "C12").held_applications(ON) == {"Salesforce"}
