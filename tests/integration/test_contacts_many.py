"""The batch reads thousands of contacts at once (load_contact_facts_many): the same facts as
one contact at a time (P1-P5, P7, P13), from a fixed number of queries; and the P13 name
match is found even when the last name is shared by many contacts (the SQL compares the
first name too)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.errors import NotFound
from ecomm.storage import contacts
from ecomm.storage.contacts import load_contact_facts, load_contact_facts_many, load_license
from tests.integration.test_contacts_storage import AGREEMENT, contact, insert, jane  # noqa: F401


def test_p1_p5_p7_p13_many_contacts_read_the_same_facts_as_one_at_a_time(store, jane):
    contact(store, "C-9", "Dough", "J.", employee_id="E1010")           # P13 by employee ID
    contact(store, "C-8", "DOE", " jane\t", email="jane.doe@COLORADO.edu")  # P13 name + email
    contact(store, "C-7", "Doe", "Jane", email="other@gmail.com")       # same name, no email
    contact(store, "C-2", "Roe", "Rick", employee_id="E2")
    insert(store, "campaign_members", {"contact_id": "C-8", "campaign": AGREEMENT,
                                       "signed_at": datetime(2026, 10, 3, 9)})
    insert(store, "course_completions", {"contact_id": "C-9", "course": ref.COURSE_PCI,
                                         "completed_on": date(2026, 10, 4)})
    insert(store, "licenses", {"license_number": "LN-0002", "contact_id": "C-2",
                               "affiliated_campus": "Denver"})
    insert(store, "license_apps",
           *[{"license_number": "LN-0002", "application": a, "provisioned_on": date(2025, 7, 1)}
             for a in ("Salesforce", "Cvent", "Apsona")])
    ids = ["C-1", "C-2", "C-7", "C-8", "C-9"]
    many = load_contact_facts_many(store, ids + ["C-1"])
    assert sorted(many) == ids
    for cid in ids:
        assert many[cid] == load_contact_facts(store, cid), cid
    assert [(d.contact_id, d.matched_on) for d in many["C-1"].duplicates] == [
        ("C-8", "name_email"), ("C-9", "employee_id")]
    assert many["C-1"].duplicates[0].agreement.signed_at == datetime(2026, 10, 3, 9)
    assert many["C-1"].duplicates[1].courses == {ref.COURSE_PCI: date(2026, 10, 4)}


def test_many_contacts_unknown_contact_is_not_found(store, jane):
    with pytest.raises(NotFound, match="C-404"):
        load_contact_facts_many(store, ["C-1", "C-404"])
    assert load_contact_facts_many(store, []) == {}


def test_p13_name_match_among_many_contacts_sharing_the_last_name(store, jane):
    insert(store, "contacts", *[{"contact_id": f"C-x{i}", "last_name": "Doe",
                                 "first_name": f"Person{i}", "email": "jane@gmail.com"}
                                for i in range(300)])
    contact(store, "C-8", "Doe", "JANE ", email="jane@gmail.com")
    assert [d.contact_id for d in load_contact_facts(store, jane).duplicates] == ["C-8"]
    assert [d.contact_id for d in load_contact_facts_many(store, [jane])[jane].duplicates] == ["C-8"]


# -- one loader for the form, the batch and the requests.csv check: the behaviours its earlier
# copies disagreed on, decided by P13 ("the same name and a matching email") and named here --

def _fillers(store, n: int = 40) -> list[str]:
    """Contacts enough for the set-based path (more than a constant IN list takes)."""
    insert(store, "contacts", *[{"contact_id": f"C-f{i:02d}", "last_name": f"Filler{i}",
                                 "first_name": "F", "email": f"f{i}@gmail.com"}
                                for i in range(n)])
    return [f"C-f{i:02d}" for i in range(n)]


def _import_check_facts(store, ids):
    """What the requests.csv rule check reads: the facts without duplicates, then P13's added."""
    with store.cursor() as cur:
        return contacts.add_duplicates(cur, contacts.contact_facts(cur, ids, with_duplicates=False))


