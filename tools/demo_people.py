"""People of the deterministic demo that a browser journey or a screenshot needs, found through
the services (readiness, the contact search) in a database holding the demo: the browser
tests' twin of the served database, or the screenshot tool's database before it is served."""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterator

from ecomm import admin, readiness
from ecomm.storage import contacts


def ready_contacts(store, specialist: str, campus: str, today: date) -> Iterator[tuple[dict, object]]:
    """(search row, readiness) of the campus's contacts with an employee ID that no other
    contact has (a search by it finds one person), who meet P1-P5 at ``campus`` on ``today``
    with nothing waiting and no warning, in the search's order."""
    who = admin.find_identity(store, specialist)
    for row in contacts.search_contacts(store, "", campus=campus, limit=1000):
        if not row["employee_id"]:
            continue
        ready = readiness.contact_readiness(store, who, row["contact_id"], campus, today)
        if not ready.ready or ready.open_requests or ready.warnings:
            continue
        if store.query_value("SELECT count(*) FROM contacts WHERE employee_id = ?",
                             [row["employee_id"]]) == 1:
            yield row, ready


def first_ready_contact(store, specialist: str, campus: str, today: date,
                        fits: Callable[[dict, object], bool]) -> tuple[dict, object] | None:
    """The first (row, readiness) of ``ready_contacts`` for which ``fits(row, readiness)``."""
    return next(((row, ready) for row, ready in ready_contacts(store, specialist, campus, today)
                 if fits(row, ready)), None)
