"""AppTests of rules revision 2's controls: the New request form's "Change" kind (P15) and no
profile choice (P16), billing information edited on the License record (P15), and the System
team tasks on the Batch page (C7)."""
from __future__ import annotations

from ecomm import reference as ref
from ecomm.requests import request_group_change, submit_provision
from tests.apptest.conftest import BOULDER, MANAGER, SYSTEM, texts
from tests.apptest.pages_helpers import (LICENSE, click, errors, ok, open_page, start_request,
                                         to_user_step)
from tests.apptest.requests_seed import NOW, count, seeded, who  # noqa: F401
from tests.integration.requests_fixtures import draft, upload

BATCH = "app_pages/batch.py"


def test_p15_form_change_kind_submits_a_change_request(seeded):
    at = start_request(BOULDER, "Hana Holder")
    at = to_user_step(at, action="Change")
    assert "Change what the user has (P15)" in texts(at)
    # P15: only what the license does not have yet is offered; P8: no super users at Boulder
    assert at.multiselect(key="rf_ch_super").disabled
    ok(at.multiselect(key="rf_ch_addons").set_value(["Event Management"]).run())
    ok(at.radio(key="rf_ch_role").set_value(ref.ROLE_MEC).run())
    click(at, "rf_ch_submit")
    assert not at.error, errors(at)
    assert ("Your change request R-000001 for LN-0776 has been submitted: eComm role MEC; "
            "Cvent add-ons Event Management.") in texts(at)
    row = seeded.query_dicts("SELECT * FROM requests")[0]
    assert (row["kind"], row["ecomm_role"], row["cvent_add_ons"], row["cycle"]) == (
        "change", "MEC", ["Event Management"], "2026-12")


def test_p15_form_change_refused_keeps_the_answers_and_names_the_rule(seeded):
    at = to_user_step(start_request(BOULDER, "Hana Holder"), action="Change")
    click(at, "rf_ch_submit")                      # nothing chosen
    assert "P15: Nothing to change" in errors(at)
    assert count(seeded, "requests") == 0


def test_p16_the_form_offers_no_salesforce_profile(seeded):
    at = to_user_step(start_request(BOULDER, "Rita Ready"))
    assert "rf_profile" not in [s.key for s in at.selectbox]
    assert "P16: the Salesforce profile follows the applications" in texts(at)


def test_p15_license_record_billing_edit_saves_at_once(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    ok(at.selectbox(key="bill_speedtype_Boulder").select("11520844").run())
    ok(at.text_input(key="bill_units").input("11520844:20;11531092:80").run())
    click(at, "bill_save")
    assert not at.error, errors(at)
    assert "Billing information saved." in texts(at)
    lic = seeded.query_dicts("SELECT campus_speedtype, unit_speedtypes FROM licenses "
                             "WHERE license_number = 'LN-0776'")[0]
    assert lic == {"campus_speedtype": "11520844", "unit_speedtypes": "11520844:20;11531092:80"}
    assert count(seeded, "audit_log", "action = 'update_billing'") == 1


def test_p15_license_record_billing_edit_refuses_a_bad_split(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    ok(at.text_input(key="bill_units").input("11520844:20;11531092:70").run())
    click(at, "bill_save")
    assert "P12: Unit speedtype percentages add up to 90, not 100" in errors(at)


def test_a3_a_manager_sees_no_billing_edit(seeded):
    at = open_page(MANAGER, LICENSE, license="LN-0776")
    assert "bill_save" not in [b.key for b in at.button]


def test_c7_batch_page_shows_the_cycle_tasks_and_a_person_closes_one(seeded):
    spec = who(seeded, BOULDER)
    mec = submit_provision(seeded, spec, "C-ELIG", draft(ecomm_role=ref.ROLE_MEC), [upload()],
                           now_utc=NOW)
    group = request_group_change(seeded, spec, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                 new_public_group="07 Boulder Music", now_utc=NOW)
    at = open_page(SYSTEM, BATCH)
    ok(at.selectbox(key="batch_cycle").select("2026-12").run())
    assert "System team tasks (C7): 1 open of 1" in texts(at)
    tasks, other = [tb.value for tb in at.table]   # the cycle's, then other cycles' open ones
    assert list(tasks.index) == [mec.request_id]
    assert "new eComm specialist" in tasks["what"].iloc[0]
    assert list(other.index) == [group.request_id]     # off-cycle, listed below
    ok(at.text_input(key="task_note").input("training booked").run())
    click(at, "task_close")
    assert not at.error, errors(at)
    assert "System team tasks (C7): 0 open of 1" in texts(at)
    closed = seeded.query_dicts("SELECT closed_by, close_note FROM system_tasks "
                                "WHERE request_id = ?", [mec.request_id])[0]
    assert closed == {"closed_by": SYSTEM, "close_note": "training booked"}


def test_p15_license_record_starts_a_change_request_in_the_form(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    click(at, "lic_change")
    at = ok(at.switch_page("app_pages/request_form.py").run())
    assert "User Access Change Request for Hana Holder" in texts(at)
    click(at, "rf_ack")
    ok(at.radio(key="rf_action").set_value("Change").run())
    click(at, "rf_next")
    assert "Change what the user has (P15)" in texts(at)