def test_p13_first_name_and_email_are_trimmed_of_any_whitespace_by_every_reader(store, jane):
    # a tab and a no-break space are whitespace as much as a blank (str.strip): the import's
    # copy trimmed blanks only (SQL trim) and missed this duplicate
    contact(store, "C-8", "Doe", "\u00a0jane\t", email="\tJANE@gmail.com\u00a0")
    ids = [jane, *_fillers(store)]
    expected = [("C-8", "name_email", "jane@gmail.com")]
    for facts in (load_contact_facts(store, jane), load_contact_facts_many(store, ids)[jane],
                  _import_check_facts(store, ids)[jane]):
        found = [(d.contact_id, d.matched_on, d.matching_email) for d in facts.duplicates]
        assert found == expected
    assert [d.contact_id for d in load_contact_facts(store, "C-8").duplicates] == [jane]


def test_p13_the_last_name_must_match_and_an_email_must_be_shared(store, jane):
    contact(store, "C-7", "Doe", "Jane", email="jane.doe@gmail.com")    # no email in common
    contact(store, "C-6", "Dow", "Jane", email="jane@gmail.com")        # another last name
    contact(store, "C-5", "Doe", "Janet", email="jane@gmail.com")       # another first name
    ids = [jane, "C-5", "C-6", "C-7", *_fillers(store)]
    assert load_contact_facts(store, jane).duplicates == []
    assert load_contact_facts_many(store, ids)[jane].duplicates == []
    assert _import_check_facts(store, ids)[jane].duplicates == []


def test_p13_contacts_read_together_name_each_other_never_themselves(store, jane):
    contact(store, "C-8", "DOE", "jane", email="JANE@gmail.com", employee_id="E1010")
    contact(store, "C-7", "Doe", "Jane ", ucb_email="jane@gmail.com")   # by name and email
    contact(store, "C-9", "Roe", "Rick", employee_id="E9", email="rick@gmail.com")
    ids = [jane, "C-7", "C-8", "C-9", *_fillers(store)]
    for facts in (load_contact_facts_many(store, ids), _import_check_facts(store, ids),
                  {cid: load_contact_facts(store, cid) for cid in ids[:4]}):
        # an employee-ID match is not listed again by name; in contact-ID order
        assert [(d.contact_id, d.matched_on) for d in facts[jane].duplicates] == [
            ("C-7", "name_email"), ("C-8", "employee_id")]
        assert [(d.contact_id, d.matched_on) for d in facts["C-8"].duplicates] == [
            (jane, "employee_id"), ("C-7", "name_email")]
        assert [d.contact_id for d in facts["C-7"].duplicates] == [jane, "C-8"]
        assert facts["C-9"].duplicates == []


def test_p7_p10_applications_in_provisioning_then_name_order_for_every_reader(store, jane):
    # the import's copy ordered a license's applications by provisioning day only: the order of
    # applications provisioned on one day was left to chance
    insert(store, "licenses", *[{"license_number": f"LN-1{i:03d}", "contact_id": "C-2",
                                 "affiliated_campus": "Denver"} for i in range(40)])
    contact(store, "C-2", "Roe", "Rick")
    insert(store, "license_apps", *[
        {"license_number": "LN-1000", "application": a, "provisioned_on": d}
        for a, d in ((ref.SALESFORCE, date(2025, 7, 1)), (ref.CVENT, date(2025, 7, 1)),
                     (ref.APSONA, date(2025, 7, 1)), (ref.GEOPOINTE, date(2025, 1, 6)))])
    order = [ref.GEOPOINTE, *sorted([ref.SALESFORCE, ref.CVENT, ref.APSONA])]
    numbers = [f"LN-1{i:03d}" for i in range(40)]
    with store.cursor() as cur:
        many = contacts.licenses_by_number(cur, numbers)
    assert [a.application for a in many["LN-1000"].apps] == order
    assert [a.application for a in load_license(store, "LN-1000").apps] == order
    held = load_contact_facts(store, "C-2").licenses
    assert [a.application for a in held[0].apps] == order and len(held) == 40
