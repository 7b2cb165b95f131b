"""From list to action (Q1-Q3 -> C4): people selected on a compliance list become deprovisioning
requests in one step, each through submit_deprovision (P6, P7, P14, A1-A3); items are
independent, so one refused item does not block the others."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import reference as ref
from ecomm.compliance_actions import (DeprovisionItem, course_items, idle_items, quiz_items,
                                      request_deprovisioning)
from ecomm.errors import AccessDenied, EcommError
from ecomm.requests import submit_deprovision
from ecomm.storage import compliance as sc
from ecomm.storage.settings import load_policy
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NO_QUIZ, NOW, SYSTEM,
                                                 count, seed)

TODAY = date(2026, 11, 23)  # NOW in Denver
REASON = "Q1: post-training quiz not passed within 60 days"


@pytest.fixture
def seeded(store):
    """LN-0776 (Boulder: Salesforce, Marketing Cloud, Cvent) and LN-0100 (Denver: Salesforce,
    Cvent), both provisioned 2025-12-02 without a quiz pass (Q1 overdue); LN-0900 held nothing."""
    seed(store)
    return store


def _apps(store, number: str) -> dict[str, date | None]:
    return dict(store.query("SELECT application, deprovisioned_on FROM license_apps "
                            "WHERE license_number = ?", [number]))


def _request(store, request_id: str) -> dict:
    return store.query_dicts("SELECT * FROM requests WHERE request_id = ?", [request_id])[0]


def test_q1_overdue_list_becomes_one_request_per_license_with_the_reason(seeded):
    rows = sc.quiz_list(seeded, TODAY, load_policy(seeded), SYSTEM, which="overdue")
    assert [r.license_number for r in rows] == ["LN-0100", "LN-0776"]
    result = request_deprovisioning(seeded, SYSTEM, quiz_items(rows, REASON), now_utc=NOW)
    assert not result.refused
    assert [i.license_number for i in result.created] == ["LN-0100", "LN-0776"]
    assert len(set(result.request_ids)) == 2 and count(seeded, "requests") == 2
    by_license = {i.license_number: i for i in result.items}
    # every held application, in the reference order; Salesforce goes at once (C4)
    assert by_license["LN-0776"].applications == [ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT]
    assert by_license["LN-0100"].applications == [ref.SALESFORCE, ref.CVENT]
    assert _apps(seeded, "LN-0776")[ref.SALESFORCE] == TODAY
    assert _apps(seeded, "LN-0776")[ref.CVENT] is None  # waits for the batch
    for item in result.created:
        req = _request(seeded, item.request_id)
        assert (req["kind"], req["status"], req["cycle"]) == ("deprovision", "pending", "2026-12")
        assert req["submitted_by"] == SYSTEM.email and req["notes"] == REASON
        assert req["applications"] == item.applications
    reasons = seeded.query("SELECT entity_id, detail FROM audit_log WHERE action = "
                           "'deprovision_reason' ORDER BY entity_id")
    assert reasons == [(rid, REASON) for rid in sorted(result.request_ids)]
    assert "2 deprovisioning request(s) created" in result.summary
    assert "refused" not in result.summary


def test_a1_a_specialist_gets_their_campus_and_the_other_campus_item_is_refused(seeded):
    items = [DeprovisionItem(license_number="LN-0100", reason=REASON),   # Denver
             DeprovisionItem(license_number="LN-0776", reason=REASON)]   # Boulder
    result = request_deprovisioning(seeded, BOULDER, items, now_utc=NOW)
    assert [i.license_number for i in result.created] == ["LN-0776"]
    [refused] = result.refused
    assert refused.license_number == "LN-0100" and refused.request_id is None
    assert refused.refusal == "License LN-0100 was not found."   # A1: nothing leaks
    assert _apps(seeded, "LN-0100") == {ref.SALESFORCE: None, ref.CVENT: None}
    assert count(seeded, "requests") == 1
    assert "1 of 2 refused" in result.summary and "does not stop the others" in result.summary
    assert refused.sentence().startswith("LN-0100: refused. License LN-0100 was not found.")


def test_one_refused_item_does_not_block_the_others(seeded):
    items = [DeprovisionItem(license_number="LN-0776", applications=[ref.GEOPOINTE], reason="x"),
             DeprovisionItem(license_number="LN-0900", reason="left the university"),
             DeprovisionItem(license_number="ln-0100", applications=[ref.CVENT], reason="Q2")]
    result = request_deprovisioning(seeded, SYSTEM, items, now_utc=NOW)
    first, second, third = result.items
    assert not first.ok and any(p.startswith("P7:") and "does not hold Geopointe" in p
                                for p in first.problems)
    assert not second.ok and "LN-0900 holds no application on 2026-11-23" in second.refusal
    assert third.ok and third.license_number == "LN-0100"
    assert _request(seeded, third.request_id)["applications"] == [ref.CVENT]
    assert result.request_ids == [third.request_id] and count(seeded, "requests") == 1
    assert "1 deprovisioning request(s) created" in result.summary
    assert "2 of 3 refused" in result.summary


def test_p7_all_held_leaves_out_applications_already_requested_and_says_so_when_all_are(seeded):
    submit_deprovision(seeded, DENVER, "LN-0100", [ref.CVENT], now_utc=NOW)
    submit_deprovision(seeded, BOULDER, "LN-0776", [ref.CVENT], now_utc=NOW)
    items = [DeprovisionItem(license_number="LN-0776", reason=REASON),
             DeprovisionItem(license_number="LN-0100", applications=[ref.SALESFORCE],
                             reason=REASON),
             DeprovisionItem(license_number="LN-0100", reason=REASON)]
    result = request_deprovisioning(seeded, SYSTEM, items, now_utc=NOW)
    lic776, sf100, rest100 = result.items
    assert lic776.ok and lic776.applications == [ref.SALESFORCE, ref.MARKETING_CLOUD]
    assert sf100.ok
    # LN-0100 now holds only Cvent, whose removal is already requested: P7 says so
    assert not rest100.ok and rest100.applications == [ref.CVENT]
    assert any("already requested" in p for p in rest100.problems)


def test_p14_a_specialist_without_the_license_change_quiz_is_refused_item_by_item(seeded):
    result = request_deprovisioning(seeded, NO_QUIZ, [
        DeprovisionItem(license_number="LN-0776", reason=REASON)], now_utc=NOW)
    [item] = result.items
    assert not item.ok and any(p.startswith("P14:") for p in item.problems)
    assert count(seeded, "requests") == 0 and "No deprovisioning request was created" in result.summary


def test_a3_a_manager_is_refused_before_anything_is_submitted(seeded):
    with pytest.raises(AccessDenied, match="A3"):
        request_deprovisioning(seeded, MANAGER, [
            DeprovisionItem(license_number="LN-0776", reason=REASON)], now_utc=NOW)
    assert count(seeded, "requests") == 0


def test_a_reason_is_required_and_nothing_is_submitted_without_it(seeded):
    with pytest.raises(EcommError) as err:
        request_deprovisioning(seeded, SYSTEM, [
            DeprovisionItem(license_number="LN-0776", reason=REASON),
            DeprovisionItem(license_number="LN-0100", reason="  ")], now_utc=NOW)
    assert err.value.problems == ["LN-0100: no reason given"]
    with pytest.raises(EcommError, match="Select at least one person"):
        request_deprovisioning(seeded, SYSTEM, [], now_utc=NOW)
    assert count(seeded, "requests") == 0


def test_q2_idle_rows_become_one_request_per_license_removing_only_the_idle_applications(seeded):
    seeded.write(lambda cur: cur.execute(
        "UPDATE license_apps SET last_login_on = DATE '2026-04-01' WHERE "
        "(license_number = 'LN-0776' AND application IN ('Cvent', 'Marketing Cloud')) OR "
        "(license_number = 'LN-0100' AND application = 'Cvent')"))
    rows = sc.idle_list(seeded, TODAY, load_policy(seeded), SYSTEM)
    assert [(r.license_number, r.application) for r in rows] == [
        ("LN-0100", ref.CVENT), ("LN-0776", ref.CVENT), ("LN-0776", ref.MARKETING_CLOUD)]
    items = idle_items(rows, "Q2: no login for 6 months")
    assert [(i.license_number, i.applications) for i in items] == [
        ("LN-0100", [ref.CVENT]), ("LN-0776", [ref.MARKETING_CLOUD, ref.CVENT])]
    result = request_deprovisioning(seeded, SYSTEM, items, now_utc=NOW)
    assert len(result.created) == 2
    assert _apps(seeded, "LN-0776")[ref.SALESFORCE] is None  # not idle: kept


def test_q3_course_rows_become_requests_for_each_license_of_the_contact(seeded):
    seeded.write(lambda cur: cur.execute(
        "DELETE FROM course_completions WHERE contact_id = 'C-USER' AND course = ?",
        [ref.COURSES[0]]))
    rows = sc.course_list(seeded, TODAY, load_policy(seeded), BOULDER)
    assert {(r.contact_id, r.course, r.status) for r in rows} == {
        ("C-USER", ref.COURSES[0], "non_compliant")}
    items = course_items(rows, "Q3: course never completed")
    assert [i.license_number for i in items] == ["LN-0776"]
    result = request_deprovisioning(seeded, BOULDER, items, now_utc=NOW)
    assert result.created[0].applications == [ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT]
