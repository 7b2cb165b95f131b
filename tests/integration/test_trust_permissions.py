"""A1-A3 in the services, not the widgets: every service that changes something is called as a
manager (A3: changes nothing) and as the eComm specialist of another campus (A1), and for the
System team's work (A2) as a campus specialist too. Each must raise AccessDenied/NotFound and
leave every table and the uploads folder exactly as they were.

So that a refusal cannot come from bad arguments, each call is also made, on a fresh database,
by the person who may make it, and must succeed and change the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

import pytest

from ecomm import admin, system_tasks
from ecomm import reference as ref
from ecomm.batch import service as batch
from ecomm.billing import fiscal_setup as fs
from ecomm.billing import net_new
from ecomm.billing import workflow as wf
from ecomm import compliance_records
from ecomm.compliance_actions import DeprovisionItem, request_deprovisioning
from ecomm.errors import AccessDenied, NotFound
from ecomm.identity import Identity
from ecomm.notifications import actions as notify
from ecomm.requests import (cancel_request, record_agreement_fix, submit_change,
                            submit_deprovision, submit_provision, update_billing)
from ecomm.requests.groups import complete_group_change, request_group_change
from tests.integration import billing_seed as bs
from tests.integration import requests_fixtures as rf
from tests.integration.batch_seed import ON, PROCESS_AT, snapshot

SYSTEM, MANAGER, BOULDER, DENVER = rf.SYSTEM, rf.MANAGER, rf.BOULDER, rf.DENVER
NOW = rf.NOW
INACTIVE = Identity(email="gone@colorado.edu", name="Gone", role="specialist", campus="Boulder",
                    active=False)


@dataclass(frozen=True)
class Action:
    name: str
    owner: Identity                   # may do it (the call is valid)
    call: Callable                    # call(store, who, ids)
    system_only: bool = False         # A2: a campus specialist is refused too
    before_invoices: bool = False     # billing: act before the run is drafted (net-new review)

    def intruders(self, manager: Identity, foreign: Identity,
                  own_specialist: Identity) -> list[Identity]:
        people = [manager, foreign, INACTIVE, None]
        return people + ([own_specialist] if self.system_only else [])


# -- world 1: requests, batches, compliance, messages, admin ---------------------------------
def seed_requests(store) -> dict:
    """requests_fixtures.seed plus a pending Boulder provisioning, a pending group change, a
    contact without the agreement, and a queued message."""
    rf.seed(store)
    store.write(lambda cur: cur.executemany(  # P11: active reference values of Boulder
        "INSERT INTO reference_values (kind, campus, value, label, active) VALUES (?, ?, ?, NULL, "
        "TRUE) ON CONFLICT DO NOTHING",
        [["business_unit", "Boulder", "CUB Advancement"], ["public_group", "Boulder", "01 Adv Boulder"],
         ["business_unit", "Boulder", "CUB Alumni Association"],
         ["public_group", "Boulder", "02 Boulder Events"]]))
    rf.add_contact(store, "C-NOAGR", "Noagree", "Nina", employee_id="888",
                   ucb="nina@colorado.edu", agreement=False)
    rf.add_contact(store, "C-TWO", "Second", "Sol", employee_id="999", ucb="sol@colorado.edu")
    ids = {"provision": submit_provision(store, BOULDER, "C-ELIG", rf.draft(), [rf.upload()],
                                         now_utc=NOW).request_id}
    ids["groups"] = request_group_change(
        store, BOULDER, "LN-0776", ["CUB Alumni Association"], [], [], [],
        now_utc=NOW).request_id
    ids["task"] = request_group_change(  # C7 (rules revision 2): opens a System team task
        store, BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
        new_public_group="09 Boulder Music", now_utc=NOW).request_id
    compliance_records.record_quiz_pass(store, "LN-0776", date(2026, 11, 1), SYSTEM)  # a message
    ids["message"] = store.query_value("SELECT max(message_id) FROM outbox")
    return ids


QUIZ_CSV = b"license_number,quiz_passed_on\nLN-0776,2026-11-20\n"
LOGINS_CSV = b"license_number,application,last_login_on\nLN-0776,Salesforce,2026-11-20\n"
USERS_CSV = b"email,name,role,campus,quiz_passed_on,active\nnew@cu.edu,New Person,manager,,,true\n"

REQUEST_ACTIONS = [
    Action("submit provisioning", BOULDER, lambda s, who, ids: submit_provision(
        s, who, "C-TWO", rf.draft(), [rf.upload()], now_utc=NOW)),
    Action("cancel a request", BOULDER, lambda s, who, ids: cancel_request(
        s, who, ids["provision"], reason="Changed our mind", now_utc=NOW)),
    Action("deprovision", BOULDER, lambda s, who, ids: submit_deprovision(
        s, who, "LN-0776", [ref.CVENT], now_utc=NOW)),
    Action("request a group change", BOULDER, lambda s, who, ids: request_group_change(
        s, who, "LN-0776", [], [], ["02 Boulder Events"], [], now_utc=NOW)),
    Action("complete a group change", SYSTEM, lambda s, who, ids: complete_group_change(
        s, who, ids["groups"], now_utc=NOW), system_only=True),
    Action("record an agreement fix", BOULDER, lambda s, who, ids: record_agreement_fix(
        s, who, "C-NOAGR", reason="Signed on a duplicate contact", dcr_reference="DCR-1",
        signed_at=date(2026, 11, 2), now_utc=NOW)),
    Action("bulk deprovisioning from a compliance list", BOULDER,
           lambda s, who, ids: _all_or_raise(request_deprovisioning(
               s, who, [DeprovisionItem(license_number="LN-0776", reason="Q1 quiz overdue")],
               now_utc=NOW))),
    # rules revision 2: change requests and billing information (P15), System team tasks (C7)
    Action("submit a change request", BOULDER, lambda s, who, ids: submit_change(
        s, who, "LN-0776", {"ecomm_role": ref.ROLE_MEC}, now_utc=NOW)),
    Action("edit billing information", BOULDER, lambda s, who, ids: update_billing(
        s, who, "LN-0776", {"campus_speedtype": "11504317"}, now_utc=NOW)),
    Action("close a System team task", SYSTEM, lambda s, who, ids: system_tasks.close_task(
        s, who, ids["task"], "done", now_utc=NOW), system_only=True),
    Action("set a cycle's credentials date", SYSTEM, lambda s, who, ids: batch.set_credentials_date(
        s, who, "2026-12", date(2026, 12, 8), now_utc=NOW), system_only=True),
    Action("process a batch", SYSTEM, lambda s, who, ids: batch.process_batch(
        s, who, "2026-12", on=ON, now_utc=PROCESS_AT), system_only=True),
    Action("record a quiz pass", SYSTEM, lambda s, who, ids: compliance_records.record_quiz_pass(
        s, "LN-0776", date(2026, 11, 20), who), system_only=True),
    Action("import quiz passes", SYSTEM, lambda s, who, ids: compliance_records.import_quiz_passes(
        s, QUIZ_CSV, who, filename="quiz.csv"), system_only=True),
    Action("import logins", SYSTEM, lambda s, who, ids: compliance_records.import_logins(
        s, LOGINS_CSV, who, filename="logins.csv"), system_only=True),
    Action("queue compliance messages", SYSTEM, lambda s, who, ids:
           notify.queue_compliance_messages(s, who, date(2027, 8, 2)), system_only=True),
    Action("mark messages sent by hand", SYSTEM, lambda s, who, ids:
           notify.mark_sent_by_hand(s, [ids["message"]], who), system_only=True),
    Action("edit a message template", SYSTEM, lambda s, who, ids: _edit_template(s, who),
           system_only=True),
    Action("add a user", SYSTEM, lambda s, who, ids: admin.add_user(
        s, who, email="kim@cu.edu", name="Kim", role="manager"), system_only=True),
    Action("change a user", SYSTEM, lambda s, who, ids: admin.update_user(
        s, who, DENVER.email, role="system", campus=None), system_only=True),
    Action("deactivate a user", SYSTEM, lambda s, who, ids: admin.deactivate_user(
        s, who, DENVER.email), system_only=True),
    Action("add reference data", SYSTEM, lambda s, who, ids: admin.add_reference(
        s, who, "public_group", "Boulder", "09 New Group"), system_only=True),
    Action("change a setting", SYSTEM, lambda s, who, ids: admin.update_setting(
        s, who, "credentials_day", "6"), system_only=True),
    Action("add a holiday", SYSTEM, lambda s, who, ids: admin.add_holiday(
        s, who, date(2026, 12, 31), "Closure"), system_only=True),
    Action("import data", SYSTEM, lambda s, who, ids: admin.import_data(
        s, who, {"users.csv": USERS_CSV}), system_only=True),
]


def _all_or_raise(result):
    """The bulk action reports refused items instead of raising: a refusal of every item is
    what an intruder must get."""
    if not result.created and result.refused:
        raise AccessDenied("; ".join(str(r) for r in result.refused))
    return result


def _edit_template(store, who):
    tpl = notify.list_templates(store)[0]
    return notify.update_template(store, tpl["key"], tpl["subject"] + " (edited)", tpl["body"],
                                  who)


# -- world 2: billing ---------------------------------------------------------------------------
JAN = "january"
DRAFT_AT = datetime(2027, 1, 15, 17)


def seed_billing(store, action: Action) -> dict:
    bs.seed(store)
    if action.before_invoices:  # drafting a true-up captures the net-new lists (B6)
        return {}
    out = wf.draft_run(store, bs.SYSTEM, fiscal_year=bs.FY, kind=JAN, as_of=bs.JAN_AS_OF,
                       now_utc=DRAFT_AT, capture=True)
    ids = {(i.campus, i.group): i.invoice_id for i in out.invoices}
    draft_id, review_id = ids[("Boulder", "cvent")], ids[("Boulder", "salesforce_marketing_cloud")]
    approved_id = ids[("Denver", "salesforce_marketing_cloud")]
    wf.send_for_review(store, bs.SYSTEM, [review_id, approved_id], now_utc=DRAFT_AT)
    wf.approve(store, bs.DENVER, approved_id, now_utc=DRAFT_AT)
    return {"draft": draft_id, "review": review_id, "approved": approved_id}


BILLING_ACTIONS = [
    Action("draft an invoice run", bs.SYSTEM, lambda s, who, ids: wf.draft_run(
        s, who, fiscal_year=bs.FY, kind=JAN, as_of=bs.JAN_AS_OF, now_utc=DRAFT_AT,
        capture=True), system_only=True),
    Action("send an invoice for review", bs.SYSTEM, lambda s, who, ids: wf.send_for_review(
        s, who, [ids["draft"]], now_utc=DRAFT_AT), system_only=True),
    Action("return an invoice to draft", bs.BOULDER, lambda s, who, ids: wf.return_to_draft(
        s, who, ids["review"], reason="LN-0002 left in August", now_utc=DRAFT_AT)),
    Action("approve an invoice", bs.BOULDER, lambda s, who, ids: wf.approve(
        s, who, ids["review"], now_utc=DRAFT_AT)),
    Action("mark an invoice billed", bs.SYSTEM, lambda s, who, ids: wf.mark_billed(
        s, who, [ids["approved"]], now_utc=DRAFT_AT), system_only=True),
    Action("correct an invoice", bs.SYSTEM, lambda s, who, ids: wf.correct_invoice(
        s, who, ids["approved"], as_of=bs.JAN_AS_OF, reason="LN-0004 missed",
        now_utc=DRAFT_AT), system_only=True),
    Action("set rates", bs.SYSTEM, lambda s, who, ids: fs.set_rates(
        s, who, 2028, {"Salesforce": "52.00"}), system_only=True),
    Action("capture baselines", bs.SYSTEM, lambda s, who, ids: fs.capture_baselines(
        s, who, 2027, now_utc=DRAFT_AT), system_only=True),
    Action("correct a baseline", bs.SYSTEM, lambda s, who, ids: fs.correct_baseline(
        s, who, 2027, "Boulder", "Salesforce", 7, reason="Count fixed", now_utc=DRAFT_AT),
        system_only=True),
    Action("review a net-new candidate", bs.BOULDER, lambda s, who, ids: net_new.review_candidate(
        s, who, fiscal_year=bs.FY, kind=JAN, license_number="LN-0003",
        application="Salesforce", provisioned_on=_provisioned(s, "LN-0003", "Salesforce"),
        net_new=True, reason="Not a transfer after all", now_utc=DRAFT_AT),
        before_invoices=True),
    Action("confirm the remaining net-new candidates", bs.BOULDER, lambda s, who, ids:
           net_new.confirm_remaining(s, who, fiscal_year=bs.FY, kind=JAN, campus="Boulder",
                                     now_utc=DRAFT_AT), before_invoices=True),
    Action("capture the net-new reviews", bs.SYSTEM, lambda s, who, ids: net_new.capture(
        s, who, fiscal_year=bs.FY, kind=JAN, campuses=["Boulder"], now_utc=DRAFT_AT),
        system_only=True, before_invoices=True),
]


def _provisioned(store, number, app):
    return store.query_value("SELECT provisioned_on FROM license_apps WHERE license_number = ? "
                             "AND application = ?", [number, app])


# -- the tests ----------------------------------------------------------------------------------
def state(store) -> tuple[dict, list]:
    root = store.path.parent / "uploads"
    files = sorted((str(p), p.read_bytes()) for p in root.rglob("*") if p.is_file()) \
        if root.exists() else []
    return snapshot(store), files


def _refused_and_unchanged(store, action, who, ids):
    before = state(store)
    with pytest.raises((AccessDenied, NotFound)) as caught:
        action.call(store, who, ids)
    assert state(store) == before, f"{action.name} as {who and who.email} changed the database"
    return caught.value


@pytest.mark.parametrize("action", REQUEST_ACTIONS, ids=lambda a: a.name)
def test_a1_a3_request_and_admin_services_refuse_intruders_and_change_nothing(store, action):
    ids = seed_requests(store)
    for who in action.intruders(MANAGER, DENVER, BOULDER):
        err = _refused_and_unchanged(store, action, who, ids)
        if who is MANAGER:
            assert "A3" in str(err) or "A2" in str(err), str(err)


@pytest.mark.parametrize("action", REQUEST_ACTIONS, ids=lambda a: a.name)
def test_a2_the_rightful_person_can_do_each_request_and_admin_action(store, action):
    ids = seed_requests(store)
    before = state(store)
    action.call(store, action.owner, ids)
    assert state(store) != before


@pytest.mark.parametrize("action", BILLING_ACTIONS, ids=lambda a: a.name)
def test_a1_a3_billing_services_refuse_intruders_and_change_nothing(store, action):
    ids = seed_billing(store, action)
    for who in action.intruders(bs.MANAGER, bs.DENVER, bs.BOULDER):
        _refused_and_unchanged(store, action, who, ids)


@pytest.mark.parametrize("action", BILLING_ACTIONS, ids=lambda a: a.name)
def test_a2_the_rightful_person_can_do_each_billing_action(store, action):
    ids = seed_billing(store, action)
    before = state(store)
    action.call(store, action.owner, ids)
    assert state(store) != before


# -- reading (A1) and additional specialists ---------------------------------------------------
def _reads(ids):
    from ecomm.requests.evidence import read_evidence
    from ecomm.requests.records import contact_record, license_record
    return [("the contact record", lambda s, who: contact_record(s, who, "C-USER", on=ON)),
            ("the license record", lambda s, who: license_record(s, who, "LN-0776", on=ON)),
            ("a transcript file", lambda s, who: read_evidence(s, who, ids["file"]))]


def test_a1_another_campus_specialist_reads_none_of_boulders_records(store):
    from ecomm.requests.records import list_requests
    ids = seed_requests(store)
    ids["file"] = store.query_value("SELECT file_id FROM evidence_files LIMIT 1")
    for name, read in _reads(ids):
        for who in (DENVER, INACTIVE, None):
            with pytest.raises((AccessDenied, NotFound)):
                read(store, who)
        assert read(store, BOULDER) and read(store, MANAGER), name   # the reads are valid
    assert ids["provision"] in {r["request_id"] if isinstance(r, dict) else r.request_id
                                for r in list_requests(store, BOULDER)}
    assert ids["provision"] not in {r["request_id"] if isinstance(r, dict) else r.request_id
                                    for r in list_requests(store, DENVER)}


def test_a1_an_additional_specialist_named_on_a_license_may_act_on_it_and_only_it(store):
    seed_requests(store)
    with pytest.raises((AccessDenied, NotFound)):
        submit_deprovision(store, DENVER, "LN-0776", [ref.CVENT], now_utc=NOW)
    store.write(lambda cur: cur.execute(
        "UPDATE licenses SET additional_specialists = [?] WHERE license_number = 'LN-0776'",
        [DENVER.email]))
    conf = submit_deprovision(store, DENVER, "LN-0776", [ref.CVENT], now_utc=NOW)
    assert store.query_value("SELECT submitted_by FROM requests WHERE request_id = ?",
                             [conf.request_id]) == DENVER.email
    before = state(store)
    with pytest.raises((AccessDenied, NotFound)):   # another Boulder license stays out of reach
        submit_deprovision(store, DENVER, "LN-0900", [ref.SALESFORCE], now_utc=NOW)
    assert state(store) == before
