"""Dates, times and empty cells as people write them, for tables on screen and for downloads.

One convention everywhere: a date reads ``2027-01-04``, a date-time ``2027-01-04 13:10`` (Denver time,
no seconds or microseconds), a date in a sentence ``Mon Jan 4, 2027``, and a missing value is an empty cell.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from ecomm import clock

__all__ = ["fmt_date", "fmt_datetime", "fmt_long_date", "fmt_cell"]


def fmt_date(d: date | datetime | None) -> str:
    """A date in a table or a CSV cell: ``2027-01-04``; nothing when missing."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = d.date()
    return d.isoformat()


def fmt_datetime(dt_utc_naive: datetime | None) -> str:
    """A stored (naive UTC) date-time as Denver wall time, ``2027-01-04 13:10``; nothing when missing."""
    if dt_utc_naive is None:
        return ""
    return clock.to_denver(dt_utc_naive).strftime("%Y-%m-%d %H:%M")


def fmt_long_date(d: date | None, missing: str = "") -> str:
    """A date in a sentence: ``Mon Jan 4, 2027``."""
    if d is None:
        return missing
    return f"{d:%a} {d:%b} {d.day}, {d.year}"


def fmt_cell(value: Any) -> Any:
    """A cell for display: None, NaN and NaT become empty; dates and date-times take the formats above."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if type(value).__name__ == "NaTType":
        return ""
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    return value
