"""P4 manual agreement fix, and cancelling pending or held requests."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.requests import (cancel_request, record_agreement_fix, submit_deprovision,
                            submit_provision)
from ecomm.rules import check_contact
from ecomm.storage.contacts import load_contact_facts
from ecomm.storage.settings import load_policy
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NOW, SYSTEM,
                                                 add_contact, draft, seed, upload)


@pytest.fixture
def seeded(store):
    seed(store)
    add_contact(store, "C-NOAGR", "Signed", "Elsewhere", employee_id="777",
                ucb="els@colorado.edu", agreement=False)
    return store


def _p4(store, contact_id):
    facts = load_contact_facts(store, contact_id)
    verdict = check_contact(facts, "Boulder", date(2026, 11, 23), load_policy(store))
    return [r for r in verdict.results if r.rule == "P4"][0]


# -- P4 ------------------------------------------------------------------------------------
def test_p4_agreement_fix_requires_reason_and_dcr_reference(seeded):
    with pytest.raises(EcommError) as err:
        record_agreement_fix(seeded, BOULDER, "C-NOAGR", reason=" ", dcr_reference="",
                             signed_at=datetime(2026, 11, 20, 17, 0), now_utc=NOW)
    assert len(err.value.problems) == 2
    assert any("reason" in p for p in err.value.problems)
    assert any("Data Change Request" in p for p in err.value.problems)
    with pytest.raises(EcommError):
        record_agreement_fix(seeded, BOULDER, "C-NOAGR", reason="Signed on a duplicate",
                             dcr_reference="", signed_at=datetime(2026, 11, 20), now_utc=NOW)
    assert seeded.query_value("SELECT count(*) FROM campaign_members "
                              "WHERE contact_id = 'C-NOAGR'") == 0
    assert seeded.query_value("SELECT count(*) FROM audit_log WHERE action = 'agreement_fix'") == 0
    assert not _p4(seeded, "C-NOAGR").passed


def test_p4_agreement_fix_is_recorded_with_who_why_and_audit_before_after(seeded):
    assert not _p4(seeded, "C-NOAGR").passed
    out = record_agreement_fix(seeded, BOULDER, "C-NOAGR", reason="Signed on duplicate 003X",
                               dcr_reference="DCR-0042", signed_at=datetime(2026, 11, 20, 17, 0),
                               now_utc=NOW)
    assert "DCR-0042" in out.message
    row = seeded.query_dicts("SELECT * FROM campaign_members WHERE contact_id = 'C-NOAGR'")[0]
    assert row["campaign"] == ref.AGREEMENT_CAMPAIGN
    assert row["added_by"] == BOULDER.email
    assert "Signed on duplicate 003X" in row["reason"] and "DCR-0042" in row["reason"]
    assert row["signed_at"] == datetime(2026, 11, 20, 17, 0)
    entry = seeded.query_dicts("SELECT * FROM audit_log WHERE action = 'agreement_fix'")[0]
    assert entry["actor"] == BOULDER.email and entry["entity_id"] == "C-NOAGR"
    assert entry["before"] is None
    after = json.loads(entry["after"])
    assert after["dcr_reference"] == "DCR-0042" and after["added_by"] == BOULDER.email
    assert _p4(seeded, "C-NOAGR").passed


def test_p4_agreement_fix_by_other_campus_or_manager_is_refused(seeded):
    with pytest.raises(NotFound):
        record_agreement_fix(seeded, DENVER, "C-NOAGR", reason="r", dcr_reference="d",
                             signed_at=date(2026, 11, 20), now_utc=NOW)
    with pytest.raises(AccessDenied):
        record_agreement_fix(seeded, MANAGER, "C-NOAGR", reason="r", dcr_reference="d",
                             signed_at=date(2026, 11, 20), now_utc=NOW)
    out = record_agreement_fix(seeded, SYSTEM, "C-NOAGR", reason="r", dcr_reference="d",
                               signed_at=date(2026, 11, 20), now_utc=NOW)
    assert out.status == "recorded"


# -- cancel --------------------------------------------------------------------------------
def test_cancel_pending_request_with_reason(seeded):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    with pytest.raises(EcommError, match="reason"):
        cancel_request(seeded, BOULDER, conf.request_id, reason="", now_utc=NOW)
    out = cancel_request(seeded, BOULDER, conf.request_id, reason="User left", now_utc=NOW)
    assert out.status == "cancelled"
    assert seeded.query_value("SELECT status FROM requests") == "cancelled"
    last = seeded.query_one("SELECT status, note FROM request_status_history "
                            "WHERE status = 'cancelled'")
    assert last == ("cancelled", "User left")
    with pytest.raises(EcommError, match="only a pending or held"):
        cancel_request(seeded, BOULDER, conf.request_id, reason="again", now_utc=NOW)


@pytest.mark.parametrize("status,allowed", [("pending", True), ("held", True),
                                            ("processed", False), ("completed", False),
                                            ("cancelled", False)])
def test_cancel_only_pending_or_held(seeded, status, allowed):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    seeded.write(lambda cur: cur.execute("UPDATE requests SET status = ?", [status]))
    if allowed:
        assert cancel_request(seeded, BOULDER, conf.request_id, reason="r",
                              now_utc=NOW).status == "cancelled"
    else:
        with pytest.raises(EcommError):
            cancel_request(seeded, BOULDER, conf.request_id, reason="r", now_utc=NOW)
        assert seeded.query_value("SELECT status FROM requests") == status


def test_cancelled_deprovision_does_not_restore_salesforce(seeded):
    conf = submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE, ref.CVENT], now_utc=NOW)
    out = cancel_request(seeded, BOULDER, conf.request_id, reason="Mistake", now_utc=NOW)
    assert "does not give it back" in out.message and "2026-11-23" in out.message
    assert seeded.query_value("SELECT deprovisioned_on FROM license_apps WHERE application = ? "
                              "AND license_number = 'LN-0776'", [ref.SALESFORCE]) == date(2026, 11, 23)


def test_cancel_by_other_campus_or_manager_is_refused(seeded):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    with pytest.raises(NotFound):
        cancel_request(seeded, DENVER, conf.request_id, reason="r", now_utc=NOW)
    with pytest.raises(AccessDenied):
        cancel_request(seeded, MANAGER, conf.request_id, reason="r", now_utc=NOW)
    assert seeded.query_value("SELECT status FROM requests") == "pending"
