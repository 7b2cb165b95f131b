"""The dashboard's key dates strip: this month's cutoff, the next batch's processing week and
credentials date (C1, C2, via ``ecomm.home.key_dates``), and the next step of the billing
year (002: the July invoice weeks, the January and June true-up weeks; B4, B5, B6).

002 names steps by "week of the month"; here week N is days 7N-6 .. 7N of the month and the
fourth week runs to the month's end.
"""
from __future__ import annotations

import calendar
from datetime import date
from typing import Collection

from pydantic import BaseModel

from ecomm import calendar as cal
from ecomm.home import KeyDates, key_dates
from ecomm.storage import calendar as cal_db

# (month, week, what happens) in the order of the fiscal year (002).
BILLING_STEPS: tuple[tuple[int, int, str], ...] = (
    (7, 1, "July invoice: the System team processes the July batch, an accurate count of "
           "every active user"),
    (7, 2, "July invoice: the System team drafts the invoices (Salesforce with Marketing "
           "Cloud, and Cvent)"),
    (7, 3, "July invoice: eComm specialists review and approve their campus's invoices"),
    (7, 4, "July invoice: UIS bills the campus billing speedtypes"),
    (1, 1, "January true-up: the System team processes the January batch"),
    (1, 2, "January true-up: eComm specialists review their active users and mark the net new "
           "ones (B6)"),
    (1, 3, "January true-up: the System team captures net new users and sends the prorated "
           "invoices for approval"),
    (1, 4, "January true-up: the System team bills the campuses for net new licenses"),
    (6, 1, "June true-up: the System team processes the June batch"),
    (6, 2, "June true-up: eComm specialists review their active users and mark the net new "
           "ones (B6); review every active user before July's invoice"),
    (6, 3, "June true-up: the System team captures net new users and sends the prorated "
           "invoices for approval"),
    (6, 4, "June true-up: the System team bills the campuses for net new licenses"),
)


class BillingStep(BaseModel):
    """B4-B6: one step of the billing year and the days of its week."""

    title: str
    starts: date
    ends: date
    current: bool  # as_of falls in the step's week


class KeyDatesStrip(BaseModel):
    today: date
    dates: KeyDates
    billing: BillingStep


def week_window(year: int, month: int, week: int) -> tuple[date, date]:
    """002: week ``week`` (1-4) of a month: days 7*week-6 .. 7*week; week 4 to the month's end."""
    start = date(year, month, 7 * (week - 1) + 1)
    last = calendar.monthrange(year, month)[1] if week == 4 else 7 * week
    return start, date(year, month, last)


def next_billing_step(as_of: date, closures: Collection[date] = frozenset()) -> BillingStep:
    """B4-B6: the billing step whose week contains ``as_of``, else the next one to come. The
    first week's step (processing the month's batch) starts on the batch's first processing
    day (C1: a business day, so never on the Jan 1 holiday)."""
    candidates = []
    for year in (as_of.year, as_of.year + 1):
        for month, week, title in BILLING_STEPS:
            starts, ends = week_window(year, month, week)
            if week == 1:
                starts = cal.first_processing_day(cal.month_name(year, month), closures)
            if ends >= as_of:
                candidates.append(BillingStep(title=title, starts=starts, ends=ends,
                                              current=starts <= as_of))
    return min(candidates, key=lambda s: s.starts)


def strip(store, as_of: date) -> KeyDatesStrip:
    """C1, C2, B4-B6: the dates a specialist plans the month around."""
    return KeyDatesStrip(today=as_of, dates=key_dates(store, as_of),
                         billing=next_billing_step(as_of,
                                                   frozenset(cal_db.extra_closures(store))))


def billing_line(step: BillingStep, as_of: date) -> str:
    """The billing step as a sentence."""
    when = (f"this week ({step.starts:%b %-d} to {step.ends:%b %-d})" if step.current
            else f"from {step.starts:%a %b %-d, %Y} (in {(step.starts - as_of).days} days)")
    return f"{step.title}: {when}."
