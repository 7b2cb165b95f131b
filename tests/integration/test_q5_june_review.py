"""Q5 June review (rev 2): open from June 1 to June 30; each specialist keeps or removes each
active user of their campus (A1), a removal becomes a deprovisioning request through the usual
service; progress per campus for the System team; reminders on June 1 and a week (5 business
days, C1) before June's last business day, each once."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import june_review as q5
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound
from ecomm.notifications.compliance import queue_compliance_notifications
from ecomm.policy import Policy
from tests.integration.compliance_seed import SPECIALIST, SYSTEM, add_user
from tests.integration.dashboard_seed import bulk

NOW = datetime(2027, 6, 10, 16, 0)   # 10:00 in Denver, Thursday June 10, 2027


def seed(store) -> None:
    add_user(store, "C1", "LN-0001", date(2025, 1, 1), apps=(ref.SALESFORCE, ref.CVENT))
    add_user(store, "C2", "LN-0002", date(2025, 1, 1), apps=(ref.CVENT,))
    add_user(store, "C3", "LN-0003", date(2025, 1, 1), apps=(ref.MARKETING_CLOUD,))
    add_user(store, "C4", "LN-0004", date(2025, 1, 1), campus="Denver",
             specialist="spec.denver@cu.edu")
    bulk(store, "app_users", [
        {"email": "sys@cu.edu", "name": "Sys", "role": "system", "active": True},
        {"email": "spec.boulder@cu.edu", "name": "B", "role": "specialist", "campus": "Boulder",
         "quiz_passed_on": date(2025, 1, 1), "active": True}])


def test_q5_the_review_is_open_from_june_1_to_june_30():
    assert not q5.q5_is_open(2027, date(2027, 5, 31))
    assert q5.q5_is_open(2027, date(2027, 6, 1)) and q5.q5_is_open(2027, date(2027, 6, 30))
    assert not q5.q5_is_open(2027, date(2027, 7, 1))
    assert q5.q5_review_year(date(2027, 5, 31)) == 2026
    assert q5.q5_review_year(date(2027, 6, 1)) == 2027
    assert q5.q5_review_day(2026, date(2026, 12, 7)) == date(2026, 6, 30)


def test_q5_reminders_june_1_and_a_week_before_the_last_business_day():
    # June 30, 2027 is a Wednesday: five business days before is Wednesday June 23
    assert q5.q5_last_business_day(2027) == date(2027, 6, 30)
    assert q5.q5_second_reminder_day(2027, 5) == date(2027, 6, 23)
    # June 30, 2029 is a Saturday: the last business day is Friday June 29; a week before is
    # Friday June 22
    assert q5.q5_last_business_day(2029) == date(2029, 6, 29)
    assert q5.q5_second_reminder_day(2029, 5) == date(2029, 6, 22)
    assert q5.q5_reminder_due(2027, date(2027, 5, 31), 5) is None
    assert q5.q5_reminder_due(2027, date(2027, 6, 1), 5) == "open"
    assert q5.q5_reminder_due(2027, date(2027, 6, 22), 5) == "open"
    assert q5.q5_reminder_due(2027, date(2027, 6, 23), 5) == "reminder"
    assert q5.q5_reminder_due(2027, date(2027, 7, 1), 5) is None


def test_q5_keep_and_remove_with_progress_per_campus(store):
    seed(store)
    assert q5.keep(store, SPECIALIST, 2027, ["LN-0001"], now_utc=NOW) == 1
    result = q5.remove(store, SPECIALIST, 2027, ["LN-0002"], "left the unit", now_utc=NOW)
    assert len(result.created) == 1
    request = store.query_dicts("SELECT kind, license_number, applications, notes FROM requests")
    assert request == [{"kind": "deprovision", "license_number": "LN-0002",
                        "applications": [ref.CVENT], "notes": "left the unit"}]
    review = q5.review(store, SPECIALIST, 2027, date(2027, 6, 10))
    assert [(r.license_number, r.decision) for r in review.rows] == [
        ("LN-0001", "keep"), ("LN-0002", "remove"), ("LN-0003", None)]
    assert review.rows[1].request_id == result.request_ids[0]
    progress = {p.campus: (p.active_users, p.kept, p.removed, p.to_review)
                for p in q5.progress(store, SYSTEM, 2027, date(2027, 6, 10))}
    assert progress == {"Boulder": (3, 1, 1, 1), "Denver": (1, 0, 0, 1)}
    # a removal is final; a kept user may still be removed
    with pytest.raises(EcommError) as refused:
        q5.keep(store, SPECIALIST, 2027, ["LN-0002"], now_utc=NOW)
    assert refused.value.problems == ["LN-0002"]
    audit = store.query("SELECT action, entity_id FROM audit_log WHERE action LIKE 'june_review%' "
                        "ORDER BY audit_id")
    assert audit == [("june_review_keep", "LN-0001"), ("june_review_remove", "LN-0002")]


def test_q5_a1_a_specialist_reviews_only_their_campus_and_only_in_june(store):
    seed(store)
    with pytest.raises(NotFound):
        q5.keep(store, SPECIALIST, 2027, ["LN-0004"], now_utc=NOW)
    assert [r.license_number for r in q5.review(store, SPECIALIST, 2027, date(2027, 6, 10),
                                                 campus="Denver").rows] == [
        "LN-0001", "LN-0002", "LN-0003"]
    with pytest.raises(EcommError) as closed:
        q5.keep(store, SPECIALIST, 2027, ["LN-0001"], now_utc=datetime(2027, 7, 1, 16))
    assert closed.value.message.startswith("Q5: the June review of 2027 is open from June 1")


def test_q5_reminders_are_queued_once_each_to_the_campus_specialists(store):
    seed(store)
    queue_compliance_notifications(store, date(2027, 6, 1), Policy())
    queue_compliance_notifications(store, date(2027, 6, 2), Policy())      # once
    opened = store.query("SELECT dedup_key, to_addrs, subject FROM outbox "
                         "WHERE template_key = 'june_review_open' ORDER BY dedup_key")
    # Denver has no specialist among the app users: the System team is told (P17)
    assert [(k, list(t), s) for k, t, s in opened] == [
        ("june_review_open:2027:Boulder", ["spec.boulder@cu.edu"],
         "June review: confirm or remove your 3 active eComm users (Boulder)"),
        ("june_review_open:2027:Denver", ["sys@cu.edu"],
         "June review: confirm or remove your 1 active eComm users (Denver)")]
    q5.keep(store, SYSTEM, 2027, ["LN-0004"], now_utc=NOW)                 # Denver done
    queue_compliance_notifications(store, date(2027, 6, 23), Policy())
    second = store.query("SELECT dedup_key, subject FROM outbox "
                         "WHERE template_key = 'june_review_reminder'")
    assert second == [("june_review_reminder:2027:Boulder",
                       "June review: 3 of 3 users of Boulder still to review")]
