"""The outbox records each message once; templates are edited by the System team; the compliance
messages due on a day are queued once; without SMTP messages wait to be downloaded."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError
from ecomm.notifications import actions as messages
from ecomm.notifications import outbox
from ecomm.notifications import templates as t
from ecomm.notifications.compliance import queue_compliance_notifications
from ecomm.notifications.smtp import send_pending
from ecomm.policy import Policy
from ecomm.storage import notifications as sn
from tests.integration.compliance_seed import (MANAGER, SPECIALIST, SYSTEM, add_app,
                                               add_completion, add_user)

P = Policy()


def _queue(store, key="credentials:LN-0123:2026-12", **context):
    return store.write(lambda cur: sn.queue_message(
        cur, t.CREDENTIALS_READY, key, ["Ada@Colorado.edu"], ["spec@cu.edu", "ada@colorado.edu"],
        {"first_name": "Ada", "license_number": "LN-0123", **context}))


def _outbox(store):
    return store.query_dicts("SELECT dedup_key, template_key, to_addrs, cc_addrs, subject, body, "
                             "sent_at FROM outbox ORDER BY message_id")


def test_same_dedup_key_is_recorded_once(store):
    first = _queue(store)
    assert isinstance(first, int)
    assert _queue(store) is None
    rows = _outbox(store)
    assert len(rows) == 1
    assert rows[0]["to_addrs"] == ["ada@colorado.edu"]
    assert rows[0]["cc_addrs"] == ["spec@cu.edu"]          # the user is not cc'd to themself
    assert rows[0]["subject"] == "Your eComm credentials are ready (LN-0123)"
    assert _queue(store, key="credentials:LN-0123:2027-01") is not None
    assert len(_outbox(store)) == 2


def test_a_message_queued_in_a_failed_transaction_is_not_recorded(store):
    def run(cur):
        sn.queue_message(cur, t.QUIZ_PASSED, "quiz_passed:LN-1:2026-12-20", ["a@b.edu"], [], {})
        raise EcommError("the batch failed")
    with pytest.raises(EcommError):
        store.write(run)
    assert _outbox(store) == []


def test_a_message_needs_a_recipient(store):
    with pytest.raises(EcommError):
        store.write(lambda cur: sn.queue_message(cur, t.QUIZ_PASSED, "k", [" "], [], {}))


def test_system_team_edits_a_template_audited_and_new_messages_use_it(store):
    messages.update_template(store, t.CREDENTIALS_READY, "Credentials for $license_number",
                       "Hi $first_name, see you on $credentials_date.", SYSTEM)
    _queue(store, credentials_date=date(2026, 12, 7))
    row = _outbox(store)[0]
    assert (row["subject"], row["body"]) == ("Credentials for LN-0123", "Hi Ada, see you on December 7, 2026.")
    entry = store.query_dicts("SELECT actor, action, entity_id, before, after FROM audit_log")[0]
    assert (entry["actor"], entry["action"], entry["entity_id"]) == ("sys@cu.edu", "update_template", t.CREDENTIALS_READY)
    assert "Your eComm credentials are ready" in entry["before"] and "Credentials for" in entry["after"]
    listed = {x["key"]: x for x in messages.list_templates(store)}
    assert listed[t.CREDENTIALS_READY]["updated_by"] == "sys@cu.edu"
    assert "credentials_date" in listed[t.CREDENTIALS_READY]["placeholders"]


def test_only_the_system_team_edits_templates_and_typos_are_refused(store):
    for who in (SPECIALIST, MANAGER):
        with pytest.raises(AccessDenied):
            messages.update_template(store, t.QUIZ_PASSED, "x", "y", who)
    with pytest.raises(EcommError) as exc:
        messages.update_template(store, t.QUIZ_PASSED, "Hi $frist_name", "body", SYSTEM)
    assert "$frist_name" in str(exc.value)
    assert store.query_value("SELECT updated_by FROM message_templates WHERE key = ?",
                             [t.QUIZ_PASSED]) == "migration"
    assert store.query_value("SELECT count(*) FROM audit_log") == 0


def test_without_smtp_messages_wait_and_the_system_team_downloads_them(store):
    _queue(store)
    assert send_pending(store) == 0                      # smtp_host is empty by default
    pending = messages.list_outbox(store, SYSTEM, "pending")
    assert [m.dedup_key for m in pending] == ["credentials:LN-0123:2026-12"]
    assert pending[0].status == "pending"
    eml = outbox.to_eml(messages.get_message(store, pending[0].message_id, SYSTEM))
    assert b"To: ada@colorado.edu" in eml and b"Cc: spec@cu.edu" in eml
    with pytest.raises(AccessDenied):
        messages.list_outbox(store, SPECIALIST)
    with pytest.raises(AccessDenied):
        messages.get_message(store, pending[0].message_id, MANAGER)
    assert messages.mark_sent_by_hand(store, [pending[0].message_id], SYSTEM) == 1
    assert messages.list_outbox(store, SYSTEM, "pending") == []
    assert [m.status for m in messages.list_outbox(store, SYSTEM, "sent")] == ["sent"]
    assert messages.mark_sent_by_hand(store, [pending[0].message_id], SYSTEM) == 0


# -- the product's messages ------------------------------------------------------------------
def test_credentials_ready_once_per_license_and_cycle(store):
    add_user(store, "C1", "LN-0123", date(2026, 12, 3), apps=("Salesforce", "Cvent"))
    q = lambda: store.write(lambda cur: outbox.queue_credentials_ready_many(  # noqa: E731
        cur, [("LN-0123", ["Salesforce", "Cvent"], date(2026, 12, 3))], "2026-12",
        date(2026, 12, 7), P))
    assert q() == 1 and q() == 0
    row, = _outbox(store)
    assert row["dedup_key"] == "credentials:LN-0123:2026-12"
    assert row["to_addrs"] == ["c1@colorado.edu"] and row["cc_addrs"] == ["spec.boulder@cu.edu"]
    assert "December 7, 2026" in row["body"] and "February 1, 2027" in row["body"]


def test_held_request_notice_lists_the_failing_requirements(store):
    add_user(store, "C1", "LN-0123", date(2026, 12, 3))
    store.write(lambda cur: cur.execute(
        "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
        "applications, ecomm_specialist, status) VALUES ('R-1', 'provision', 'C1', 'Boulder', "
        "TIMESTAMP '2026-11-20 17:00:00', 'spec.boulder@cu.edu', ['Cvent'], 'other@cu.edu', 'held')"))
    reasons = ["P1: No UCB Email on this contact", "P5: PCI Compliance is out of date"]
    q = lambda: store.write(  # noqa: E731
        lambda cur: outbox.queue_requests_held(cur, [("R-1", reasons)], "2026-12"))
    assert q() == 1 and q() == 0
    row, = _outbox(store)
    assert row["to_addrs"] == ["spec.boulder@cu.edu", "other@cu.edu"]
    assert row["subject"] == "Request R-1 for Ada Lovelace is held"
    assert "- P1: No UCB Email on this contact\n- P5: PCI Compliance is out of date" in row["body"]


# -- compliance messages due on a day -------------------------------------------------------
def _keys(store, template_key):
    return [r["dedup_key"] for r in _outbox(store) if r["template_key"] == template_key]


def test_q1_quiz_reminders_on_their_day_then_60_day_warning_each_once(store):
    prov = date(2026, 12, 5)
    add_user(store, "C1", "LN-0001", prov, courses_on=date(2026, 11, 1))
    assert queue_compliance_notifications(store, prov + timedelta(days=13), P) == 0
    assert queue_compliance_notifications(store, prov + timedelta(days=14), P) == 1
    assert queue_compliance_notifications(store, prov + timedelta(days=14), P) == 0
    assert queue_compliance_notifications(store, prov + timedelta(days=15), P) == 0
    row, = _outbox(store)
    assert row["dedup_key"] == "quiz_reminder:LN-0001:2026-12-05:14"
    assert row["to_addrs"] == ["c1@colorado.edu"] and row["cc_addrs"] == ["spec.boulder@cu.edu"]
    assert row["subject"] == "Reminder 1 of 4: complete the eComm quiz"
    assert "46 days left" in row["body"] and "February 3, 2027" in row["body"]
    # a missed run on day 30 is caught up on day 31; day 45 and 55 on their day
    for d in (31, 45, 55, 59):
        queue_compliance_notifications(store, prov + timedelta(days=d), P)
    assert _keys(store, t.QUIZ_REMINDER) == [f"quiz_reminder:LN-0001:2026-12-05:{n}" for n in (14, 30, 45, 55)]
    assert _keys(store, t.QUIZ_OVERDUE) == []
    assert queue_compliance_notifications(store, prov + timedelta(days=60), P) == 1
    assert queue_compliance_notifications(store, prov + timedelta(days=61), P) == 0
    warning = [r for r in _outbox(store) if r["template_key"] == t.QUIZ_OVERDUE][0]
    assert warning["to_addrs"] == ["spec.boulder@cu.edu"] and warning["cc_addrs"] == []
    assert "Ada Lovelace (LN-0001, Boulder)" in warning["body"]


def test_q1_no_reminder_after_the_quiz_is_passed(store):
    prov = date(2026, 12, 5)
    add_user(store, "C1", "LN-0001", prov, quiz_passed_on=date(2026, 12, 10), courses_on=date(2026, 11, 1))
    for d in (14, 30, 60):
        assert queue_compliance_notifications(store, prov + timedelta(days=d), P) == 0


def test_q2_six_month_warning_once_per_idle_period(store):
    add_user(store, "C1", "LN-0001", date(2025, 1, 6), quiz_passed_on=date(2025, 1, 20),
             courses_on=date(2026, 10, 1), last_login_on=date(2026, 5, 23))
    assert queue_compliance_notifications(store, date(2026, 11, 22), P) == 0
    assert queue_compliance_notifications(store, date(2026, 11, 23), P) == 1
    assert queue_compliance_notifications(store, date(2026, 11, 30), P) == 0
    row, = _outbox(store)
    assert row["to_addrs"] == ["spec.boulder@cu.edu"]
    assert row["subject"] == "Deprovisioning due: Ada Lovelace has not logged in to Salesforce for 6 months"
    assert "since May 23, 2026" in row["body"]
    # a later login starts a new idle period, which warns again six months on
    store.write(lambda cur: cur.execute("UPDATE license_apps SET last_login_on = DATE '2026-12-01'"))
    assert queue_compliance_notifications(store, date(2027, 5, 31), P) == 0
    assert queue_compliance_notifications(store, date(2027, 6, 1), P) == 1


def test_q3_retake_reminder_when_expiring_and_notice_when_non_compliant(store):
    add_user(store, "C1", "LN-0001", date(2025, 1, 6), quiz_passed_on=date(2025, 1, 20),
             last_login_on=date(2026, 9, 1), apps=("Cvent",))
    add_completion(store, "C1", ref.COURSE_PRIVACY, date(2026, 1, 1))
    add_completion(store, "C1", ref.COURSE_IT_PROVIDERS, date(2026, 1, 1))
    add_completion(store, "C1", ref.COURSE_PCI, date(2025, 11, 23))     # out of date 2026-11-23
    assert queue_compliance_notifications(store, date(2026, 9, 23), P) == 0
    assert queue_compliance_notifications(store, date(2026, 9, 24), P) == 1
    assert queue_compliance_notifications(store, date(2026, 10, 24), P) == 0
    retake, = _outbox(store)
    assert retake["dedup_key"] == "course_retake:C1:PCI Compliance:2025-11-23"
    assert retake["to_addrs"] == ["c1@colorado.edu"] and retake["cc_addrs"] == ["spec.boulder@cu.edu"]
    assert retake["subject"] == "Please re-take 'PCI Compliance' before November 23, 2026"
    assert queue_compliance_notifications(store, date(2026, 11, 23), P) == 1
    notice = _outbox(store)[1]
    assert notice["template_key"] == t.COURSE_NON_COMPLIANT and notice["to_addrs"] == ["spec.boulder@cu.edu"]
    assert "out of date since November 23, 2026" in notice["body"]
    # the re-take is recorded: nothing more about the old completion
    add_completion(store, "C1", ref.COURSE_PCI, date(2026, 11, 25))
    assert queue_compliance_notifications(store, date(2026, 11, 26), P) == 0


def test_q3_missing_course_notice_to_the_specialist(store):
    add_user(store, "C1", "LN-0001", date(2025, 1, 6), quiz_passed_on=date(2025, 1, 20),
             last_login_on=date(2026, 9, 1))
    add_app(store, "LN-0001", "Cvent", date(2025, 1, 6), last_login_on=date(2026, 9, 1))
    assert queue_compliance_notifications(store, date(2026, 10, 1), P) == 3
    assert sorted(_keys(store, t.COURSE_NON_COMPLIANT)) == sorted(
        f"course_non_compliant:C1:{c}:missing" for c in ref.COURSES)
    assert all("has never been completed" in r["body"] for r in _outbox(store))
    assert queue_compliance_notifications(store, date(2026, 10, 2), P) == 0


def test_users_without_an_address_are_skipped_not_failed(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5), specialist=None, courses_on=date(2026, 11, 1))
    store.write(lambda cur: cur.execute("UPDATE contacts SET ucb_email = NULL, email = NULL"))
    assert queue_compliance_notifications(store, date(2026, 12, 19), P) == 0
    assert queue_compliance_notifications(store, date(2027, 2, 3), P) == 0
