"""B10 seats (rev 2): purchased, assigned, in the queue and available per application and fiscal
year; the warning at submission (never a block); the System team's alert below the threshold;
recording seats in Admin (audited) and through seats.csv."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm import reference as ref
from ecomm import seats
from ecomm.errors import AccessDenied, EcommError
from ecomm.importer import import_path
from ecomm.notifications.compliance import queue_compliance_notifications
from ecomm.policy import Policy
from tests.integration.compliance_seed import SPECIALIST, SYSTEM, add_user
from tests.integration.dashboard_seed import bulk

AS_OF = date(2026, 11, 23)   # FY2027
SF, CV = ref.SALESFORCE, ref.CVENT


def seed(store) -> None:
    """Three Salesforce users, a Chatter Free one (no paid seat, B3), two Cvent users, one Cvent
    request waiting in the queue, one held Salesforce request, one cancelled (no seat)."""
    add_user(store, "C1", "LN-0001", date(2025, 1, 1), apps=(SF, CV))
    add_user(store, "C2", "LN-0002", date(2025, 1, 1), apps=(SF,))
    add_user(store, "C3", "LN-0003", date(2025, 1, 1), apps=(SF, CV))
    add_user(store, "C4", "LN-0004", date(2025, 1, 1), apps=(SF,))
    add_user(store, "C5", "LN-0005", date(2025, 1, 1), apps=(SF,), )
    store.write(lambda cur: cur.execute(
        "UPDATE licenses SET salesforce_profile = ? WHERE license_number = 'LN-0004'",
        [ref.PROFILE_CHATTER_FREE]))
    store.write(lambda cur: cur.execute(      # LN-0005's Salesforce was removed on 2026-11-01
        "UPDATE license_apps SET deprovisioned_on = DATE '2026-11-01' "
        "WHERE license_number = 'LN-0005'"))
    bulk(store, "requests", [
        {"request_id": rid, "kind": "provision", "contact_id": "C9", "campus": "Boulder",
         "submitted_at": datetime(2026, 11, 10, 16), "submitted_by": "x@cu.edu",
         "status": status, "applications": apps}
        for rid, status, apps in (("R-1", "pending", [CV]), ("R-2", "held", [SF]),
                                  ("R-3", "cancelled", [CV]))])
    bulk(store, "app_users", [{"email": "sys@cu.edu", "name": "Sys", "role": "system",
                               "active": True}])


def test_b10_below_threshold_at_its_boundary():
    # 5% of 100 purchased is 5: 4 available is below, 5 is not
    assert seats.b10_below_threshold(4, 100, 5)
    assert not seats.b10_below_threshold(5, 100, 5)
    # 5% of 30 is 1.5: 1 available is below, 2 is not
    assert seats.b10_below_threshold(1, 30, 5) and not seats.b10_below_threshold(2, 30, 5)
    assert seats.b10_available(100, 90, 7) == 3


def test_b10_seat_lines_purchased_assigned_queued_available(store):
    seed(store)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=SF, purchased=5,
                       cost="13,000.00")
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=CV, purchased=3,
                       cost=Decimal("4500"))
    lines = {line.application: line for line in seats.seat_lines(store, AS_OF)}
    sf, cv = lines[SF], lines[CV]
    # Salesforce: LN-0001..3 hold it (LN-0004 is Chatter Free, LN-0005 removed); R-2 waits
    assert (sf.fiscal_year, sf.purchased, sf.assigned, sf.queued, sf.available) == (
        2027, 5, 3, 1, 1)
    assert sf.cost == Decimal("13000.00")
    # Cvent: LN-0001 and LN-0003, R-1 waits (R-3 is cancelled): 3 - 2 - 1 = 0, below 5%
    assert (cv.assigned, cv.queued, cv.available, cv.low) == (2, 1, 0, True)
    assert not sf.low                                        # 1 >= 5% of 5 (0.25)
    assert not lines[ref.APSONA].recorded and lines[ref.APSONA].available is None


def test_b10_warning_at_submission_is_a_warning_per_application_past_the_seats(store):
    seed(store)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=SF, purchased=5)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=CV, purchased=3)
    warned = seats.submission_warnings(store, [SF, CV], as_of=AS_OF)
    assert warned == [
        "B10: Cvent has 0 seat(s) available for FY2027 (3 purchased, 2 assigned, 1 in the "
        "queue): this request goes past them. It can still be submitted; the System team is "
        "told so it can procure more."]
    # a transfer takes over the replaced license's seat (P10): no warning
    assert seats.submission_warnings(store, [CV], as_of=AS_OF, replaces_license="LN-0003") == []
    # no seats recorded for the year (FY2026): nothing to warn about
    assert seats.submission_warnings(store, [CV], as_of=date(2026, 3, 1)) == []


def test_b10_alert_to_the_system_team_once_below_the_threshold(store):
    seed(store)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=CV, purchased=3)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=SF, purchased=100)
    assert queue_compliance_notifications(store, AS_OF, Policy()) >= 1
    rows = store.query("SELECT dedup_key, to_addrs, subject FROM outbox "
                       "WHERE template_key = 'seats_low'")
    assert [(r[0], list(r[1]), r[2]) for r in rows] == [
        ("seats_low:2027:Cvent:3", ["sys@cu.edu"],
         "Seats running out: 0 Cvent seat(s) left for FY2027")]
    queue_compliance_notifications(store, AS_OF, Policy())            # again: nothing new
    assert store.query_value("SELECT count(*) FROM outbox WHERE template_key = 'seats_low'") == 1
    # one more seat bought: 4 - 2 - 1 = 1 available, not below 5% of 4 (0.2): no alert
    # (100 Salesforce: 96 available, never one)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=CV, purchased=4)
    queue_compliance_notifications(store, AS_OF, Policy())
    assert store.query_value("SELECT count(*) FROM outbox WHERE template_key = 'seats_low'") == 1
    # another Cvent request in the queue takes the last seat: below again, a new alert
    bulk(store, "requests", [{"request_id": "R-4", "kind": "provision", "contact_id": "C8",
                              "campus": "Boulder", "submitted_at": datetime(2026, 11, 20, 16),
                              "submitted_by": "x@cu.edu", "status": "pending",
                              "applications": [CV]}])
    queue_compliance_notifications(store, AS_OF, Policy())
    assert [r[0] for r in store.query("SELECT dedup_key FROM outbox WHERE template_key = "
                                      "'seats_low' ORDER BY message_id")] == [
        "seats_low:2027:Cvent:3", "seats_low:2027:Cvent:4"]


def test_b10_recording_seats_is_the_system_teams_and_audited(store):
    with pytest.raises(AccessDenied):
        seats.record_seats(store, SPECIALIST, fiscal_year=2027, application=SF, purchased=5)
    with pytest.raises(EcommError) as refused:
        seats.record_seats(store, SYSTEM, fiscal_year=2027, application="Slack", purchased=-1,
                           cost="abc")
    assert len(refused.value.problems) == 3
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application="salesforce", purchased=5,
                       cost="1,250.5", contract_end=date(2027, 6, 30), notes="renewal")
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=SF, purchased=6)
    row = store.query_dicts("SELECT * FROM seats")[0]
    assert (row["purchased"], row["cost"], row["notes"]) == (6, None, None)
    audit = store.query("SELECT actor, action, entity_id FROM audit_log "
                        "WHERE action = 'record_seats' ORDER BY audit_id")
    assert audit == [("sys@cu.edu", "record_seats", "FY2027:Salesforce")] * 2


def test_b10_seats_csv_imports_and_refuses_a_bad_row(store, tmp_path):
    (tmp_path / "seats.csv").write_text(
        "fiscal_year,application,purchased,cost,contract_end,notes\n"
        "2027,Salesforce,1200,\"62,400.00\",2027-06-30,annual contract\n"
        "2027,Cvent,300,8700.00,,\n", encoding="utf-8")
    import_path(store, tmp_path, actor="sys@cu.edu")
    assert store.query("SELECT fiscal_year, application, purchased, cost FROM seats "
                       "ORDER BY application") == [(2027, CV, 300, Decimal("8700.00")),
                                                   (2027, SF, 1200, Decimal("62400.00"))]
    (tmp_path / "seats.csv").write_text(
        "fiscal_year,application,purchased\n2027,Cvent,many\n", encoding="utf-8")
    with pytest.raises(EcommError) as refused:
        import_path(store, tmp_path, actor="sys@cu.edu")
    assert "seats.csv:2 purchased: 'many' is not a whole number of seats (e.g. 120)" in \
        refused.value.problems
