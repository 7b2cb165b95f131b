"""The monthly batch's cycles and dates (C1, C2, C6): a cycle's cutoff, processing day and
credentials date, the current and due cycle, why a cycle may not be processed on a day, and
the cycles to pick from.
"""
from __future__ import annotations

from datetime import date

from ecomm import calendar as cal
from ecomm.batch import plan as planner
from ecomm.batch.models import CycleDates
from ecomm.errors import EcommError
from ecomm.storage import batch as sb
from ecomm.storage import calendar as cal_store
from ecomm.storage.settings import load_policy


def check_cycle(cycle: str) -> str:
    """A cycle name 'YYYY-MM', or EcommError with the sentence."""
    try:
        return cal.month_name(*cal.parse_month(cycle))
    except ValueError as exc:
        raise EcommError(str(exc)) from None


# -- dates -----------------------------------------------------------------------------------
def cycle_dates(store, cycle: str) -> CycleDates:
    """C1/C2: the cutoff the cycle takes requests up to, its first processing day and its
    credentials date (the System team's date when set)."""
    return _cycle_dates(store, check_cycle(cycle), cal_store.extra_closures(store))


def _cycle_dates(store, cycle: str, closures) -> CycleDates:
    return cal.cycle_dates(cycle, policy=load_policy(store), extra_closures=closures,
                           credentials_override=cal_store.credentials_override(store, cycle))


def default_processing_day(store, cycle: str, today: date) -> date:
    """C1: the first processing day while it is ahead, else today."""
    return planner.default_processing_day(check_cycle(cycle), today,
                                          cal_store.extra_closures(store))


def current_cycle(store, today: date) -> str:
    """C1: the latest cycle whose first processing day has come."""
    closures = cal_store.extra_closures(store)
    this = cal.month_name(today.year, today.month)
    return this if cal.first_processing_day(this, closures) <= today else \
        planner.previous_cycle(this)


def due_cycle(store, today: date) -> str:
    """The cycle to work on: the latest one whose processing day has come while it is not
    processed, else the one after the last processed (upcoming)."""
    current = current_cycle(store, today)
    latest = sb.latest_processed_cycle(store)
    if latest is None or latest < current:
        return current
    return planner.next_cycle(latest)


def processing_refusal(store, cycle: str, on: date, today: date) -> str | None:
    """C1/C6: why ``cycle`` may not be processed on ``on`` today, or None when it may."""
    return planner.processing_refusal(check_cycle(cycle), on, today,
                                      cal_store.extra_closures(store),
                                      sb.latest_processed_cycle(store))


def processed_batches(store) -> dict[str, dict]:
    """cycle -> {processed_on, processed_at, processed_by} of every processed batch."""
    return {r["cycle"]: r for r in sb.processed_cycles(store)}


def cycle_choices(store, today: date, back: int = 12) -> list[str]:
    """Cycles to pick from, newest first: the upcoming one, the due one and ``back`` before,
    and every processed cycle."""
    due = due_cycle(store, today)
    upcoming = planner.next_cycle(current_cycle(store, today))
    names = {upcoming, due}
    y, m = cal.parse_month(due)
    names |= {cal.month_name(*cal.shift_month(y, m, -i)) for i in range(1, back + 1)}
    names |= {r["cycle"] for r in sb.processed_cycles(store)}
    return sorted(names, reverse=True)
