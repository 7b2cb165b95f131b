"""One month arithmetic for every rule family: months as ``(year, month)`` pairs or as days.

Three operations, three names (each used to be an ``add_months`` of its own):

- ``shift_month(year, month, n)``: the month ``n`` months away, as a ``(year, month)`` pair
  (the monthly cycle's months: ``shift_month(2026, 12, 1) == (2027, 1)``);
- ``month_start(d, n=0)``: the first day of the month ``n`` months after ``d``'s month
  (billing counts whole months: ``month_start(date(2027, 1, 31), 1) == date(2027, 2, 1)``);
- ``same_day_months_later(d, n)``: the same day of the month ``n`` months later, the last day
  of a shorter month instead (Q3's idle months: ``same_day_months_later(date(2027, 1, 31), 1)
  == date(2027, 2, 28)``);

and ``month_end(year, month)`` (its last day) and ``month_index(d)`` (a running month number,
for counting the months between two days).
"""
from __future__ import annotations

import calendar
from datetime import date


def month_index(d: date) -> int:
    """A running month number (year * 12 + month - 1), for counting months between days."""
    return d.year * 12 + d.month - 1


def shift_month(year: int, month: int, n: int) -> tuple[int, int]:
    """The month ``n`` months after (year, month) (``n`` < 0: before), as (year, month)."""
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def month_start(d: date, n: int = 0) -> date:
    """The first day of the month ``n`` months after ``d``'s month."""
    year, month = shift_month(d.year, d.month, n)
    return date(year, month, 1)


def month_end(year: int, month: int) -> date:
    """The last day of the month (year, month)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def same_day_months_later(d: date, n: int) -> date:
    """The same day ``n`` calendar months later, clamped to the end of a shorter month."""
    year, month = shift_month(d.year, d.month, n)
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
