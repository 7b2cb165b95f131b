"""The practice clock: a demo database made ``init --demo --as-of DATE`` keeps DATE as its
'today' for the app and the CLI (the System team practises the January batch and true-up in
December; a new specialist trains on a quiet day). The time of day still ticks.

Precedence of 'today' (ecomm.clock): the practice date of the open database, then ECOMM_NOW,
then the wall clock. A database holding real data never gets a practice date.
"""
from __future__ import annotations

from datetime import date

from ecomm import clock
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.storage import audit
from ecomm.storage import facts as facts_sql
from ecomm.storage import imports as import_store


def stored_practice_date(store) -> date | None:
    """The practice date the database keeps, if it is a demo database made with one."""
    text = facts_sql.get_fact(store, facts_sql.PRACTICE_DATE)
    return date.fromisoformat(text) if text else None


def is_demo(store) -> bool:
    """Was the database's data made by ``init --demo``?"""
    return facts_sql.get_fact(store, facts_sql.DEMO_AS_OF) is not None


def use_database_clock(store) -> date | None:
    """Make the process's 'today' the database's practice date (or none); return it."""
    day = stored_practice_date(store)
    clock.set_practice_date(day)
    return day


def keep_practice_date(store, who: Identity, day: date, *, demo_built: bool = False) -> None:
    """Store ``day`` as the database's practice date and use it in this process.

    ``demo_built``: the demo data set was just built around ``day`` (recorded as such).
    Refused on a database with real data: its 'today' is always the real one."""
    if not demo_built and not is_demo(store) and not import_store.database_is_empty(store):
        raise EcommError(
            f"The database {store.path} holds real data, and only a demo database keeps a "
            "practice date (--as-of): real licenses, requests and invoices follow the real "
            "calendar. Make a demo database to practise: python -m ecomm init --demo "
            f"--as-of {day.isoformat()} --db data/practice.duckdb")
    now = clock.now_utc()

    def work(cur) -> None:
        if demo_built:
            facts_sql.set_fact(cur, facts_sql.DEMO_AS_OF, day.isoformat(), at=now, by=who.email)
        facts_sql.set_fact(cur, facts_sql.PRACTICE_DATE, day.isoformat(), at=now, by=who.email)
        audit.record(cur, actor=who.email, action="set_practice_date", entity="database",
                     after={"practice_date": day.isoformat()},
                     detail=f"Demo data: today is {banner_day(day)}")
    store.write(work)
    clock.set_practice_date(day)


def banner_day(day: date) -> str:
    """The day as the banner says it, e.g. 'Mon Jan 4, 2027'."""
    return f"{day:%a %b} {day.day}, {day.year}"


def banner_text(day: date | None = None) -> str | None:
    """'Demo data: today is Mon Jan 4, 2027' while a practice date is in force, else None."""
    day = day or clock.practice_date()
    return f"Demo data: today is {banner_day(day)}" if day else None
