"""Rules revision 2: a specialist on every license (P17), the group change's completion
message (C5) and the System team's tasks (C7)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm import system_tasks
from ecomm.errors import AccessDenied, EcommError
from ecomm.notifications.compliance import compliance_messages
from ecomm.notifications import templates as t
from ecomm.policy import Policy
from ecomm.requests import complete_group_change, request_group_change, submit_provision
from ecomm.storage.migrations import _m012_fill_specialists
from tests.integration.requests_fixtures import (BOULDER, DENVER, NOW, SYSTEM, add_contact,
                                                 add_license, draft, seed, upload)

LATER = datetime(2026, 11, 24, 16)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def specialist_of(store, number):
    return store.query_value("SELECT ecomm_specialist FROM licenses WHERE license_number = ?",
                             [number])


def set_primary(store, campus, email):
    store.write(lambda cur: cur.execute(
        "INSERT INTO reference_values VALUES ('primary_specialist', ?, ?, NULL, TRUE)",
        [campus, email]))


def outbox(store, template):
    return store.query_dicts("SELECT * FROM outbox WHERE template_key = ? ORDER BY message_id",
                             [template])


# -- P17 ------------------------------------------------------------------------------------------
def test_p17_a_system_team_submission_names_the_campus_primary_specialist(seeded):
    set_primary(seeded, "Boulder", "lead.boulder@colorado.edu")
    conf = submit_provision(seeded, SYSTEM, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert specialist_of(seeded, conf.license_number) == "lead.boulder@colorado.edu"


def test_p17_without_a_primary_named_the_campus_specialist_who_passed_the_quiz(seeded):
    conf = submit_provision(seeded, SYSTEM, "C-ELIG", draft(), [upload()], now_utc=NOW)
    # Boulder has spec.boulder (quiz passed) and new.boulder (no quiz): the first
    assert specialist_of(seeded, conf.license_number) == BOULDER.email


def test_p17_a_specialist_submission_names_the_submitting_specialist(seeded):
    add_contact(seeded, "C-DEN2", "Two", "Deb", employee_id="888", ucd="deb@ucdenver.edu",
                employment="Denver")
    set_primary(seeded, "Denver", "lead.denver@ucdenver.edu")
    conf = submit_provision(seeded, DENVER, "C-DEN2", draft(
        campus="Denver", business_units=["CUD Advancement"], public_groups=["03 Adv Denver"]),
        [upload()], now_utc=NOW)
    assert specialist_of(seeded, conf.license_number) == DENVER.email


def test_p17_migration_fills_licenses_without_a_specialist_and_audits_it(seeded):
    # the seed's licenses name none (LN-0776, LN-0900 Boulder; LN-0100 Denver)
    add_contact(seeded, "C-UCCS", "Springs", "Cole", employee_id="999", employment="UCCS")
    add_license(seeded, "LN-0500", "C-UCCS", "UCCS", [ref.SALESFORCE])
    seeded.write(_m012_fill_specialists)
    assert specialist_of(seeded, "LN-0776") == BOULDER.email
    assert specialist_of(seeded, "LN-0100") == DENVER.email
    assert specialist_of(seeded, "LN-0500") is None          # UCCS has no specialist at all
    entry = seeded.query_dicts("SELECT * FROM audit_log WHERE action = 'fill_specialists'")[0]
    assert json.loads(entry["after"]) == {"licenses": 3}


def test_p17_a_campus_without_specialist_sends_its_messages_to_the_system_team(seeded):
    add_contact(seeded, "C-UCCS", "Springs", "Cole", employee_id="999", employment="UCCS")
    add_license(seeded, "LN-0500", "C-UCCS", "UCCS", [ref.SALESFORCE],
                provisioned_on=date(2026, 9, 1))   # 83 days on Nov 23: quiz overdue (Q1)
    seeded.write(lambda cur: cur.execute("INSERT INTO app_users VALUES "
                                         "('team2@cu.edu', 'Two', 'system', NULL, NULL, TRUE)"))
    with seeded.cursor() as cur:
        messages = compliance_messages(cur, date(2026, 11, 23), Policy())
    overdue = [m for m in messages if m.template_key == t.QUIZ_OVERDUE
               and m.context["license_number"] == "LN-0500"]
    assert [m.to for m in overdue] == [[SYSTEM.email, "team2@cu.edu"]]


def test_p17_the_dashboard_says_which_campus_has_no_specialist(seeded):
    gaps = system_tasks.specialist_gaps(seeded, SYSTEM)
    assert [g.split(" has ")[0] for g in gaps] == ["P17: Anschutz", "P17: Boulder Advancement",
                                                   "P17: UCCS", "P17: System"]
    assert system_tasks.specialist_gaps(seeded, BOULDER) == []   # A1: own campus only


# -- C5 ------------------------------------------------------------------------------------------
def test_c5_a_completed_group_change_notifies_its_requester(seeded):
    seeded.write(_m012_fill_specialists)
    conf = request_group_change(seeded, BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                new_public_group="07 Boulder Music", now_utc=NOW)
    assert outbox(seeded, t.GROUP_CHANGE_DONE) == []
    complete_group_change(seeded, SYSTEM, conf.request_id, now_utc=LATER)
    [msg] = outbox(seeded, t.GROUP_CHANGE_DONE)
    assert msg["to_addrs"] == [BOULDER.email]
    assert msg["subject"] == f"Group change {conf.request_id} completed (LN-0776)"
    assert "Public groups: 01 Adv Boulder; 07 Boulder Music" in msg["body"]


# -- C7 ------------------------------------------------------------------------------------------
def test_c7_a_new_public_group_opens_a_task_and_tells_the_system_team_at_once(seeded):
    conf = request_group_change(seeded, BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                new_public_group="07 Boulder Music", now_utc=NOW)
    [task] = system_tasks.list_tasks(seeded, SYSTEM)
    assert (task["request_id"], task["reasons"], task["cycle"], task["closed_at"]) == (
        conf.request_id, ["new_public_group"], None, None)
    [msg] = outbox(seeded, t.SYSTEM_TASK)
    assert msg["to_addrs"] == [SYSTEM.email]
    assert "a new public group to create" in msg["body"]


def test_c7_a_new_mec_provisioning_task_belongs_to_its_cycle(seeded):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(
        ecomm_role=ref.ROLE_MEC, unit_speedtypes=ref.NEW_SPEEDTYPE_NEEDED), [upload()],
        now_utc=NOW)
    [task] = system_tasks.list_tasks(seeded, SYSTEM, cycle="2026-12")
    assert (task["request_id"], task["reasons"]) == (conf.request_id,
                                                     ["new_mec", "new_speedtype"])
    assert system_tasks.list_tasks(seeded, SYSTEM, cycle="2027-01") == []


def test_c7_no_task_for_a_plain_request(seeded):
    submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert system_tasks.list_tasks(seeded, SYSTEM) == []
    assert outbox(seeded, t.SYSTEM_TASK) == []


def test_c7_a_person_of_the_system_team_closes_the_task_audited(seeded):
    conf = request_group_change(seeded, BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                new_public_group="07 Boulder Music", now_utc=NOW)
    with pytest.raises(AccessDenied):
        system_tasks.close_task(seeded, BOULDER, conf.request_id, now_utc=LATER)
    closed = system_tasks.close_task(seeded, SYSTEM, conf.request_id, "group created",
                                     now_utc=LATER)
    assert (closed["closed_by"], closed["closed_at"], closed["close_note"]) == (
        SYSTEM.email, LATER, "group created")
    assert system_tasks.list_tasks(seeded, SYSTEM, open_only=True) == []
    with pytest.raises(EcommError, match="already closed"):
        system_tasks.close_task(seeded, SYSTEM, conf.request_id, now_utc=LATER)
    entry = seeded.query_dicts("SELECT * FROM audit_log WHERE action = 'close_system_task'")[0]
    assert (entry["actor"], entry["entity_id"]) == (SYSTEM.email, conf.request_id)


def test_p17_opening_a_version_6_file_fills_its_licenses_specialists(db_path):
    from ecomm.storage import Store
    from ecomm.storage.migrations import LATEST_VERSION

    old = Store(db_path, migrate=False)
    old.migrate(target=6)
    old.write(lambda cur: cur.execute(
        "INSERT INTO app_users VALUES ('spec.denver@ucdenver.edu', 'Den', 'specialist', "
        "'Denver', DATE '2026-01-05', TRUE)"))
    old.write(lambda cur: cur.execute(
        "INSERT INTO licenses (license_number, contact_id, affiliated_campus) VALUES "
        "('LN-0001', 'C-1', 'Denver'), ('LN-0002', 'C-2', 'UCCS')"))
    old.close()
    with Store(db_path) as upgraded:
        assert upgraded.schema_version() == LATEST_VERSION
        assert dict(upgraded.query("SELECT license_number, ecomm_specialist FROM licenses")) == {
            "LN-0001": "spec.denver@ucdenver.edu", "LN-0002": None}
        assert upgraded.query_value("SELECT count(*) FROM system_tasks") == 0
