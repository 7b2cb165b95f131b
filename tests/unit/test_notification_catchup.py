"""Reminder catch-up as plain functions (Q1, Q3): the stage a run sends on a day, and which
unsent message a later one supersedes (docs/notifications.md)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ecomm.compliance import COURSE_EXPIRING, COURSE_NON_COMPLIANT, COURSE_OK
from ecomm.notifications import catchup
from ecomm.notifications import templates as t
from ecomm.policy import Policy

P = Policy()
PROV = date(2026, 12, 5)


def stage(day: int):
    s = catchup.quiz_stage(PROV, PROV + timedelta(days=day), P)
    return None if s is None else (s.template_key, s.reminder_day)


@pytest.mark.parametrize("day, expected", [
    (-1, None), (0, None), (13, None),
    (14, (t.QUIZ_REMINDER, 14)), (29, (t.QUIZ_REMINDER, 14)),     # 14 caught up until day 30
    (30, (t.QUIZ_REMINDER, 30)), (44, (t.QUIZ_REMINDER, 30)),
    (45, (t.QUIZ_REMINDER, 45)), (54, (t.QUIZ_REMINDER, 45)),
    (55, (t.QUIZ_REMINDER, 55)), (59, (t.QUIZ_REMINDER, 55)),     # day 59: still a reminder
    (60, (t.QUIZ_OVERDUE, None)), (400, (t.QUIZ_OVERDUE, None)),  # day 60: overdue only
])
def test_q1_the_stage_sent_on_each_day_at_the_boundaries(day, expected):
    assert stage(day) == expected


def test_q3_the_course_stage_follows_the_course_status():
    assert catchup.course_stage(COURSE_OK) is None
    assert catchup.course_stage(COURSE_EXPIRING) == t.COURSE_RETAKE
    assert catchup.course_stage(COURSE_NON_COMPLIANT) == t.COURSE_NON_COMPLIANT


def test_q1_a_later_stage_or_the_quiz_pass_supersedes_an_unsent_reminder():
    r14, r30 = (catchup.quiz_reminder_key("LN-0001", PROV, d) for d in (14, 30))
    overdue = catchup.quiz_overdue_key("LN-0001", PROV)
    assert catchup.superseded(r14, [r30]) and catchup.superseded(r30, [overdue])
    assert not catchup.superseded(r30, [r14]) and not catchup.superseded(overdue, [r30])
    assert catchup.superseded(overdue, ["quiz_passed:LN-0001:2027-02-10"])
    # another license, another provisioning or another kind of message: not the same series
    assert not catchup.superseded(r14, [catchup.quiz_reminder_key("LN-0002", PROV, 30)])
    assert not catchup.superseded(r14, [catchup.quiz_reminder_key("LN-0001", date(2027, 1, 4), 30)])
    assert not catchup.superseded(r14, ["quiz_passed:LN-0002:2027-02-10", "idle:LN-0001:x"])
    assert not catchup.superseded("credentials:LN-0001:2026-12", [r30, overdue])


def test_q3_the_non_compliant_notice_supersedes_the_retake_reminder_of_that_completion():
    done = date(2025, 11, 23)
    retake = catchup.course_key(t.COURSE_RETAKE, "C1", "PCI Compliance", done)
    assert catchup.superseded(retake, [catchup.course_key(t.COURSE_NON_COMPLIANT, "C1",
                                                          "PCI Compliance", done)])
    assert not catchup.superseded(retake, [catchup.course_key(t.COURSE_NON_COMPLIANT, "C1",
                                                              "Privacy", done)])
