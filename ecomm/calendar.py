"""The monthly cycle's calendar (C1, C2): business days, cutoffs, processing and credentials dates.

Plain functions over dates. Business days are Monday to Friday less US federal holidays as
observed (the ``holidays`` package's US calendar) and less the System team's extra closure
dates, which callers load from the database and pass in as ``extra_closures``.

A *cycle* is named by its processing month, ``"YYYY-MM"``: cycle ``"2026-12"`` is the batch
processed in the first week of December 2026, holding the requests submitted up to the
cutoff of November 2026.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Collection

import holidays
from pydantic import BaseModel

from ecomm import clock
from ecomm.months import month_end, shift_month
from ecomm.policy import Policy

NO_CLOSURES: frozenset[date] = frozenset()


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[date]:
    """US federal holidays of ``year`` as observed (a Saturday holiday is observed on the
    Friday before, a Sunday one on the Monday after; New Year's Day of the next year may be
    observed on December 31 of this one)."""
    return frozenset(holidays.country_holidays("US", years=year, observed=True).keys())


def is_federal_holiday(d: date) -> bool:
    """C1: ``d`` is a US federal holiday or the weekday on which one is observed."""
    return d in _federal_holidays(d.year)


def is_business_day(d: date, extra_closures: Collection[date] = NO_CLOSURES) -> bool:
    """C1: Monday to Friday, not a US federal holiday (as observed), not an extra closure."""
    return d.weekday() < 5 and not is_federal_holiday(d) and d not in extra_closures


def next_business_day(d: date, extra_closures: Collection[date] = NO_CLOSURES) -> date:
    """C1: ``d`` itself when it is a business day, else the first business day after it."""
    while not is_business_day(d, extra_closures):
        d += timedelta(days=1)
    return d


def previous_business_day(d: date, extra_closures: Collection[date] = NO_CLOSURES) -> date:
    """C1: ``d`` itself when it is a business day, else the last business day before it."""
    while not is_business_day(d, extra_closures):
        d -= timedelta(days=1)
    return d


def parse_month(text: str) -> tuple[int, int]:
    """``"YYYY-MM"`` -> (year, month); raises ValueError with a readable sentence."""
    t = (text or "").strip()
    parts = t.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not (
            parts[0].isdigit() and parts[1].isdigit()):
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-11.")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-11.")
    return year, month


def month_name(year: int, month: int) -> str:
    """``(2026, 11)`` -> ``"2026-11"``."""
    return f"{year:04d}-{month:02d}"


def cutoff(year: int, month: int, extra_closures: Collection[date] = NO_CLOSURES) -> date:
    """C1: the cutoff of a month is its last business day."""
    return previous_business_day(month_end(year, month), extra_closures)


def first_processing_day(cycle: str, extra_closures: Collection[date] = NO_CLOSURES) -> date:
    """C1: a cycle's batch starts on the first business day of its processing month (the
    month after the cutoff's month)."""
    year, month = parse_month(cycle)
    return next_business_day(date(year, month, 1), extra_closures)


def credentials_date(cycle: str, override: date | None = None, *, policy: Policy,
                     extra_closures: Collection[date] = NO_CLOSURES) -> date:
    """C2: new users of a cycle get credentials on the Policy.credentials_day-th of the
    processing month, or the next business day when that is not one; a date the System team
    set for the cycle (``override``) wins."""
    if override is not None:
        return override
    year, month = parse_month(cycle)
    day = min(max(1, int(policy.credentials_day)), month_end(year, month).day)
    return next_business_day(date(year, month, day), extra_closures)


def cycle_after_month(year: int, month: int) -> str:
    """C1: the cycle fed by a month's cutoff: the batch of the following month."""
    return month_name(*shift_month(year, month, 1))


def cycle_for_submission(submitted_at_utc_naive: datetime,
                         extra_closures: Collection[date] = NO_CLOSURES) -> str:
    """C1: the cycle (processing month) a request submitted at this instant joins.

    The instant is read in America/Denver. Submitted by 23:59:59 Denver time on its month's
    cutoff day: the batch of the next month. Later in the same calendar month (say Saturday
    the 28th after a Friday-the-27th cutoff): that month's cutoff is missed and the next
    month's cutoff is the first one it makes, so it joins the batch of the month after next.
    """
    local_day = clock.denver_date(submitted_at_utc_naive)
    y, m = local_day.year, local_day.month
    if local_day <= cutoff(y, m, extra_closures):
        return month_name(*shift_month(y, m, 1))
    return month_name(*shift_month(y, m, 2))


class CycleDates(BaseModel):
    """C1/C2: the one model of a cycle's dates: the cutoff it takes requests up to (the last
    business day of the month before), its first processing day and its credentials date
    (the System team's date when set: ``credentials_overridden``)."""

    cycle: str
    cutoff: date
    processing_starts: date
    credentials_date: date
    credentials_overridden: bool = False

    @property
    def month(self) -> date:
        """The processing month's first day."""
        y, m = parse_month(self.cycle)
        return date(y, m, 1)

    @property
    def cutoff_month(self) -> str:
        """The month of the cutoff that feeds the cycle, 'YYYY-MM'."""
        return month_name(*shift_month(*parse_month(self.cycle), -1))

    def sentence(self) -> str:
        return (f"It joins the batch of {self.month:%B %Y} (cycle {self.cycle}), which takes "
                f"requests submitted by the cutoff on {self.cutoff.isoformat()} and is processed "
                f"from {self.processing_starts.isoformat()}")


def cycle_dates(cycle: str, *, policy: Policy, extra_closures: Collection[date] = NO_CLOSURES,
                credentials_override: date | None = None) -> CycleDates:
    """C1/C2: a cycle's dates (``credentials_override``: the date the System team set for
    the cycle, if any)."""
    y, m = shift_month(*parse_month(cycle), -1)
    return CycleDates(
        cycle=cycle, cutoff=cutoff(y, m, extra_closures),
        processing_starts=first_processing_day(cycle, extra_closures),
        credentials_date=credentials_date(cycle, credentials_override, policy=policy,
                                          extra_closures=extra_closures),
        credentials_overridden=credentials_override is not None)


def month_calendar(year: int, month: int, *, policy: Policy,
                   extra_closures: Collection[date] = NO_CLOSURES,
                   credentials_override: date | None = None) -> dict:
    """C1, C2: a month's cutoff and, for the batch that follows it, the first processing day
    and the credentials date (``credentials_override``: the date the System team set for
    that batch's cycle, if any). Values are ``date`` objects (the CLI's ``calendar``)."""
    dates = cycle_dates(cycle_after_month(year, month), policy=policy,
                        extra_closures=extra_closures, credentials_override=credentials_override)
    return {
        "month": month_name(year, month),
        "cutoff": dates.cutoff,
        "cycle": dates.cycle,
        "processing_starts": dates.processing_starts,
        "credentials_date": dates.credentials_date,
        "credentials_date_overridden": dates.credentials_overridden,
    }
