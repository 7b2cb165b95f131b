"""B1: fiscal years run July 1 to June 30 and are named by the year they end.

FY2027 = 2026-07-01 .. 2027-06-30. Months are counted with ecomm.months.
"""
from __future__ import annotations

from datetime import date

from ecomm.months import month_index, month_start  # noqa: F401 (billing's month count)

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
    return [month_start(start, i) for i in range(12)]


# the old name of ``month_start``, still called in ecomm/dashboard/reports.py (being edited
# elsewhere): call ``ecomm.months.month_start``
add_months = month_start


def fy_label(fy: int) -> str:
    """B1: 'FY2027 (2026-07-01 to 2027-06-30)'."""
    return f"FY{fy} ({fy_start(fy).isoformat()} to {fy_end(fy).isoformat()})"
