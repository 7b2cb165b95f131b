"""The batch reads thousands of contacts at once (load_contact_facts_many): the same facts as
one contact at a time (P1-P5, P7, P13), from a fixed number of queries; and the P13 name
match is found even when the last name is shared by many contacts (the SQL compares the
first name too)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.errors import NotFound
from ecomm.storage.contacts import load_contact_facts, load_contact_facts_many
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
