"""Bulk SQL for requests.csv imports (C1, C4): many requests' effects, status rows and
Salesforce removals in one statement each. Takes the write cursor ``cur`` of the caller's
``store.write(fn)`` transaction; all SQL is parameterised.
"""
from __future__ import annotations

from datetime import date

from ecomm.reference import SALESFORCE as SALESFORCE_APP


def set_imported_effects_many(cur, updates: list[tuple]) -> None:
    """What requests imported as pending get at import, as the form gives them at submission,
    in one statement: rows of (request_id, cycle, salesforce_removed_on, status, processed_at);
    None leaves a column as it is. C1: the cycle; C4: the day Salesforce was removed and
    completion when nothing waits for a batch."""
    if not updates:
        return
    ids, cycles, removed, statuses, processed = (list(col) for col in zip(*updates))
    cur.execute(
        "UPDATE requests SET cycle = coalesce(u.cycle, requests.cycle), "
        "salesforce_removed_on = coalesce(u.removed, requests.salesforce_removed_on), "
        "status = coalesce(u.status, requests.status), "
        "processed_at = coalesce(u.processed, requests.processed_at) "
        "FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS id, unnest(CAST(? AS VARCHAR[])) AS cycle, "
        "unnest(CAST(? AS DATE[])) AS removed, unnest(CAST(? AS VARCHAR[])) AS status, "
        "unnest(CAST(? AS TIMESTAMP[])) AS processed) u WHERE requests.request_id = u.id",
        [ids, cycles, removed, statuses, processed])


def deprovision_apps_now(cur, items: list[tuple[str, str, date]]) -> set[tuple[str, str]]:
    """C4 for many: close the open row of each (license_number, application, on) on ``on`` in
    one statement; returns the (license_number, application) pairs closed."""
    return set(deprovision_apps_rows(cur, items))


def deprovision_apps_rows(cur, items: list[tuple[str, str, date]]) -> list[tuple[str, str]]:
    """C4 for many, as ``deprovision_apps_now``: one (license_number, application) per row
    closed (a pair twice when two open rows of it were closed)."""
    if not items:
        return []
    numbers, apps, days = (list(col) for col in zip(*items))
    rows = cur.execute(
        "UPDATE license_apps SET deprovisioned_on = u.on_day FROM (SELECT "
        "unnest(CAST(? AS VARCHAR[])) AS num, unnest(CAST(? AS VARCHAR[])) AS app, "
        "unnest(CAST(? AS DATE[])) AS on_day) u WHERE license_apps.license_number = u.num "
        "AND license_apps.application = u.app AND license_apps.deprovisioned_on IS NULL "
        "RETURNING license_apps.license_number, license_apps.application",
        [numbers, apps, days]).fetchall()
    return [(r[0], r[1]) for r in rows]


def add_status_many(cur, rows: list[tuple]) -> None:
    """Status history rows (request_id, at, status, actor, note) in one statement."""
    if not rows:
        return
    ids, ats, statuses, actors, notes = (list(col) for col in zip(*rows))
    cur.execute("INSERT INTO request_status_history SELECT unnest(CAST(? AS VARCHAR[])), "
                "unnest(CAST(? AS TIMESTAMP[])), unnest(CAST(? AS VARCHAR[])), "
                "unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[]))",
                [ids, ats, statuses, actors, notes])


def add_imported_submissions(cur, request_ids: list[str], importer: str) -> int:
    """Imported requests without any status history get their submission ('pending' at
    submitted_at, by whoever submitted it), as a request made in the form has; a re-import
    adds nothing. Returns how many were added."""
    if not request_ids:
        return 0
    cur.execute("INSERT INTO request_status_history SELECT r.request_id, r.submitted_at, "
                "'pending', r.submitted_by, ? FROM requests r "
                "WHERE r.request_id IN (SELECT unnest(?::VARCHAR[])) AND NOT EXISTS ("
                "SELECT 1 FROM request_status_history h WHERE h.request_id = r.request_id) "
                "RETURNING request_id",
                [f"submitted elsewhere; imported from requests.csv by {importer}",
                 list(request_ids)])
    return len(cur.fetchall())


def reassert_salesforce_removals(cur, request_ids: list[str]) -> int:
    """C4 kept on re-import: a deprovisioning request that already removed Salesforce (its
    ``salesforce_removed_on`` is set, whatever its status: cancelling does not give it back)
    whose license's Salesforce row an imported license_apps.csv opened again is closed on that
    day again. Returns the rows closed."""
    if not request_ids:
        return 0
    rows = cur.execute(
        "UPDATE license_apps SET deprovisioned_on = r.salesforce_removed_on FROM requests r "
        "WHERE r.request_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) AND r.kind = 'deprovision' "
        "AND r.salesforce_removed_on IS NOT NULL AND license_apps.license_number = r.license_number "
        "AND license_apps.application = ? AND license_apps.deprovisioned_on IS NULL "
        "AND license_apps.provisioned_on <= r.salesforce_removed_on RETURNING 1",
        [list(request_ids), SALESFORCE_APP]).fetchall()
    return len(rows)
