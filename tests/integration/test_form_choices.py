"""The request form's pickers (P6, P8, P10-P12) and the person check (P1-P5, P7, P13) as
services over a real database: what they offer, in which order, and to whom (A1-A3)."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import form_choices, readiness
from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.requests import submit_deprovision
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NOW, SYSTEM,
                                                 add_contact, add_license, seed)

ON = date(2026, 11, 23)


@pytest.fixture
def seeded(store):
    seed(store)
    store.write(lambda cur: cur.executemany(
        "INSERT OR REPLACE INTO reference_values VALUES (?, ?, ?, ?, ?)",  # seed has some
        [["business_unit", "Boulder", "CUB Advancement", None, True],
         ["business_unit", "Boulder", "CUB Retired Unit", None, False],
         ["public_group", "Boulder", "01 Adv Boulder", None, True],
         ["speedtype", "Boulder", "11504317", "Boulder campus eComm billing", True],
         ["speedtype", "Boulder", "11500012", "Old account (closed)", False]]))
    return store


def test_p6_campuses_a_person_may_submit_for():
    assert form_choices.request_campuses(BOULDER) == ["Boulder"]
    assert form_choices.request_campuses(SYSTEM) == list(ref.CAMPUSES)
    assert form_choices.request_campuses(MANAGER) == []


def test_p11_units_and_groups_are_the_fixed_choices_then_the_campus_active_values(seeded):
    choices = form_choices.form_choices(seeded, BOULDER, "Boulder")
    assert choices.business_units == [*ref.FIXED_BUSINESS_UNITS, "CUB Advancement"]
    assert choices.public_groups == [*ref.FIXED_PUBLIC_GROUPS, "01 Adv Boulder"]
    assert choices.default_specialist == BOULDER.email  # the submitter is the campus's


def test_p8_super_user_permissions_follow_the_policy_setting(seeded):
    assert not form_choices.form_choices(seeded, BOULDER, "Boulder").super_user_allowed
    assert form_choices.form_choices(seeded, SYSTEM, "UCCS").super_user_allowed
    seeded.write(lambda cur: cur.execute(
        "UPDATE settings SET value = '[\"Boulder\"]' WHERE key = 'super_user_campuses'"))
    assert form_choices.form_choices(seeded, BOULDER, "Boulder").super_user_allowed
    assert not form_choices.form_choices(seeded, SYSTEM, "UCCS").super_user_allowed


def test_a1_a_specialist_gets_no_choices_for_another_campus(seeded):
    with pytest.raises(AccessDenied):
        form_choices.form_choices(seeded, BOULDER, "Denver")
    with pytest.raises(AccessDenied):
        form_choices.replaceable_licenses(seeded, BOULDER, "Denver", ON)


def test_p12_speedtypes_of_the_billing_campus_and_the_usual_campus_speedtype(seeded):
    # rev 2: the campus's default campus billing speedtype (reference data) is offered first
    # and is the default
    options, usual = form_choices.speedtype_choices(seeded, "Boulder")
    assert [o.value for o in options] == ["Boulder - 510", "11504317", ref.NEW_SPEEDTYPE_NEEDED]
    assert usual == "Boulder - 510"
    seeded.write(lambda cur: cur.execute(
        "DELETE FROM reference_values WHERE kind = 'campus_billing_speedtype'"))
    assert form_choices.speedtype_choices(seeded, "Boulder")[1] is None   # none carries one
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET campus_speedtype = '11504317' WHERE billing_campus = 'Boulder'"))
    assert form_choices.speedtype_choices(seeded, "Boulder")[1] == "11504317"


def test_p10_replaceable_licenses_are_same_campus_deprovisioned_or_pending_first(seeded):
    add_contact(seeded, "C-GO2", "Going", "Gil", employee_id="666", ucb="gil@colorado.edu")
    add_license(seeded, "LN-0950", "C-GO2", "Boulder", [ref.SALESFORCE, ref.CVENT])
    submit_deprovision(seeded, BOULDER, "LN-0950", [ref.CVENT], now_utc=NOW)  # waits: batch
    add_license(seeded, "LN-0960", "C-ELIG", "Boulder", [ref.CVENT])  # the contact's own
    choices = form_choices.replaceable_licenses(seeded, BOULDER, "Boulder", ON,
                                                except_contact="C-ELIG")
    labels = [c.label for c in choices]
    assert [c.value for c in choices] == ["LN-0950", "LN-0900", "LN-0776"]
    assert labels[0] == "Gil Going · LN-0950 · deprovisioning pending"
    assert labels[1] == "Lee Left · LN-0900 · deprovisioned 2026-10-31"
    assert labels[2].endswith("still holds Cvent, Marketing Cloud, Salesforce")


def test_p1_p5_p7_readiness_of_a_licensed_contact(seeded):
    ready = readiness.contact_readiness(seeded, BOULDER, "C-USER", "Boulder", ON)
    assert ready.ready and [r.rule for r in ready.checks] == ["P1", "P2", "P3", "P4", "P5",
                                                               "P5", "P5"]
    assert ready.held == [ref.CVENT, ref.MARKETING_CLOUD, ref.SALESFORCE]
    assert ready.license_at("Boulder")["license_number"] == "LN-0776"
    assert ready.recorded_courses[ref.COURSE_PCI] == date(2026, 10, 1)


def test_a1_a_specialist_checks_readiness_only_at_their_campus(seeded):
    with pytest.raises(AccessDenied):
        readiness.contact_readiness(seeded, DENVER, "C-ELIG", "Boulder", ON)
    assert readiness.contact_readiness(seeded, MANAGER, "C-ELIG", "Boulder", ON).ready


def test_find_contacts_needs_two_characters_and_labels_university_emails(seeded):
    assert readiness.find_contacts(seeded, BOULDER, "R") == []
    rows = readiness.find_contacts(seeded, DENVER, "dana")
    assert [r["contact_id"] for r in rows] == ["C-DEN"]
    assert rows[0]["university_emails"] == "UCD Email: dana@ucdenver.edu"
