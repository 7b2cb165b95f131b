"""Reminder catch-up (Q1, Q3): which compliance message a run sends when earlier runs were
missed (a weekend, a holiday, an outage), as plain functions of dates and Policy.

The policy (docs/notifications.md):

- A person is at one **stage** of a series at a time. Q1 (per license and provisioning): the
  latest reminder day reached (14, 30, 45, 55), then from day 60 the overdue warning; a quiz
  pass ends the series. Q3 (per contact, course and completion): expiring (the re-take
  reminder), then from the day the course is out of date the non-compliant notice.
- A run queues the message of the person's **current** stage only. A reminder whose day went by
  without a run is sent once, by the next run, while its stage is current; a stage already
  superseded is never sent late: a first run on day 31 sends reminder 30 (not 14 as well), a
  first run on day 60 sends the overdue warning (no reminder).
- Each stage's message is queued once (its dedup key names the stage), so no person gets two
  reminders of the same kind for one stage however many runs there are.
- A message still unsent when a later stage of its series is queued (or, for Q1, when the quiz
  pass message is queued) is **superseded**: it is never sent and leaves the unsent list.
  Only the outbox query works this out (``ecomm.storage.notifications.OUTBOX_WITH_STATE``, in
  SQL, from the series and stage the dedup keys below name).
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ecomm.compliance import COURSE_EXPIRING, COURSE_NON_COMPLIANT
from ecomm.notifications import templates as t
from ecomm.policy import Policy

class QuizStage(BaseModel):
    """Q1: the quiz message of the stage a not-yet-sender is at."""
    template_key: str                # quiz_reminder or quiz_overdue
    reminder_day: int | None = None  # 14, 30, 45 or 55 for a reminder


def quiz_stage(provisioned_on: date, as_of: date, policy: Policy) -> QuizStage | None:
    """Q1 catch-up: the quiz message of the current stage on as_of: the overdue warning from
    day quiz_deadline_days (60), else the latest reminder day reached (a missed one is caught
    up until the next one is reached), else None (before day 14)."""
    day = (as_of - provisioned_on).days
    if day < 0:
        return None
    if day >= policy.quiz_deadline_days:
        return QuizStage(template_key=t.QUIZ_OVERDUE)
    reached = [n for n in policy.quiz_reminder_days if n <= day]
    if not reached:
        return None
    return QuizStage(template_key=t.QUIZ_REMINDER, reminder_day=max(reached))


def course_stage(status: str) -> str | None:
    """Q3 catch-up: the course message of the current stage: the re-take reminder while the
    course is expiring, the non-compliant notice once it is out of date (or missing)."""
    return {COURSE_EXPIRING: t.COURSE_RETAKE, COURSE_NON_COMPLIANT: t.COURSE_NON_COMPLIANT}.get(status)


# -- dedup keys: they name the series and the stage (read back by OUTBOX_WITH_STATE) -------
def quiz_reminder_key(license_number: str, provisioned_on: date, day: int) -> str:
    return f"{t.QUIZ_REMINDER}:{license_number}:{provisioned_on.isoformat()}:{day}"


def quiz_overdue_key(license_number: str, provisioned_on: date) -> str:
    return f"{t.QUIZ_OVERDUE}:{license_number}:{provisioned_on.isoformat()}"


def course_key(template_key: str, contact_id: str, course: str, completed_on: date | None) -> str:
    done = completed_on.isoformat() if completed_on else "missing"
    return f"{template_key}:{contact_id}:{course}:{done}"
