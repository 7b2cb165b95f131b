"""P14 everywhere (issue 14 item 8): "a specialist without a recorded quiz pass can view but not
submit". Every write an eComm specialist can make is a submission and needs the pass: the
requests (provisioning, deprovisioning one by one or from a compliance list, group changes)
name P14 among their rules; cancelling a request, the P4 agreement fix, the net-new review
and approving or returning an invoice refuse at once (permissions.require_quiz_pass).
Each refusal changes nothing; the same specialist with a pass is let through."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import permissions
from ecomm import reference as ref
from ecomm.billing import net_new
from ecomm.billing import workflow as wf
from ecomm.compliance_actions import DeprovisionItem, request_deprovisioning
from ecomm.errors import AccessDenied, EcommError
from ecomm.identity import Identity
from ecomm.requests import (cancel_request, record_agreement_fix, request_group_change,
                            submit_deprovision, submit_provision)
from ecomm.storage import invoice_reads as ir
from tests.integration import billing_seed
from tests.integration.requests_fixtures import (BOULDER, NO_QUIZ, NOW, SYSTEM, add_contact,
                                                 count, draft, seed, upload)

# NOW is 2026-11-23 in Denver: a pass recorded for the day after does not count yet.
LATE_PASS = Identity(email=NO_QUIZ.email, name=NO_QUIZ.name, role="specialist",
                     campus="Boulder", quiz_passed_on=date(2026, 11, 24))
NOT_PASSED = [NO_QUIZ, LATE_PASS]


def audit_rows(store) -> int:
    return count(store, "audit_log")


@pytest.fixture
def seeded(store):
    seed(store)
    add_contact(store, "C-NOAGR", "Signed", "Elsewhere", employee_id="777",
                ucb="els@colorado.edu", agreement=False)
    return store


# -- the one check -----------------------------------------------------------------------------
def test_p14_require_quiz_pass_lets_the_system_team_and_passed_specialists_through():
    on = date(2026, 11, 23)
    assert permissions.require_quiz_pass(SYSTEM, on, "cancel requests") is SYSTEM
    assert permissions.require_quiz_pass(BOULDER, on, "cancel requests") is BOULDER
    assert permissions.require_quiz_pass(LATE_PASS, date(2026, 11, 24)) is LATE_PASS
    for who in NOT_PASSED:
        with pytest.raises(AccessDenied, match="P14: you have not passed the license-change "
                                               "quiz, so you can view but not cancel requests"):
            permissions.require_quiz_pass(who, on, "cancel requests")
    manager = Identity(email="m@cu.edu", name="M", role="manager")
    with pytest.raises(AccessDenied, match="A3"):
        permissions.require_quiz_pass(manager, on)


# -- requests: P14 among the rules -------------------------------------------------------------
@pytest.mark.parametrize("who", NOT_PASSED, ids=["no pass", "pass tomorrow"])
def test_p14_provisioning_needs_the_pass(seeded, who):
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, who, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert any(p.startswith("P14:") for p in err.value.problems)
    assert count(seeded, "requests") == 0


@pytest.mark.parametrize("who", NOT_PASSED, ids=["no pass", "pass tomorrow"])
def test_p14_deprovisioning_needs_the_pass(seeded, who):
    with pytest.raises(EcommError) as err:
        submit_deprovision(seeded, who, "LN-0776", [ref.CVENT], now_utc=NOW)
    assert any(p.startswith("P14:") for p in err.value.problems)
    result = request_deprovisioning(seeded, who, [
        DeprovisionItem(license_number="LN-0776", reason="left")], now_utc=NOW)
    assert not result.items[0].ok
    assert any(p.startswith("P14:") for p in result.items[0].problems)
    assert count(seeded, "requests") == 0


@pytest.mark.parametrize("who", NOT_PASSED, ids=["no pass", "pass tomorrow"])
def test_p14_group_changes_need_the_pass(seeded, who):
    with pytest.raises(EcommError) as err:
        request_group_change(seeded, who, "LN-0776", [], ["CUB Advancement"], [], [],
                             now_utc=NOW)
    assert any(p.startswith("P14:") for p in err.value.problems)
    assert count(seeded, "requests") == 0


# -- the other writes: refused at once, nothing changed ----------------------------------------
@pytest.mark.parametrize("who", NOT_PASSED, ids=["no pass", "pass tomorrow"])
def test_p14_cancelling_a_request_needs_the_pass(seeded, who):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    before = audit_rows(seeded)
    with pytest.raises(AccessDenied, match="P14"):
        cancel_request(seeded, who, conf.request_id, reason="not needed", now_utc=NOW)
    assert seeded.query_value("SELECT status FROM requests") == "pending"
    assert audit_rows(seeded) == before
    # the same request, cancelled by the specialist who passed
    assert cancel_request(seeded, BOULDER, conf.request_id, reason="not needed",
                          now_utc=NOW).status == "cancelled"


@pytest.mark.parametrize("who", NOT_PASSED, ids=["no pass", "pass tomorrow"])
def test_p14_the_agreement_fix_needs_the_pass(seeded, who):
    def fix(actor):
        return record_agreement_fix(seeded, actor, "C-NOAGR", reason="Signed on a duplicate",
                                    dcr_reference="DCR-1", signed_at=date(2026, 9, 1),
                                    now_utc=NOW)
    before = audit_rows(seeded)
    with pytest.raises(AccessDenied, match="P14"):
        fix(who)
    assert seeded.query_value("SELECT count(*) FROM campaign_members "
                              "WHERE contact_id = 'C-NOAGR'") == 0
    assert audit_rows(seeded) == before
    assert fix(BOULDER).status == "recorded"


# -- billing: the net-new review and the invoice steps -----------------------------------------
FY, JAN = billing_seed.FY, "january"
JAN_NOW = datetime(2027, 1, 12, 17)
B_PASSED = billing_seed.BOULDER
B_NO_PASS = Identity(email="casey.novak@colorado.edu", name="Casey Novak", role="specialist",
                     campus="Boulder", quiz_passed_on=None)
B_LATE = Identity(email="casey.novak@colorado.edu", name="Casey Novak", role="specialist",
                  campus="Boulder", quiz_passed_on=date(2027, 2, 1))
BILLING_NOT_PASSED = [B_NO_PASS, B_LATE]


@pytest.fixture
def billing(store):
    billing_seed.seed(store)
    return store


def review(store, who):
    return net_new.review_candidate(
        store, who, fiscal_year=FY, kind=JAN, license_number="LN-0002",
        application="Marketing Cloud", provisioned_on=date(2026, 9, 3), net_new=True,
        now_utc=JAN_NOW)


@pytest.mark.parametrize("who", BILLING_NOT_PASSED, ids=["no pass", "pass later"])
def test_p14_the_net_new_review_needs_the_pass(billing, who):
    before = audit_rows(billing)
    with pytest.raises(AccessDenied, match="P14"):
        review(billing, who)
    with pytest.raises(AccessDenied, match="P14"):
        net_new.confirm_remaining(billing, who, fiscal_year=FY, kind=JAN, campus="Boulder",
                                  now_utc=JAN_NOW)
    assert audit_rows(billing) == before
    assert review(billing, B_PASSED).decision == "confirm"


@pytest.mark.parametrize("who", BILLING_NOT_PASSED, ids=["no pass", "pass later"])
def test_p14_approving_or_returning_an_invoice_needs_the_pass(billing, who):
    out = wf.draft_run(billing, billing_seed.SYSTEM, fiscal_year=FY, kind=JAN,
                       as_of=billing_seed.JAN_AS_OF, now_utc=datetime(2027, 1, 15, 17),
                       capture=True)   # B6 (rev 2): the lists captured on purpose
    inv_id = next(i.invoice_id for i in out.invoices if i.campus == "Boulder")
    at = datetime(2027, 1, 16, 17)
    wf.send_for_review(billing, billing_seed.SYSTEM, [inv_id], now_utc=at)
    before = audit_rows(billing)
    with pytest.raises(AccessDenied, match="P14"):
        wf.approve(billing, who, inv_id, now_utc=at)
    with pytest.raises(AccessDenied, match="P14"):
        wf.return_to_draft(billing, who, inv_id, reason="wrong rate", now_utc=at)
    assert ir.load_invoice(billing, inv_id).status == "in_review"
    assert audit_rows(billing) == before
    assert wf.approve(billing, B_PASSED, inv_id, now_utc=at).status == "approved"
