"""Net-new review (B6, P10): a campus's specialist confirms or corrects the applications
provisioned in a true-up's window (a correction needs a reason; audited, A4); the System team
captures the lists and drafts the true-up, which bills what the review decided."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm.billing import net_new
from ecomm.billing.invoice import apply_reviews, license_frames
from ecomm.storage import invoice_reads as ir
from ecomm.billing import workflow as wf
from ecomm.billing.models import AppHolding, LicenseForBilling
from ecomm.errors import AccessDenied, EcommError, NotFound
from tests.integration.billing_seed import (BOULDER, DENVER, FY, JAN_AS_OF, MANAGER, SYSTEM,
                                            seed, totals)

NOW = datetime(2027, 1, 12, 17)
DRAFT_AT = datetime(2027, 1, 15, 17)
JAN = "january"
SFMC, CVENT = "salesforce_marketing_cloud", "cvent"


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def decide(store, who, license_number, application, provisioned_on, net_new_value, reason=None):
    return net_new.review_candidate(
        store, who, fiscal_year=FY, kind=JAN, license_number=license_number,
        application=application, provisioned_on=provisioned_on, net_new=net_new_value,
        reason=reason, now_utc=NOW)


def draft(store, capture=True):
    # rev 2 (B6): drafting captures only when the System team says so
    return wf.draft_run(store, SYSTEM, fiscal_year=FY, kind=JAN, as_of=JAN_AS_OF, now_utc=DRAFT_AT,
                        capture=capture)


def test_b6_a_campus_list_holds_its_applications_provisioned_in_the_window(seeded):
    cands = net_new.candidates(seeded, BOULDER, fiscal_year=FY, kind=JAN, campus="Boulder")
    assert [(c.license_number, c.application, c.flagged_net_new, c.decision) for c in cands] == [
        ("LN-0002", "Marketing Cloud", True, None), ("LN-0001", "Cvent", True, None),
        ("LN-0003", "Salesforce", False, None)]                    # by provisioning date
    assert cands[2].replaces_license == "LN-0099"
    denver = net_new.candidates(seeded, SYSTEM, fiscal_year=FY, kind=JAN, campus="Denver")
    assert [(c.license_number, c.deprovisioned_on) for c in denver] == [
        ("LN-0004", date(2026, 12, 10))]          # July-batch LN-0005 is on the July invoice
    june = net_new.candidates(seeded, SYSTEM, fiscal_year=FY, kind="june", campus="UCCS")
    assert [(c.license_number, c.application) for c in june] == [("LN-0006", "Salesforce")]
    with pytest.raises(EcommError, match="B6"):
        net_new.candidates(seeded, SYSTEM, fiscal_year=FY, kind="annual", campus="Boulder")


def test_a1_a_specialist_sees_and_reviews_only_their_campus(seeded):
    with pytest.raises(AccessDenied, match="A1"):
        net_new.candidates(seeded, DENVER, fiscal_year=FY, kind=JAN, campus="Boulder")
    with pytest.raises(AccessDenied):
        decide(seeded, DENVER, "LN-0002", "Marketing Cloud", date(2026, 9, 3), True)
    with pytest.raises(AccessDenied, match="A3"):
        decide(seeded, MANAGER, "LN-0002", "Marketing Cloud", date(2026, 9, 3), True)
    assert net_new.candidates(seeded, MANAGER, fiscal_year=FY, kind=JAN, campus="Boulder")
    with pytest.raises(NotFound):
        decide(seeded, BOULDER, "LN-0002", "Marketing Cloud", date(2026, 9, 4), True)


def test_b6_a_correction_needs_a_reason_a_confirmation_does_not(seeded):
    with pytest.raises(EcommError, match="needs a reason"):
        decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), True, reason="  ")
    kept = decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), False)
    assert (kept.decision, kept.net_new, kept.reviewed_by) == ("confirm", False, BOULDER.email)


def test_b6_corrections_flow_into_the_drafted_true_up(seeded):
    # LN-0003 replaced nobody after all (net new: Nov..Jun = 8 x 41.67 = 333.36);
    # LN-0002's Marketing Cloud was a transfer (not billed on the true-up).
    decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), True,
           reason="LN-0099 was never deprovisioned: a new seat")
    decide(seeded, BOULDER, "LN-0002", "Marketing Cloud", date(2026, 9, 3), False,
           reason="took over a departed user's seat")
    decide(seeded, BOULDER, "LN-0001", "Cvent", date(2026, 10, 14), True)
    out = draft(seeded)
    assert totals(out.invoices) == {("Boulder", SFMC): Decimal("333.36"),
                                    ("Boulder", CVENT): Decimal("110.25"),
                                    ("Denver", SFMC): Decimal("208.35")}
    boulder = next(i for i in out.invoices if (i.campus, i.group) == ("Boulder", SFMC))
    assert [ln.license_number for ln in ir.load_invoice(seeded, boulder.invoice_id).lines] == \
        ["LN-0003"]
    # rev 2 (B6): capturing wrote each reviewed decision onto the license's application
    flags = dict(seeded.query("SELECT license_number || ' ' || application, net_new "
                              "FROM license_apps WHERE license_number IN ('LN-0002', 'LN-0003')"))
    assert flags["LN-0003 Salesforce"] is True and flags["LN-0002 Marketing Cloud"] is False
    written = seeded.query("SELECT entity_id, before, after FROM audit_log "
                           "WHERE action = 'net_new_captured' ORDER BY entity_id")
    assert [(n, json.loads(b)["net_new"], json.loads(a)["net_new"]) for n, b, a in written] == [
        ("LN-0002", True, False), ("LN-0003", False, True)]


def test_b6_drafting_captures_the_lists_and_reviews_close(seeded):
    out = draft(seeded)
    assert out.captured == ["Boulder", "Denver"]
    with pytest.raises(EcommError, match="captured"):
        decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), True, reason="new")
    with pytest.raises(EcommError, match="captured"):
        net_new.confirm_remaining(seeded, BOULDER, fiscal_year=FY, kind=JAN, campus="Boulder")
    status = {s.campus: s for s in net_new.statuses(seeded, SYSTEM, fiscal_year=FY, kind=JAN)}
    assert status["Boulder"].captured and status["Boulder"].captured_by == SYSTEM.email
    assert not status["UCCS"].captured and status["UCCS"].candidates == 0


def test_b6_reopened_list_is_corrected_and_drafted_again(seeded):
    first = draft(seeded)
    with pytest.raises(AccessDenied):
        net_new.reopen(seeded, BOULDER, fiscal_year=FY, kind=JAN, campus="Boulder", reason="x")
    with pytest.raises(EcommError, match="Say why"):
        net_new.reopen(seeded, SYSTEM, fiscal_year=FY, kind=JAN, campus="Boulder", reason="")
    net_new.reopen(seeded, SYSTEM, fiscal_year=FY, kind=JAN, campus="Boulder",
                   reason="Priya found a transfer")
    decide(seeded, BOULDER, "LN-0002", "Marketing Cloud", date(2026, 9, 3), False,
           reason="a transfer from LN-0042")
    again = draft(seeded)
    assert again.captured == ["Boulder"]
    boulder_sf = {(i.campus, i.group): i.invoice_id for i in first.invoices}[("Boulder", SFMC)]
    assert again.removed == [boulder_sf]             # nothing left to bill on that invoice
    assert ("Boulder", SFMC) not in totals(again.invoices)


def test_b6_the_system_team_captures_lists_before_drafting(seeded):
    with pytest.raises(AccessDenied):
        net_new.capture(seeded, BOULDER, fiscal_year=FY, kind=JAN)
    assert net_new.capture(seeded, SYSTEM, fiscal_year=FY, kind=JAN, campuses=["Denver"],
                           now_utc=NOW) == ["Denver"]
    with pytest.raises(EcommError, match="captured"):
        decide(seeded, DENVER, "LN-0004", "Salesforce", date(2026, 8, 4), False, reason="x")
    assert net_new.capture(seeded, SYSTEM, fiscal_year=FY, kind=JAN, now_utc=NOW) == ["Boulder"]
    assert draft(seeded).captured == []


def test_b6_confirm_remaining_keeps_earlier_decisions(seeded):
    decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), True, reason="new seat")
    assert net_new.confirm_remaining(seeded, BOULDER, fiscal_year=FY, kind=JAN,
                                     campus="Boulder", now_utc=NOW) == 2
    cands = {c.license_number: c for c in net_new.candidates(
        seeded, BOULDER, fiscal_year=FY, kind=JAN, campus="Boulder")}
    assert (cands["LN-0003"].decision, cands["LN-0003"].net_new) == ("correct", True)
    assert {cands[n].decision for n in ("LN-0001", "LN-0002")} == {"confirm"}
    assert net_new.confirm_remaining(seeded, BOULDER, fiscal_year=FY, kind=JAN,
                                     campus="Boulder", now_utc=NOW) == 0


def test_a4_every_review_decision_and_capture_is_audited(seeded):
    decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), True, reason="new seat")
    decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), False)   # changed mind
    net_new.capture(seeded, SYSTEM, fiscal_year=FY, kind=JAN, campuses=["Boulder"], now_utc=NOW)
    rows = seeded.query_dicts(
        "SELECT action, actor, entity, entity_id, campus, before, after FROM audit_log "
        "ORDER BY audit_id")
    assert [(r["action"], r["actor"], r["campus"]) for r in rows] == [
        ("net_new_correct", BOULDER.email, "Boulder"), ("net_new_confirm", BOULDER.email, "Boulder"),
        ("capture", SYSTEM.email, "Boulder")]
    assert rows[0]["entity_id"] == "FY2027-january:LN-0003:Salesforce:2026-11-05"
    assert json.loads(rows[0]["before"])["net_new"] is False
    assert json.loads(rows[0]["after"]) == {"net_new": True, "decision": "correct",
                                            "reason": "new seat"}
    assert json.loads(rows[1]["before"])["reason"] == "new seat"
    assert json.loads(rows[2]["after"]) == {"candidates": 3, "reviewed": 1, "corrected": 0,
                                            "written_to_licenses": 0}   # confirmed as flagged


def test_b6_apply_reviews_changes_only_the_reviewed_rows():
    sf = AppHolding(application="Salesforce", provisioned_on=date(2026, 11, 5), net_new=False)
    cv = AppHolding(application="Cvent", provisioned_on=date(2026, 11, 5), net_new=False)
    lic = LicenseForBilling(license_number="LN-0003", affiliated_campus="Boulder", apps=[sf, cv])
    other = LicenseForBilling(license_number="LN-0004", affiliated_campus="Boulder", apps=[sf])
    _, apps = license_frames([lic, other])
    out = apply_reviews(apps, {("LN-0003", "Salesforce", date(2026, 11, 5)): True})
    assert list(zip(out["license_number"], out["application"], out["net_new"])) == [
        ("LN-0003", "Salesforce", True), ("LN-0003", "Cvent", False),
        ("LN-0004", "Salesforce", False)]
    assert list(apps["net_new"]) == [False, False, False]   # the input is left as it was



def test_b6_drafting_a_true_up_does_not_capture_silently(seeded):
    decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), False)
    decide(seeded, BOULDER, "LN-0002", "Marketing Cloud", date(2026, 9, 3), True)
    decide(seeded, BOULDER, "LN-0001", "Cvent", date(2026, 10, 14), True)
    # Boulder reviewed all three; Denver did not review LN-0004
    assert net_new.unreviewed_campuses(seeded, SYSTEM, fiscal_year=FY, kind=JAN) == ["Denver"]
    with pytest.raises(EcommError, match="still open: Boulder, Denver; not reviewed by their "
                                         "specialist: Denver"):
        draft(seeded, capture=False)
    assert seeded.query_value("SELECT count(*) FROM net_new_captures") == 0
    assert seeded.query_value("SELECT count(*) FROM invoices") == 0
    out = draft(seeded, capture=True)      # the System team captures as the lists stand
    assert out.captured == ["Boulder", "Denver"] and out.unreviewed == ["Denver"]


def test_b6_a_reviewed_correction_shows_in_reports(seeded):
    from ecomm.storage import reports as db
    before = db.net_new_by_month(seeded, date(2026, 8, 1), date(2026, 12, 31), ["Boulder"])
    nov = before[before["month"] == "2026-11-01"]
    assert nov.empty            # LN-0003's Salesforce (Nov 5) was flagged a transfer
    decide(seeded, BOULDER, "LN-0003", "Salesforce", date(2026, 11, 5), True,
           reason="LN-0099 was never deprovisioned: a new seat")
    net_new.capture(seeded, SYSTEM, fiscal_year=FY, kind=JAN, campuses=["Boulder"], now_utc=NOW)
    after = db.net_new_by_month(seeded, date(2026, 8, 1), date(2026, 12, 31), ["Boulder"])
    nov = after[after["month"] == "2026-11-01"]
    assert list(zip(nov["application"], nov["applications"])) == [("Salesforce", 1)]
    # and the true-up bills what the report counts: LN-0003 Salesforce Nov..Jun = 8 x 41.67
    # = 333.36, plus LN-0002 Marketing Cloud Sep..Jun = 10 x 23.50 = 235.00: 568.36
    out = draft(seeded)
    assert totals(out.invoices)[("Boulder", SFMC)] == Decimal("568.36")
