"""Dates the demo is laid out on: fiscal year (B1), business days, cutoffs and batch days (C1).

A small copy of the calendar rules for generating data only: US federal holidays as observed
plus the demo's extra closure dates (holidays.csv). The app's own calendar is the authority.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from ecomm.months import month_end, shift_month  # noqa: F401 (the demo's months)


def fiscal_year(d: date) -> int:
    """B1: the fiscal year (July 1 to June 30) containing ``d``, named by the year it ends."""
    return d.year + 1 if d.month >= 7 else d.year


def fy_start(fy: int) -> date:
    return date(fy - 1, 7, 1)


def extra_closures(years: range) -> dict[date, str]:
    """holidays.csv: the day after Thanksgiving and Christmas Eve (when a weekday)."""
    out: dict[date, str] = {}
    for y in years:
        nov1 = date(y, 11, 1)
        thanksgiving = nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 21)
        out[thanksgiving + timedelta(days=1)] = "Day after Thanksgiving (campus closure)"
        eve = date(y, 12, 24)
        if eve.weekday() < 5:
            out[eve] = "Christmas Eve (campus closure)"
    return dict(sorted(out.items()))


class DemoCalendar:
    """Business days = Monday-Friday less US federal holidays (observed) and extra closures."""

    def __init__(self, years: range, extra: dict[date, str]):
        self._closed = set(holidays.US(years=list(years))) | set(extra)

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._closed

    @lru_cache(maxsize=None)
    def cutoff(self, year: int, month: int) -> date:
        """C1: the last business day of the month."""
        d = month_end(year, month)
        while not self.is_business_day(d):
            d -= timedelta(days=1)
        return d

    @lru_cache(maxsize=None)
    def first_business_day(self, year: int, month: int) -> date:
        """The first business day of the month: the day its batch is processed."""
        d = date(year, month, 1)
        while not self.is_business_day(d):
            d += timedelta(days=1)
        return d


class Cycle:
    """The cycle current on ``as_of``: submissions after the previous cutoff, up to ``as_of``."""

    def __init__(self, cal: DemoCalendar, as_of: date):
        y, m = as_of.year, as_of.month
        if as_of > cal.cutoff(y, m):
            y, m = shift_month(y, m, 1)
        py, pm = shift_month(y, m, -1)
        self.month = (y, m)
        self.cutoff = cal.cutoff(y, m)
        self.window_start = cal.cutoff(py, pm) + timedelta(days=1)
        self.window_end = as_of
        self.month_end = month_end(y, m)
        ny, nm = shift_month(y, m, 1)
        self.processing_day = cal.first_business_day(ny, nm)
