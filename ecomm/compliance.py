"""Compliance after provisioning (rules Q1-Q3), as plain functions of dates and Policy.

The exact meaning of each day boundary is fixed here, and ``ecomm.storage.compliance``
computes the same thing in SQL for whole lists (tests check that both agree):

- An application is **held on** ``as_of`` from its ``provisioned_on`` day up to the day
  before its ``deprovisioned_on`` (the removal day itself no longer counts).
- **Q1** The quiz clock starts at the earliest ``provisioned_on`` among the license's
  applications held on ``as_of``. A license whose ``quiz_passed_on`` is empty (or later than
  ``as_of``) is *not a sender*. Reminder N is due ON day ``provisioned_on + N days`` for N in
  ``Policy.quiz_reminder_days``. The quiz is *overdue* (deprovisioning due) from day
  ``provisioned_on + quiz_deadline_days`` on: with 60, provisioned 2026-12-05 means day 59
  (2027-02-02) is not overdue and day 60 (2027-02-03) is.
- **Q2** The idle clock runs from the last login, or from ``provisioned_on`` when the user
  never logged in (or last logged in before this provisioning). The application is idle
  from the same day of the month ``Policy.idle_months`` calendar months later, clamped to
  the end of a shorter month: last login 2026-05-23 -> idle on 2026-11-23 (not on
  2026-11-22); 2026-08-31 -> idle on 2027-02-28.
- **Q3** A completion on day D of a course valid N days counts D .. D+N-1 (as P5) and is out
  of date from ``D + N`` (``expires_on``). It is *expiring* from ``expires_on -
  Policy.course_expiring_days`` and *non-compliant* from ``expires_on``; a missing course is
  non-compliant. Only completions on or before ``as_of`` count.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from pydantic import BaseModel, Field

from ecomm import reference as ref
from ecomm.months import same_day_months_later
from ecomm.policy import Policy

COURSE_OK = "ok"
COURSE_EXPIRING = "expiring"
COURSE_NON_COMPLIANT = "non_compliant"
COURSE_STATUS_LABEL = {COURSE_OK: "Up to date", COURSE_EXPIRING: "Expiring",
                       COURSE_NON_COMPLIANT: "Non-compliant"}


# -- facts (what the database holds) -------------------------------------------------------
class AppFacts(BaseModel):
    application: str
    provisioned_on: date
    deprovisioned_on: date | None = None
    last_login_on: date | None = None


class LicenseFacts(BaseModel):
    license_number: str
    contact_id: str
    quiz_passed_on: date | None = None
    apps: list[AppFacts] = Field(default_factory=list)


# -- results (one row of a compliance list) ------------------------------------------------
class Person(BaseModel):
    """Who a list row is about and whom to tell (filled in by storage; empty in pure results)."""
    full_name: str | None = None
    first_name: str | None = None
    campus: str | None = None
    user_email: str | None = None
    specialists: list[str] = Field(default_factory=list)


class QuizStatus(Person):
    """Q1: a license whose user has not passed the quiz (not a sender) on ``as_of``."""
    license_number: str
    contact_id: str
    provisioned_on: date
    days_since: int
    quiz_deadline: date
    reminder_due: int | None = None      # reminder day due ON as_of (14, 30, 45, 55), else None
    latest_reminder: int | None = None   # last reminder day reached before the deadline
    overdue: bool = False                # deprovisioning due

    def core(self) -> tuple:
        return (self.license_number, self.contact_id, self.provisioned_on, self.days_since,
                self.quiz_deadline, self.reminder_due, self.latest_reminder, self.overdue)


class IdleApp(Person):
    """Q2: an application not logged in to for ``idle_months`` months (deprovisioning due)."""
    license_number: str
    contact_id: str
    application: str
    provisioned_on: date
    last_login_on: date | None = None
    idle_since: date
    idle_on: date

    def core(self) -> tuple:
        return (self.license_number, self.contact_id, self.application, self.provisioned_on,
                self.last_login_on, self.idle_since, self.idle_on)


class CourseStatus(Person):
    """Q3: one pre-access course of one licensed contact."""
    contact_id: str
    course: str
    completed_on: date | None = None
    expires_on: date | None = None
    status: str
    license_numbers: list[str] = Field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.completed_on is None

    def core(self) -> tuple:
        return (self.contact_id, self.course, self.completed_on, self.expires_on, self.status)


# -- shared --------------------------------------------------------------------------------
def app_held(provisioned_on: date, deprovisioned_on: date | None, as_of: date) -> bool:
    """Q1-Q3: an application is held from its provisioning day until the day before removal."""
    return provisioned_on <= as_of and (deprovisioned_on is None or deprovisioned_on > as_of)


# -- Q1 quiz ---------------------------------------------------------------------------------
def quiz_clock_start(apps: Iterable[AppFacts], as_of: date) -> date | None:
    """Q1: the quiz clock starts at the earliest provisioning among applications held on as_of."""
    starts = [a.provisioned_on for a in apps if app_held(a.provisioned_on, a.deprovisioned_on, as_of)]
    return min(starts) if starts else None


def is_not_a_sender(quiz_passed_on: date | None, as_of: date) -> bool:
    """Q1: until the quiz is passed (a pass recorded on or before as_of) the user is not a sender."""
    return quiz_passed_on is None or quiz_passed_on > as_of


def quiz_deadline(provisioned_on: date, policy: Policy) -> date:
    """Q1: the first day the quiz is overdue: provisioning + quiz_deadline_days (60) days."""
    return provisioned_on + timedelta(days=policy.quiz_deadline_days)


def quiz_overdue(provisioned_on: date, as_of: date, policy: Policy) -> bool:
    """Q1: without a pass, deprovisioning is due on and after day 60 (day 59 is not overdue)."""
    return as_of >= quiz_deadline(provisioned_on, policy)


def quiz_reminder_due(provisioned_on: date, as_of: date, policy: Policy) -> int | None:
    """Q1: reminder N is due ON the day exactly N days after provisioning (N in 14, 30, 45, 55)."""
    day = (as_of - provisioned_on).days
    return day if day in policy.quiz_reminder_days else None


def latest_quiz_reminder(provisioned_on: date, as_of: date, policy: Policy) -> int | None:
    """Q1: the last reminder day reached by as_of while the quiz is not yet overdue (a daily run
    that missed a reminder's own day still sends it, once, until the next reminder is reached)."""
    day = (as_of - provisioned_on).days
    if day >= policy.quiz_deadline_days:
        return None
    reached = [n for n in policy.quiz_reminder_days if n <= day]
    return max(reached) if reached else None


def quiz_status(lic: LicenseFacts, as_of: date, policy: Policy) -> QuizStatus | None:
    """Q1: the quiz status of a license on as_of, or None when it passed or holds nothing."""
    if not is_not_a_sender(lic.quiz_passed_on, as_of):
        return None
    start = quiz_clock_start(lic.apps, as_of)
    if start is None:
        return None
    return QuizStatus(
        license_number=lic.license_number, contact_id=lic.contact_id, provisioned_on=start,
        days_since=(as_of - start).days, quiz_deadline=quiz_deadline(start, policy),
        reminder_due=quiz_reminder_due(start, as_of, policy),
        latest_reminder=latest_quiz_reminder(start, as_of, policy),
        overdue=quiz_overdue(start, as_of, policy))


def quiz_statuses(licenses: Iterable[LicenseFacts], as_of: date, policy: Policy) -> list[QuizStatus]:
    """Q1: every license that is not a sender on as_of (reference for the SQL list)."""
    out = [s for lic in licenses if (s := quiz_status(lic, as_of, policy)) is not None]
    return sorted(out, key=lambda s: s.license_number)


# -- Q2 idle ---------------------------------------------------------------------------------
def idle_since(last_login_on: date | None, provisioned_on: date) -> date:
    """Q2: the idle clock runs from the last login, or from provisioning if none came after it."""
    if last_login_on is None:
        return provisioned_on
    return max(last_login_on, provisioned_on)


def idle_on(since: date, policy: Policy) -> date:
    """Q2: the first idle day: idle_months (6) calendar months after ``since`` (same day of month)."""
    return same_day_months_later(since, policy.idle_months)


def is_idle(last_login_on: date | None, provisioned_on: date, as_of: date, policy: Policy) -> bool:
    """Q2: no login for idle_months months: last login 2026-05-23 is idle on 2026-11-23."""
    return as_of >= idle_on(idle_since(last_login_on, provisioned_on), policy)


def idle_apps(licenses: Iterable[LicenseFacts], as_of: date, policy: Policy) -> list[IdleApp]:
    """Q2: every held application due for deprovisioning for lack of logins on as_of."""
    out = []
    for lic in licenses:
        for a in lic.apps:
            if not app_held(a.provisioned_on, a.deprovisioned_on, as_of):
                continue
            if is_idle(a.last_login_on, a.provisioned_on, as_of, policy):
                since = idle_since(a.last_login_on, a.provisioned_on)
                out.append(IdleApp(
                    license_number=lic.license_number, contact_id=lic.contact_id,
                    application=a.application, provisioned_on=a.provisioned_on,
                    last_login_on=a.last_login_on, idle_since=since, idle_on=idle_on(since, policy)))
    return sorted(out, key=lambda r: (r.license_number, r.application, r.provisioned_on))


# -- Q3 courses ------------------------------------------------------------------------------
def course_expires_on(completed_on: date, course: str, policy: Policy) -> date:
    """Q3/P5: the first day a completion is out of date: completed_on + course_valid_days."""
    return completed_on + timedelta(days=policy.course_valid_days(course))


def course_status(completed_on: date | None, course: str, as_of: date, policy: Policy) -> str:
    """Q3: 'expiring' course_expiring_days (60) before out of date, 'non_compliant' from then
    on or when never completed, else 'ok'."""
    if completed_on is None:
        return COURSE_NON_COMPLIANT
    expires = course_expires_on(completed_on, course, policy)
    if as_of >= expires:
        return COURSE_NON_COMPLIANT
    if as_of >= expires - timedelta(days=policy.course_expiring_days):
        return COURSE_EXPIRING
    return COURSE_OK


def licensed_contacts(licenses: Iterable[LicenseFacts], as_of: date) -> set[str]:
    """Q3: contacts holding at least one application on as_of."""
    return {lic.contact_id for lic in licenses
            if any(app_held(a.provisioned_on, a.deprovisioned_on, as_of) for a in lic.apps)}


def course_statuses(licenses: Iterable[LicenseFacts],
                    completions: Iterable[tuple[str, str, date]], as_of: date, policy: Policy,
                    include_ok: bool = False) -> list[CourseStatus]:
    """Q3: each licensed contact's three courses (latest completion on or before as_of)."""
    contacts = licensed_contacts(licenses, as_of)
    latest: dict[tuple[str, str], date] = {}
    for contact_id, course, done in completions:
        if contact_id in contacts and done <= as_of:
            key = (contact_id, course)
            if key not in latest or done > latest[key]:
                latest[key] = done
    out = []
    for contact_id in sorted(contacts):
        for course in ref.COURSES:
            done = latest.get((contact_id, course))
            status = course_status(done, course, as_of, policy)
            if status == COURSE_OK and not include_ok:
                continue
            out.append(CourseStatus(
                contact_id=contact_id, course=course, completed_on=done, status=status,
                expires_on=course_expires_on(done, course, policy) if done else None))
    return out
