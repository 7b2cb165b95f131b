"""Reminder catch-up (Q1, Q3) on a real DuckDB: when the daily run is missed, the next run sends
the missed reminder once, only while its stage is current; an unsent message whose stage was
superseded (a later stage queued, or the quiz passed) is never sent (docs/notifications.md)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ecomm import reference as ref
from ecomm.notifications import catchup
from ecomm.notifications import actions as messages
from ecomm.notifications import templates as t
from ecomm.notifications.compliance import queue_compliance_notifications
from ecomm.policy import Policy
from ecomm.storage import notifications as sn
from ecomm.compliance_records import record_quiz_pass
from tests.integration.compliance_seed import SYSTEM, add_completion, add_user

P = Policy()
PROV = date(2026, 12, 5)          # Q1 clock start; day 60 (overdue) is 2027-02-03


def run_on(store, day: int) -> int:
    """The daily run on day ``day`` after provisioning; how many messages it queued."""
    return queue_compliance_notifications(store, PROV + timedelta(days=day), P)


def keys(store, status: str = "all") -> list[str]:
    return [m.dedup_key for m in reversed(messages.list_outbox(store, SYSTEM, status))]


def to_send(store) -> list[str]:
    """The messages to send, oldest first (and their count, counted by the database, agrees)."""
    pending = [m.dedup_key for m in sn.pending_messages(store)]
    assert sn.count_pending(store) == len(pending)
    return pending


def reminder(day: int) -> str:
    return catchup.quiz_reminder_key("LN-0001", PROV, day)


OVERDUE = catchup.quiz_overdue_key("LN-0001", PROV)


def new_user(store) -> None:
    add_user(store, "C1", "LN-0001", PROV, courses_on=date(2026, 11, 1))


def test_q1_a_missed_reminder_day_is_sent_once_by_the_next_run(store):
    new_user(store)
    assert run_on(store, 13) == 0                  # day 13: no reminder yet
    # no run on day 14 (a Saturday): Monday's run (day 16) sends reminder 14, once
    assert run_on(store, 16) == 1
    assert keys(store) == [reminder(14)]
    for day in (17, 20, 29):                       # every later run until day 30: nothing
        assert run_on(store, day) == 0
    assert run_on(store, 30) == 1                  # day 30 on its day
    assert keys(store) == [reminder(14), reminder(30)]


def test_q1_a_run_missing_two_reminder_days_sends_only_the_current_one(store):
    new_user(store)
    assert run_on(store, 31) == 1                  # days 14 and 30 both missed
    assert keys(store) == [reminder(30)]           # reminder 14 is superseded: never sent late
    assert run_on(store, 31) == 0 and run_on(store, 44) == 0


def test_q1_boundary_day_59_catches_up_reminder_55_day_60_sends_the_overdue_warning(store):
    new_user(store)
    assert run_on(store, 59) == 1                  # first run on day 59: reminder 55 (last call)
    assert keys(store) == [reminder(55)]
    body = messages.list_outbox(store, SYSTEM)[0].body
    assert "1 days left" in body or "1 day left" in body
    assert run_on(store, 60) == 1                  # day 60: overdue, and no reminder any more
    assert keys(store) == [reminder(55), OVERDUE]
    assert run_on(store, 61) == 0 and run_on(store, 90) == 0


def test_q1_first_run_on_day_60_sends_the_overdue_warning_not_a_quiz_due_reminder(store):
    new_user(store)
    assert run_on(store, 60) == 1
    assert keys(store) == [OVERDUE]
    assert messages.list_outbox(store, SYSTEM)[0].to_addrs == ["spec.boulder@cu.edu"]


def test_q1_an_unsent_reminder_superseded_by_a_later_stage_is_never_sent(store):
    # no mail server for a month: reminder 14 waits in the outbox when reminder 30 is due
    new_user(store)
    run_on(store, 14)
    assert to_send(store) == [reminder(14)]
    run_on(store, 30)
    assert to_send(store) == [reminder(30)]
    assert keys(store, "superseded") == [reminder(14)]
    assert [m.status for m in messages.list_outbox(store, SYSTEM, "superseded")] == ["superseded"]
    run_on(store, 60)
    assert to_send(store) == [OVERDUE]
    assert keys(store, "superseded") == [reminder(14), reminder(30)]
    assert keys(store, "pending") == [OVERDUE]


def test_q1_a_sent_reminder_stays_sent_and_the_next_stage_is_still_sent(store):
    new_user(store)
    run_on(store, 14)
    store.write(lambda cur: cur.execute("UPDATE outbox SET sent_at = TIMESTAMP '2026-12-19 16:00'"))
    run_on(store, 30)
    assert keys(store, "sent") == [reminder(14)]
    assert to_send(store) == [reminder(30)]
    assert keys(store, "superseded") == []


def test_q1_a_quiz_pass_supersedes_the_unsent_reminder_and_the_overdue_warning(store):
    new_user(store)
    run_on(store, 45)
    assert to_send(store) == [reminder(45)]
    record_quiz_pass(store, "LN-0001", PROV + timedelta(days=50), SYSTEM)
    assert to_send(store) == ["quiz_passed:LN-0001:2027-01-24"]
    assert keys(store, "superseded") == [reminder(45)]
    assert run_on(store, 60) == 0                  # a sender now: no overdue warning


def test_q1_every_stage_left_unsent_is_superseded_by_the_next_then_by_the_quiz_pass(store):
    new_user(store)
    for day in (14, 30, 31, 45, 60):
        run_on(store, day)
    record_quiz_pass(store, "LN-0001", PROV + timedelta(days=61), SYSTEM)
    assert keys(store) == [reminder(14), reminder(30), reminder(45), OVERDUE,
                           "quiz_passed:LN-0001:2027-02-04"]
    assert keys(store, "superseded") == [reminder(14), reminder(30), reminder(45), OVERDUE]
    assert to_send(store) == ["quiz_passed:LN-0001:2027-02-04"]


# -- the outbox's rule on pairs of messages (first queued, then the later ones, none sent) ----
R14, R30 = reminder(14), reminder(30)
PASSED_LATER = "quiz_passed:LN-0001:2027-02-10"
PCI_RETAKE = catchup.course_key(t.COURSE_RETAKE, "C1", ref.COURSE_PCI, date(2025, 11, 23))
PCI_NON_COMPLIANT = catchup.course_key(t.COURSE_NON_COMPLIANT, "C1", ref.COURSE_PCI,
                                       date(2025, 11, 23))
PRIVACY_NON_COMPLIANT = catchup.course_key(t.COURSE_NON_COMPLIANT, "C1", ref.COURSE_PRIVACY,
                                           date(2025, 11, 23))
# dedup key prefix -> template of the messages whose key does not start with the template's name
TEMPLATE_OF = {"credentials": t.CREDENTIALS_READY, "idle": t.IDLE_WARNING}


@pytest.mark.parametrize("first, later, superseded", [
    # Q1: a later stage of the same series, or the license's quiz pass queued after it
    (R14, [R30], True),
    (R30, [OVERDUE], True),
    (OVERDUE, [PASSED_LATER], True),
    (R30, [R14], False),                       # an earlier stage queued later: not superseded
    (OVERDUE, [R30], False),
    # another license, another provisioning or another kind of message: not the same series
    (R14, [catchup.quiz_reminder_key("LN-0002", PROV, 30)], False),
    (R14, [catchup.quiz_reminder_key("LN-0001", date(2027, 1, 4), 30)], False),
    (R14, ["quiz_passed:LN-0002:2027-02-10", "idle:LN-0001:x"], False),
    ("credentials:LN-0001:2026-12", [R30, OVERDUE], False),
    # Q3: the non-compliant notice supersedes the re-take reminder of that completion only
    (PCI_RETAKE, [PCI_NON_COMPLIANT], True),
    (PCI_RETAKE, [PRIVACY_NON_COMPLIANT], False),
])
def test_q1_q3_which_unsent_message_a_later_one_supersedes(store, first, later, superseded):
    def queue(cur):
        for key in [first, *later]:
            prefix = key.split(":")[0]
            sn.queue_message(cur, TEMPLATE_OF.get(prefix, prefix), key, ["a@cu.edu"], [], {})
    store.write(queue)
    assert (first in keys(store, "superseded")) is superseded
    assert (first in to_send(store)) is not superseded


# -- Q3 ----------------------------------------------------------------------------------------
PCI_DONE = date(2025, 11, 23)      # PCI valid 365 days: out of date 2026-11-23, expiring 09-24


def course_user(store) -> None:
    add_user(store, "C1", "LN-0001", date(2025, 1, 6), quiz_passed_on=date(2025, 1, 20),
             last_login_on=date(2026, 9, 1), apps=("Cvent",))
    add_completion(store, "C1", ref.COURSE_PRIVACY, date(2026, 1, 1))
    add_completion(store, "C1", ref.COURSE_IT_PROVIDERS, date(2026, 1, 1))
    add_completion(store, "C1", ref.COURSE_PCI, PCI_DONE)


RETAKE = catchup.course_key(t.COURSE_RETAKE, "C1", ref.COURSE_PCI, PCI_DONE)
NON_COMPLIANT = catchup.course_key(t.COURSE_NON_COMPLIANT, "C1", ref.COURSE_PCI, PCI_DONE)


def test_q3_a_missed_expiring_day_sends_the_retake_reminder_once_by_the_next_run(store):
    course_user(store)
    assert queue_compliance_notifications(store, date(2026, 9, 23), P) == 0   # day 61 before
    # the run of 09-24 (expiring from that day) is missed; the run of 09-28 catches up, once
    assert queue_compliance_notifications(store, date(2026, 9, 28), P) == 1
    assert queue_compliance_notifications(store, date(2026, 11, 22), P) == 0  # last expiring day
    assert keys(store) == [RETAKE]


def test_q3_first_run_after_the_course_is_out_of_date_sends_no_retake_reminder(store):
    course_user(store)
    assert queue_compliance_notifications(store, date(2026, 11, 23), P) == 1
    assert keys(store) == [NON_COMPLIANT]


def test_q3_an_unsent_retake_reminder_is_superseded_once_non_compliant(store):
    course_user(store)
    queue_compliance_notifications(store, date(2026, 11, 22), P)
    assert to_send(store) == [RETAKE]
    queue_compliance_notifications(store, date(2026, 11, 23), P)
    assert to_send(store) == [NON_COMPLIANT]
    assert keys(store, "superseded") == [RETAKE]
