"""SQL for the Home page's data-health line and key dates (counts limited to given campuses)."""
from __future__ import annotations

from datetime import date, datetime


def counts(store, campuses: list[str], as_of: date) -> dict[str, int]:
    """Contacts, license records, active applications, pending and held requests of ``campuses``."""
    camp = list(campuses)
    row = store.query_one(
        """
        SELECT
          (SELECT count(*) FROM contacts c
             WHERE c.contact_id IN (SELECT contact_id FROM employments
                                      WHERE list_contains(?::VARCHAR[], campus))
                OR c.contact_id IN (SELECT contact_id FROM licenses
                                      WHERE list_contains(?::VARCHAR[], affiliated_campus))),
          (SELECT count(*) FROM licenses WHERE list_contains(?::VARCHAR[], affiliated_campus)),
          (SELECT count(*) FROM license_apps a JOIN licenses l USING (license_number)
             WHERE list_contains(?::VARCHAR[], l.affiliated_campus)
               AND a.provisioned_on <= ?
               AND (a.deprovisioned_on IS NULL OR a.deprovisioned_on > ?)),
          (SELECT count(*) FROM requests
             WHERE status = 'pending' AND list_contains(?::VARCHAR[], campus)),
          (SELECT count(*) FROM requests
             WHERE status = 'held' AND list_contains(?::VARCHAR[], campus))
        """,
        [camp, camp, camp, camp, as_of, as_of, camp, camp],
    )
    keys = ("contacts", "licenses", "active_apps", "pending_requests", "held_requests")
    return {k: int(v or 0) for k, v in zip(keys, row)}


def pending_by_kind(store, campuses: list[str]) -> dict[str, int]:
    """Pending requests of ``campuses`` per kind (provision, deprovision, change_groups)."""
    return {k: int(n) for k, n in store.query(
        "SELECT kind, count(*) FROM requests WHERE status = 'pending' "
        "AND list_contains(?::VARCHAR[], campus) GROUP BY kind", [list(campuses)])}


def total_contacts(store) -> int:
    return int(store.query_value("SELECT count(*) FROM contacts") or 0)


def last_import_at(store) -> datetime | None:
    """When data was last imported (naive UTC), from the audit log (A4)."""
    return store.query_value(
        "SELECT max(happened_at) FROM audit_log "
        "WHERE entity IN ('import', 'imports') OR action = 'import'")


def active_user_count(store) -> int:
    return int(store.query_value("SELECT count(*) FROM app_users WHERE active") or 0)
