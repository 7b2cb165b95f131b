"""Find a person or a license record by name, email or employee ID (issue 18 item 4): the
Contact record and License record pages and the group-change queue. Contacts are not
campus-owned (anyone signed in may search them; a specialist's search keeps to their campus's
people); license records are limited to those the person may read (A1-A3)."""
from __future__ import annotations

from ecomm import readiness
from ecomm.identity import Identity
from ecomm.access import scope_for
from ecomm.storage import record_search as record_search_sql

MIN_SEARCH = readiness.MIN_SEARCH


def _label(name: str, record_id: str, employee_id: str | None, email: str | None,
           campus: str | None = None) -> str:
    parts = [name or "(no name)", record_id]
    if campus:
        parts.append(campus)
    if employee_id:
        parts.append(f"employee ID {employee_id}")
    if email:
        parts.append(email)
    return " · ".join(parts)


def find_contacts(store, actor: Identity, text: str) -> dict[str, str]:
    """contact_id -> 'Name · C-00012 · employee ID 104233 · email' of the contacts matching
    every word of ``text`` (a specialist: people of their campus)."""
    campus = actor.campus if actor is not None and actor.is_specialist else None
    return {r["contact_id"]: _label(r["name"], r["contact_id"], r["employee_id"], r["email"])
            for r in readiness.find_contacts(store, actor, text, campus=campus)}


def find_licenses(store, actor: Identity, text: str) -> dict[str, str]:
    """license_number -> 'Name · LN-0042 · Boulder · employee ID ... · email' of the license
    records this person may read whose number or holder matches ``text``."""
    if len((text or "").strip()) < MIN_SEARCH:
        return {}
    scope = scope_for(actor)
    rows = record_search_sql.search_licenses(store, text, campus=scope.campus, email=scope.email)
    return {r["license_number"]: _label(r["name"], r["license_number"], r["employee_id"],
                                        r["email"], r["campus"]) for r in rows}


def filter_group_changes(store, actor: Identity, queue: list[dict], text: str) -> list[dict]:
    """C5: the queued group changes whose request, license number or holder (name, email or
    employee ID) matches ``text``; all of them when ``text`` is empty."""
    text = (text or "").strip()
    if not text:
        return queue
    needle = text.lower()
    holders = {r["contact_id"] for r in readiness.find_contacts(store, actor, text, limit=500)}
    return [r for r in queue if r["contact_id"] in holders
            or needle in (r.get("license_number") or "").lower()
            or needle in (r.get("request_id") or "").lower()]
