"""Reminder catch-up as plain functions (Q1, Q3): the stage a run sends on a day
(docs/notifications.md). Which unsent message a later one supersedes is worked out by the
outbox query only: tests/integration/test_notification_catchup.py."""
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
