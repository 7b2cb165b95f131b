"""Extra closure dates (C1): days the cycle's business-day arithmetic skips (A2, audited A4)."""
from __future__ import annotations

from datetime import date

from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.permissions import require_system
from ecomm.storage import admin as admin_sql
from ecomm.storage import audit


# -- extra holidays (C1 closures) ------------------------------------------------------
def list_holidays(store, actor: Identity) -> list[dict]:
    """A2: the closure dates added to the US federal holidays (C1)."""
    require_system(actor, "manage closure dates")
    return admin_sql.list_holidays(store)


def add_holiday(store, actor: Identity, day: date, name: str) -> dict:
    """C1: add a closure date; it stops being a business day for cutoffs and processing."""
    require_system(actor, "add closure dates")
    name = (name or "").strip()
    if not isinstance(day, date):
        raise EcommError("Give the closure's date.")
    if not name:
        raise EcommError("Give the closure a name (e.g. 'Winter closure').")
    row = {"date": day, "name": name}

    def run(cur):
        existing = admin_sql.get_holiday_cur(cur, day)
        if existing:
            raise EcommError(f"{day.isoformat()} is already a closure ({existing['name']}).")
        admin_sql.insert_holiday(cur, day, name)
        audit.record(cur, actor=actor.email, action="add", entity="extra_holiday",
                     entity_id=day.isoformat(), after=row)
        return row

    return store.write(run)


def remove_holiday(store, actor: Identity, day: date) -> dict:
    """C1: the date is a business day again (unless a weekend or federal holiday)."""
    require_system(actor, "remove closure dates")

    def run(cur):
        before = admin_sql.get_holiday_cur(cur, day)
        if before is None:
            raise NotFound(f"{day.isoformat()} is not one of the extra closure dates.")
        admin_sql.delete_holiday(cur, day)
        audit.record(cur, actor=actor.email, action="remove", entity="extra_holiday",
                     entity_id=day.isoformat(), before=before)
        return before

    return store.write(run)
