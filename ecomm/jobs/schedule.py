"""When each job is due: pure functions of "now" (naive UTC, from ecomm.clock) and the Jobs
settings. A job's *slot* is the scheduled moment it runs for; a job is due when its latest
slot has passed and no run was started for it yet. A job missed while the server was down is
therefore run once when it comes back (for its latest slot only), never once per missed day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ecomm import calendar as cal
from ecomm import clock

DAILY_MESSAGES = "daily_messages"
NIGHTLY_BACKUP = "nightly_backup"
CYCLE_REMINDERS = "cycle_reminders"
JOBS = (DAILY_MESSAGES, NIGHTLY_BACKUP, CYCLE_REMINDERS)
DAILY_JOBS = (DAILY_MESSAGES, NIGHTLY_BACKUP)  # /healthz: each must succeed at least daily

JOB_LABEL = {
    DAILY_MESSAGES: "Daily compliance messages (Q1-Q3), then sending by SMTP",
    NIGHTLY_BACKUP: "Nightly backup",
    CYCLE_REMINDERS: "Batch reminder on a cycle's first processing day (C1)",
}

CATCH_UP_AFTER = timedelta(minutes=5)  # a run started later than this after its slot is a catch-up


@dataclass(frozen=True)
class JobSettings:
    """The Jobs settings of the Admin page, and the C1 closures the calendar needs."""

    messages_hour: int = 7
    backup_hour: int = 2
    backup_folder: str = ""
    backup_keep: int = 14
    closures: frozenset[date] = field(default_factory=frozenset)


def at_hour(day: date, hour: int) -> datetime:
    """``hour`` o'clock in Denver on ``day``, as naive UTC."""
    return clock.to_utc_naive(datetime(day.year, day.month, day.day, hour))


def latest_slot(job: str, now: datetime, s: JobSettings) -> datetime | None:
    """The latest moment at or before ``now`` when ``job`` was scheduled to run.

    Daily messages: ``messages_hour`` on business days (C1). Nightly backup: ``backup_hour``
    every day. Batch reminder: ``messages_hour`` on the first processing day of a cycle,
    and only on that day (a reminder is no use afterwards)."""
    today = clock.denver_date(now)
    if job == NIGHTLY_BACKUP:
        for d in (today, today - timedelta(days=1)):
            if (slot := at_hour(d, s.backup_hour)) <= now:
                return slot
        return None
    if job == DAILY_MESSAGES:
        for back in range(0, 31):
            d = today - timedelta(days=back)
            if cal.is_business_day(d, s.closures) and (slot := at_hour(d, s.messages_hour)) <= now:
                return slot
        return None
    if job == CYCLE_REMINDERS:
        day = cal.first_processing_day(f"{today.year:04d}-{today.month:02d}", s.closures)
        slot = at_hour(day, s.messages_hour)
        return slot if day == today and slot <= now else None
    raise ValueError(f"There is no job called {job!r}.")


def due_slot(job: str, now: datetime, s: JobSettings, last_slot: datetime | None) -> datetime | None:
    """The slot ``job`` must run for now, or None (already run for its latest slot)."""
    slot = latest_slot(job, now, s)
    if slot is None or (last_slot is not None and last_slot >= slot):
        return None
    return slot


def trigger_for(slot: datetime, now: datetime) -> str:
    return "catch-up" if now - slot > CATCH_UP_AFTER else "schedule"


def overdue_since(job: str, now: datetime, s: JobSettings,
                  last_success: datetime | None) -> datetime | None:
    """/healthz: the slot of a daily job that has had more than a day to succeed and has not
    (no success started at or after it), or None."""
    slot = latest_slot(job, now - timedelta(days=1), s)
    if slot is None or (last_success is not None and last_success >= slot):
        return None
    return slot
