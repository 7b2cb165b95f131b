"""P15 (rules revision 2): change requests on an existing license (add-ons, super-user
permissions, eComm role, the upgrade from Chatter Free to a full Salesforce license) go
through the monthly cycle and are held like provisioning (C3); P7 sends the specialist there."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm import batch
from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.requests import submit_change, submit_provision
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NOW, SYSTEM,
                                                 add_contact, add_license, count, draft, seed,
                                                 upload)

ON = date(2026, 12, 1)                   # cycle 2026-12's first processing day (Tuesday)
PROCESS_AT = datetime(2026, 12, 1, 17)   # 10:00 in Denver
SF, MC, CVENT = ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT


@pytest.fixture
def seeded(store):
    seed(store)
    # a Cvent-only Boulder user: Salesforce with the Chatter Free profile (P16)
    add_contact(store, "C-CF", "Free", "Chad", employee_id="666", ucb="chad@colorado.edu")
    add_license(store, "LN-0300", "C-CF", "Boulder", [SF, CVENT],
                provisioned_on=date(2025, 9, 2))
    store.write(lambda cur: cur.execute(
        "UPDATE licenses SET salesforce_profile = ? WHERE license_number = 'LN-0300'",
        [ref.PROFILE_CHATTER_FREE]))
    return store


def process(store):
    return batch.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)


def license_row(store, number):
    return store.query_dicts("SELECT * FROM licenses WHERE license_number = ?", [number])[0]


def sf_rows(store, number):
    return store.query("SELECT provisioned_on, deprovisioned_on, net_new FROM license_apps "
                       "WHERE license_number = ? AND application = ? ORDER BY provisioned_on",
                       [number, SF])


def test_p15_change_adds_an_add_on_and_a_role_in_the_monthly_batch(seeded):
    conf = submit_change(seeded, BOULDER, "LN-0776",
                         {"cvent_add_ons": ["Event Management"], "ecomm_role": ref.ROLE_MEC},
                         now_utc=NOW)
    assert (conf.kind, conf.status, conf.cycle, conf.cutoff) == (
        "change", "pending", "2026-12", date(2026, 11, 30))
    row = seeded.query_dicts("SELECT * FROM requests WHERE request_id = ?", [conf.request_id])[0]
    assert (row["kind"], row["license_number"], row["ecomm_role"], row["cvent_add_ons"]) == (
        "change", "LN-0776", "MEC", ["Event Management"])
    assert license_row(seeded, "LN-0776")["ecomm_role"] == "User"   # nothing until the batch

    outcome = process(seeded)
    assert [c.request_id for c in outcome.plan.changed] == [conf.request_id]
    assert outcome.to_json()["changed"] == [conf.request_id]
    lic = license_row(seeded, "LN-0776")
    assert (lic["ecomm_role"], lic["cvent_add_ons"]) == ("MEC", ["Event Management"])
    assert seeded.query_value("SELECT status FROM requests WHERE request_id = ?",
                              [conf.request_id]) == "processed"
    entry = seeded.query_dicts("SELECT * FROM audit_log WHERE action = 'batch_change' "
                               "AND entity = 'license'")[0]
    assert json.loads(entry["before"]) == {"ecomm_role": "User", "cvent_add_ons": []}


def test_p15_upgrade_from_chatter_free_is_a_new_paid_salesforce_net_new_from_its_month(seeded):
    conf = submit_change(seeded, BOULDER, "LN-0300", {"salesforce_upgrade": True}, now_utc=NOW)
    # B5 as a new Salesforce of cycle 2026-12: rate 30.00 x 7 months (Dec..Jun) = 210.00
    assert not conf.transfer
    assert conf.cost_total == Decimal("210.00")
    assert [(c.application, c.months) for c in conf.cost_lines] == [(SF, 7)]

    process(seeded)
    assert license_row(seeded, "LN-0300")["salesforce_profile"] == ref.PROFILE_STANDARD
    # the free Chatter Free row ends on the processing day (no charge); the paid one starts
    assert sf_rows(seeded, "LN-0300") == [(date(2025, 9, 2), ON, False), (ON, None, True)]


def test_p15_upgrade_that_replaces_a_deprovisioned_user_is_a_transfer_p10(seeded):
    conf = submit_change(seeded, BOULDER, "LN-0300",
                         {"salesforce_upgrade": True, "replaces_license": "LN-0900"},
                         now_utc=NOW)
    assert conf.transfer and conf.cost_total == Decimal("0.00")
    process(seeded)
    assert sf_rows(seeded, "LN-0300")[-1] == (ON, None, False)   # not net new
    # B5 (rev 2): the paid row continues the replaced seat
    assert seeded.query_value("SELECT transfer_from FROM license_apps WHERE license_number = "
                              "'LN-0300' AND application = ? AND provisioned_on = ?",
                              [SF, ON]) == "LN-0900"


def test_p15_p10_upgrade_replacing_a_chatter_free_leaver_is_net_new(seeded):
    """P10 (rev 2): a Chatter Free (free) Salesforce transfers no paid Salesforce, so the
    upgrade that names such a leaver is net new, at submission and at processing (C3)."""
    add_contact(seeded, "C-CF2", "Left", "Lee", employee_id="667", ucb="lee@colorado.edu")
    add_license(seeded, "LN-0301", "C-CF2", "Boulder", [SF, CVENT],
                provisioned_on=date(2025, 9, 2), deprovisioned_on=date(2026, 10, 15))
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET salesforce_profile = ? WHERE license_number = 'LN-0301'",
        [ref.PROFILE_CHATTER_FREE]))
    conf = submit_change(seeded, BOULDER, "LN-0300",
                         {"salesforce_upgrade": True, "replaces_license": "LN-0301"},
                         now_utc=NOW)
    # B5 as a new Salesforce of cycle 2026-12: rate 30.00 x 7 months (Dec..Jun) = 210.00
    assert not conf.transfer and conf.cost_total == Decimal("210.00")
    process(seeded)
    assert sf_rows(seeded, "LN-0300")[-1] == (ON, None, True)    # net new: billed


def test_p15_upgrade_refused_when_the_license_already_has_full_salesforce(seeded):
    with pytest.raises(EcommError) as err:
        submit_change(seeded, BOULDER, "LN-0776", {"salesforce_upgrade": True}, now_utc=NOW)
    assert err.value.problems == ["P15: LN-0776 has no Chatter Free Salesforce to upgrade: it "
                                  "already has a full Salesforce license"]
    assert count(seeded, "requests") == 0


def test_p15_p8_super_user_permissions_refused_outside_their_campuses(seeded):
    with pytest.raises(EcommError) as err:
        submit_change(seeded, BOULDER, "LN-0776",
                      {"super_user_permissions": ["Salesforce Reporting"]}, now_utc=NOW)
    assert [p[:3] for p in err.value.problems] == ["P8:"]
    assert count(seeded, "requests") == 0


def test_p15_p9_add_on_needs_cvent_held(seeded):
    add_contact(seeded, "C-SF", "Only", "Sol", employee_id="777", ucb="sol@colorado.edu")
    add_license(seeded, "LN-0301", "C-SF", "Boulder", [SF])
    with pytest.raises(EcommError) as err:
        submit_change(seeded, BOULDER, "LN-0301", {"cvent_add_ons": ["Event Management"]},
                      now_utc=NOW)
    assert err.value.problems == ["P9: Cvent add-on Event Management needs Cvent: LN-0301 does "
                                  "not hold Cvent (request Cvent first)"]


def test_p15_nothing_to_change_and_the_same_role_are_refused(seeded):
    with pytest.raises(EcommError) as err:
        submit_change(seeded, BOULDER, "LN-0776", {}, now_utc=NOW)
    assert err.value.problems[0].startswith("P15: Nothing to change")
    with pytest.raises(EcommError) as err:
        submit_change(seeded, BOULDER, "LN-0776", {"ecomm_role": "User"}, now_utc=NOW)
    assert err.value.problems == ["P15: LN-0776 already has the eComm role User"]


def test_p15_the_same_change_twice_waits_for_the_first(seeded):
    submit_change(seeded, BOULDER, "LN-0776", {"ecomm_role": "MEC"}, now_utc=NOW)
    with pytest.raises(EcommError) as err:
        submit_change(seeded, BOULDER, "LN-0776", {"ecomm_role": "MEC"}, now_utc=NOW)
    assert "already asks for the eComm role" in err.value.problems[0]


def test_p15_a1_only_the_campus_specialist_or_the_system_team(seeded):
    with pytest.raises(NotFound):   # A1: another campus's license is not even seen
        submit_change(seeded, DENVER, "LN-0776", {"ecomm_role": "MEC"}, now_utc=NOW)
    with pytest.raises(AccessDenied):
        submit_change(seeded, MANAGER, "LN-0776", {"ecomm_role": "MEC"}, now_utc=NOW)
    assert count(seeded, "requests") == 0
    assert submit_change(seeded, SYSTEM, "LN-0776", {"ecomm_role": "MEC"}, now_utc=NOW).request_id


def test_p15_c3_a_change_is_held_when_the_user_fails_p4_on_the_processing_day(seeded):
    conf = submit_change(seeded, BOULDER, "LN-0776", {"ecomm_role": "MEC"}, now_utc=NOW)
    seeded.write(lambda cur: cur.execute("DELETE FROM campaign_members WHERE contact_id = 'C-USER'"))
    outcome = process(seeded)
    assert [(h.request_id, h.failures) for h in outcome.plan.held] == [(conf.request_id, ["P4"])]
    row = seeded.query_dicts("SELECT status, cycle FROM requests WHERE request_id = ?",
                             [conf.request_id])[0]
    assert (row["status"], row["cycle"]) == ("held", "2027-01")
    assert license_row(seeded, "LN-0776")["ecomm_role"] == "User"


def test_p7_a_provisioning_request_for_a_held_application_points_to_the_change_request(seeded):
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, BOULDER, "C-CF", draft(apps=[SF]), [upload()], now_utc=NOW)
    p7 = [p for p in err.value.problems if p.startswith("P7")]
    assert p7 == ["P7: Already holds Salesforce: a provisioning request adds only applications "
                  "the user does not have. To change what a licensed user has (Cvent add-ons, "
                  "super-user permissions, eComm role, the upgrade from Chatter Free to a full "
                  "Salesforce license) submit a change request (P15); to remove access, a "
                  "deprovisioning request"]
