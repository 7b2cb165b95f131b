"""A1 the same way on every read (issue 14 item 2): Check a person's services show a person of
another campus only by an exact employee ID or email, and then only the verdict for the
specialist's campus; a license of another campus naming a specialist as its PRIMARY eComm
specialist is theirs everywhere (license and contact record, requests, deprovisioning, group
changes, dashboard, compliance), as one naming them as an additional specialist is.

People: Boulder's and Denver's specialists, a manager and the System team; C-DEN is a
Denver-only person (employee ID 555, dana@gmail.com, dana@ucdenver.edu, LN-0100 at Denver);
C-DNP is a Denver person whose LN-0200 names Boulder's specialist as its primary specialist."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import readiness
from ecomm import reference as ref
from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters
from ecomm.errors import NotFound
from ecomm.identity import Identity
from ecomm.requests import records, request_group_change, submit_deprovision
from ecomm.requests.groups import list_group_change_queue
from ecomm.storage import compliance as comp
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NOW, SYSTEM,
                                                 add_contact, add_license, seed)

ON = date(2026, 11, 23)
OTHER_BOULDER = Identity(email="other.boulder@colorado.edu", name="Oth Er", role="specialist",
                         campus="Boulder", quiz_passed_on=date(2026, 4, 30))
# what must never reach Boulder's specialist about C-DEN
DEN_SECRETS = ("555", "dana@gmail.com", "dana@ucdenver.edu", "LN-0100", "2026-10-01",
               "2026-09-01", "Coordinator", "Advancement", ref.CVENT, ref.SALESFORCE)


@pytest.fixture
def people(store):
    seed(store)
    add_contact(store, "C-DNP", "Named", "Nia", employee_id="666", ucd="nia@ucdenver.edu",
                employment="Denver")
    add_license(store, "LN-0200", "C-DNP", "Denver", [ref.SALESFORCE, ref.CVENT],
                units=("CUD Advancement",), groups=("03 Adv Denver",))
    store.write(lambda cur: cur.execute(  # named as PRIMARY specialist, oddly cased
        "UPDATE licenses SET ecomm_specialist = ' Spec.Boulder@Colorado.edu' "
        "WHERE license_number = 'LN-0200'"))
    return store


def ids(rows) -> list[str]:
    return [r["contact_id"] for r in rows]


# -- Check a person ---------------------------------------------------------------------------
def test_a1_a_name_search_lists_only_the_specialists_people(people):
    assert ids(readiness.find_contacts(people, BOULDER, "Mile")) == []
    assert ids(readiness.find_contacts(people, BOULDER, "ucdenver")) == ["C-DNP"]  # names them
    assert ids(readiness.find_contacts(people, DENVER, "Mile")) == ["C-DEN"]
    for everyone in (MANAGER, SYSTEM):
        assert ids(readiness.find_contacts(people, everyone, "Mile")) == ["C-DEN"]


def test_a1_nobody_pages_through_every_contact(people):
    """'@g' is in every contact's personal email: Boulder's specialist gets Boulder's people
    (and the one whose license names them), never the Denver-only one; the System team all."""
    every = {r[0] for r in people.query("SELECT contact_id FROM contacts")}
    assert set(ids(readiness.find_contacts(people, SYSTEM, "@g", limit=1000))) == every
    assert set(ids(readiness.find_contacts(people, BOULDER, "@g", limit=1000))) == {
        "C-ELIG", "C-BAD", "C-USER", "C-GONE", "C-DNP"}
    assert set(ids(readiness.find_contacts(people, DENVER, "@g", limit=1000))) == {
        "C-DEN", "C-DNP"}


@pytest.mark.parametrize("typed", ["555", " dana@gmail.com ", "DANA@UCDENVER.EDU"])
def test_a1_an_exact_employee_id_or_email_finds_another_campus_person_by_name_only(people, typed):
    rows = readiness.find_contacts(people, BOULDER, typed)
    assert rows == [{"contact_id": "C-DEN", "first_name": "Dana", "last_name": "Mile",
                     "name": "Dana Mile", "employee_id": None, "email": None,
                     "university_email": None, "university_emails": "", "limited": True}]
    full = readiness.find_contacts(people, DENVER, typed)
    assert full[0]["employee_id"] == "555" and not full[0]["limited"]
    assert full[0]["university_emails"] == "UCD Email: dana@ucdenver.edu"


def test_a1_the_readiness_of_another_campus_person_is_the_verdict_only(people):
    ready = readiness.contact_readiness(people, BOULDER, "C-DEN", "Boulder", ON)
    assert ready.limited and not ready.ready
    assert [(r.rule, r.passed) for r in ready.checks] == [
        ("P1", False), ("P2", True), ("P3", True), ("P4", True), ("P5", True)]
    assert ready.checks[0].message.startswith("No UCB Email on this contact")
    assert ready.checks[1].message == "met"
    shown = ready.model_dump_json()
    assert not [s for s in DEN_SECRETS if s in shown], shown
    facts = readiness.contact_facts(people, BOULDER, "C-DEN")
    assert facts.contact.name == "Dana Mile"
    assert not [s for s in DEN_SECRETS if s in facts.model_dump_json()]


def test_a1_a_failed_rule_of_another_campus_person_is_named_without_its_details(people):
    people.write(lambda cur: cur.execute("DELETE FROM campaign_members WHERE contact_id = 'C-DEN'"))
    ready = readiness.contact_readiness(people, BOULDER, "C-DEN", "Boulder", ON)
    p4 = [r for r in ready.checks if r.rule == "P4"]
    assert len(p4) == 1 and not p4[0].passed
    assert p4[0].message.startswith("not met; the details are shown once this person belongs "
                                    "to Boulder")


@pytest.mark.parametrize("who,campus", [(DENVER, "Denver"), (MANAGER, "Denver"),
                                        (SYSTEM, "Boulder")])
def test_a1_a3_the_campus_manager_and_system_team_see_the_person_in_full(people, who, campus):
    ready = readiness.contact_readiness(people, who, "C-DEN", campus, ON)
    assert not ready.limited
    assert ready.held == [ref.CVENT, ref.SALESFORCE]
    assert [lic["license_number"] for lic in ready.licenses] == ["LN-0100"]
    assert readiness.contact_facts(people, who, "C-DEN").contact.employee_id == "555"


def test_a1_a_boulder_person_is_seen_in_full_by_boulder(people):
    ready = readiness.contact_readiness(people, BOULDER, "C-USER", "Boulder", ON)
    assert not ready.limited and ready.held == [ref.CVENT, ref.MARKETING_CLOUD, ref.SALESFORCE]


# -- a license naming the specialist as its primary specialist --------------------------------
def test_a1_the_primary_specialist_reads_the_license_and_its_holder(people):
    lic = records.license_record(people, BOULDER, "LN-0200", on=ON)
    assert lic.license["affiliated_campus"] == "Denver"
    contact = records.contact_record(people, BOULDER, "C-DNP", on=ON)
    assert [x["license_number"] for x in contact.licenses] == ["LN-0200"]
    for who in (DENVER, MANAGER, SYSTEM):
        assert records.license_record(people, who, "LN-0200", on=ON)
    with pytest.raises(NotFound):
        records.license_record(people, OTHER_BOULDER, "LN-0200", on=ON)
    with pytest.raises(NotFound):
        records.contact_record(people, OTHER_BOULDER, "C-DNP", on=ON)
    with pytest.raises(NotFound):  # the Denver-only person stays not found
        records.contact_record(people, BOULDER, "C-DEN", on=ON)


def test_a1_the_primary_specialist_requests_deprovisioning_and_group_changes(people):
    conf = submit_deprovision(people, BOULDER, "LN-0200", [ref.CVENT], now_utc=NOW)
    assert conf.status == "pending" and conf.campus == "Denver"
    change = request_group_change(people, BOULDER, "LN-0200", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                  new_public_group="03 Denver Music", now_utc=NOW)
    mine = {r["request_id"] for r in records.list_requests(people, BOULDER)}
    assert {conf.request_id, change.request_id} <= mine
    assert change.request_id in {r["request_id"] for r in list_group_change_queue(people, BOULDER)}
    assert not mine & {r["request_id"] for r in records.list_requests(people, OTHER_BOULDER)}
    with pytest.raises(NotFound):
        submit_deprovision(people, OTHER_BOULDER, "LN-0200", [ref.SALESFORCE], now_utc=NOW)


def test_a1_the_primary_specialist_has_the_license_on_the_dashboard_and_compliance(people):
    board = dash.dashboard(people, BOULDER, DashboardFilters(), ON, limit=None)
    active = set(board.panels[dash.ACTIVE].frame["license_number"])
    assert {"LN-0776", "LN-0200"} <= active and "LN-0100" not in active
    other = dash.dashboard(people, OTHER_BOULDER, DashboardFilters(), ON, limit=None)
    assert "LN-0200" not in set(other.panels[dash.ACTIVE].frame["license_number"])
    params: dict = {}
    scoped = comp._scope(BOULDER, params)  # the compliance lists' own scope fragment
    with people.cursor() as cur:
        found = {r[0] for r in cur.execute(
            f"SELECT license_number FROM licenses l WHERE {scoped}", params).fetchall()}
    assert found == {"LN-0776", "LN-0900", "LN-0200"}
