"""B1: fiscal years run July 1 to June 30 and are named by the year they end.

FY2027 = 2026-07-01 .. 2027-06-30. Also the months arithmetic the billing rules share.
"""
from __future__ import annotations

from datetime import date

FIRST_MONTH = 7  # July


def fiscal_year_of(d: date) -> int:
    """B1: the fiscal year a day falls in (named by the year it ends)."""
    return d.year + 1 if d.month >= FIRST_MONTH else d.year


def fy_start(fy: int) -> date:
    """B1: the first day of fiscal year ``fy`` (July 1 of the year before)."""
    return date(fy - 1, FIRST_MONTH, 1)


def fy_end(fy: int) -> date:
    """B1: the last day of fiscal year ``fy`` (June 30)."""
    return date(fy, 6, 30)


def fy_months(fy: int) -> list[date]:
    """B1: the twelve months of fiscal year ``fy``, as first days, July first."""
    start = fy_start(fy)
    return [add_months(start, i) for i in range(12)]


def add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months after ``d``'s month."""
    index = d.year * 12 + (d.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def month_index(d: date) -> int:
    """A running month number (year * 12 + month - 1), for counting months between days."""
    return d.year * 12 + d.month - 1


def fy_label(fy: int) -> str:
    """B1: 'FY2027 (2026-07-01 to 2027-06-30)'."""
    return f"FY{fy} ({fy_start(fy).isoformat()} to {fy_end(fy).isoformat()})"
