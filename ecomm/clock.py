"""Time at the edges: the app and CLI ask here for 'now'; the domain receives dates as arguments.

Stored date-times are naive UTC; people see and type America/Denver time (C1, import format).
"""
from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from ecomm.reference import TIMEZONE

DENVER = ZoneInfo(TIMEZONE)

PIN_ENV = "ECOMM_NOW"
"""Environment variable that pins 'now' (ISO date or date-time, Denver time when no offset).

Tests set it through one fixture, and pass it on to the served app and the CLI they start,
so that nothing they run reads the wall clock. The pinned clock still ticks from the moment
the process first reads it (so events keep their order), but starts at the pinned instant.
"""


_practice_date: date | None = None
"""The practice clock: a demo database made ``--as-of DATE`` keeps DATE as its 'today'
(``ecomm.storage.practice``). Set for the process when such a database is opened; it wins over
ECOMM_NOW and the wall clock for the date, while the time of day ticks as usual."""


def set_practice_date(day: date | None) -> None:
    """Use ``day`` as today's date for this process (None: the pinned or wall clock again)."""
    global _practice_date
    _practice_date = day


def practice_date() -> date | None:
    """The practice date in force in this process, if any."""
    return _practice_date


@lru_cache(maxsize=8)
def _pin_start(text: str) -> tuple[datetime, float]:
    t = text.strip()
    if len(t) == 10:
        t += "T10:00:00"
    return parse_datetime(t), time.monotonic()


def _pinned_utc() -> datetime | None:
    text = os.environ.get(PIN_ENV, "").strip()
    if not text:
        return None
    start, mono = _pin_start(text)
    return start + timedelta(seconds=max(0.0, time.monotonic() - mono))


def now_utc() -> datetime:
    """Now, as a naive UTC datetime (how the database stores date-times).

    Precedence: the practice date of a demo database (its day, with the current time of day),
    then ECOMM_NOW, then the wall clock."""
    now = _pinned_utc()
    if now is None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
    if _practice_date is not None:
        local = to_denver(now)
        now = to_utc_naive(datetime.combine(_practice_date, local.time().replace(tzinfo=None)))
    return now


def today_denver() -> date:
    """Today's date in America/Denver."""
    return denver_date(now_utc())


def to_utc_naive(dt: datetime) -> datetime:
    """A naive datetime is Denver local time; return the same instant as naive UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=DENVER)
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


def to_denver(dt_utc_naive: datetime) -> datetime:
    """A stored (naive UTC) datetime as an aware Denver datetime."""
    return dt_utc_naive.replace(tzinfo=timezone.utc).astimezone(DENVER)


def denver_date(dt_utc_naive: datetime) -> date:
    """The Denver calendar day of a stored (naive UTC) datetime."""
    return to_denver(dt_utc_naive).date()


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 (date-time or date); no offset means America/Denver. Returns naive UTC."""
    t = text.strip()
    if t.endswith("Z"):
        t = t[:-1] + "+00:00"
    dt = datetime.fromisoformat(t)
    return to_utc_naive(dt)


def format_datetime(dt_utc_naive: datetime) -> str:
    """A stored datetime as ISO 8601 Denver time with its offset, e.g. 2026-11-23T14:05:00-07:00."""
    return to_denver(dt_utc_naive).isoformat(timespec="seconds")
