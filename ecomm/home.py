"""The Home page's summary: who you are, the cycle's key dates (C1, C2) and a data-health line
for the campuses you may see (A1-A3)."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from ecomm import calendar as cal
from ecomm import clock
from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.permissions import visible_campuses
from ecomm.storage import calendar as cal_db
from ecomm.storage import summary as summary_sql
from ecomm.storage.settings import load_policy


class KeyDates(BaseModel):
    """C1, C2: the next cutoff on or after a day, and the batch it feeds."""

    month: str
    cutoff: date
    cycle: str
    processing_starts: date
    credentials_date: date
    credentials_date_overridden: bool = False


class HomeSummary(BaseModel):
    email: str
    name: str
    role_label: str
    campus: str | None
    campuses: list[str]
    today: date
    dates: KeyDates
    counts: dict[str, int]
    last_import_at: datetime | None = None


def key_dates(store, as_of: date) -> KeyDates:
    """C1, C2: the first cutoff on or after ``as_of`` (this month's unless it has passed),
    the cycle it feeds, that cycle's first processing day and credentials date."""
    closures = cal_db.extra_closures(store)
    policy = load_policy(store)
    year, month = as_of.year, as_of.month
    if as_of > cal.cutoff(year, month, closures):
        year, month = cal.shift_month(year, month, 1)
    cycle = cal.cycle_after_month(year, month)
    info = cal.month_calendar(year, month, policy=policy, extra_closures=closures,
                              credentials_override=cal_db.credentials_override(store, cycle))
    return KeyDates(**{k: info[k] for k in KeyDates.model_fields})


def home_summary(store, identity: Identity, as_of: date) -> HomeSummary:
    """A1-A3: the signed-in person's Home: their campus, key dates and their campuses' data."""
    if identity is None or not identity.active:
        raise AccessDenied("Please sign in first.")
    campuses = visible_campuses(identity)
    counts = summary_sql.counts(store, campuses, as_of)
    for kind, n in summary_sql.pending_by_kind(store, campuses).items():   # as the dashboard's rows
        counts[f"pending_{kind}"] = n
    if set(campuses) == set(ref.CAMPUSES):  # everything: include contacts with no campus yet
        counts["contacts"] = summary_sql.total_contacts(store)
    return HomeSummary(
        email=identity.email, name=identity.name, role_label=identity.role_label,
        campus=identity.campus, campuses=campuses, today=as_of,
        dates=key_dates(store, as_of), counts=counts,
        last_import_at=summary_sql.last_import_at(store),
    )


def _days(d: date, today: date) -> str:
    n = (d - today).days
    return "today" if n == 0 else ("tomorrow" if n == 1 else f"in {n} days")


def _fmt(d: date) -> str:
    return d.strftime("%a %b %-d, %Y")


def date_lines(s: HomeSummary) -> list[str]:
    """The key dates as sentences."""
    d = s.dates
    return [
        f"Cutoff for {d.month}: {_fmt(d.cutoff)} ({_days(d.cutoff, s.today)}). Requests "
        f"submitted by then join the {d.cycle} batch.",
        f"That batch is processed from {_fmt(d.processing_starts)}.",
        f"New users get credentials on {_fmt(d.credentials_date)}"
        + (" (date set by the System team)." if d.credentials_date_overridden else "."),
    ]


PENDING_WORDS = (("provision", "provisioning"), ("deprovision", "deprovisioning"),
                 ("change_groups", "group change"))


def pending_breakdown(c: dict[str, int]) -> str:
    """' (2 provisioning, 1 deprovisioning, 1 group change)': the pending requests as the
    dashboard's queues count them (held requests are counted apart)."""
    parts = [f"{c[f'pending_{k}']} {words}" for k, words in PENDING_WORDS
             if c.get(f"pending_{k}")]
    return f" ({', '.join(parts)})" if parts else ""


def health_line(s: HomeSummary) -> str:
    """One line: how much data there is for the person's campuses and when it was last imported."""
    c = s.counts
    scope = s.campus if len(s.campuses) == 1 else "All campuses"
    parts = [f"{c['contacts']} contacts", f"{c['licenses']} license records",
             f"{c['active_apps']} active applications",
             f"{c['pending_requests']} pending requests" + pending_breakdown(c)]
    if c.get("held_requests"):
        parts.append(f"{c['held_requests']} held")
    line = f"{scope}: " + ", ".join(parts) + "."
    if s.last_import_at is None:
        line += " No import yet."
    else:
        line += f" Last import {clock.to_denver(s.last_import_at):%Y-%m-%d %H:%M} (Denver time)."
    return line
