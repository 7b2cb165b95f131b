"""SQL of C7's System team tasks (one per request that needs advance preparation)."""
from __future__ import annotations

from datetime import datetime

from ecomm.storage.requests import dicts

COLUMNS = ("request_id", "campus", "cycle", "reasons", "detail", "opened_at", "opened_by",
           "closed_at", "closed_by", "close_note")


def insert_task(cur, *, request_id: str, campus: str, cycle: str | None, reasons: list[str],
                detail: str | None, at: datetime, by: str) -> bool:
    """A new open task for the request (none when the request has one already)."""
    rows = cur.execute(
        "INSERT INTO system_tasks (request_id, campus, cycle, reasons, detail, opened_at, "
        "opened_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING RETURNING 1",
        [request_id, campus, cycle, reasons, detail, at, by]).fetchall()
    return bool(rows)


def task(conn, request_id: str) -> dict | None:
    rows = dicts(conn, "SELECT * FROM system_tasks WHERE request_id = ?", [request_id])
    return rows[0] if rows else None


def close_task(cur, request_id: str, *, at: datetime, by: str, note: str | None) -> None:
    cur.execute("UPDATE system_tasks SET closed_at = ?, closed_by = ?, close_note = ? "
                "WHERE request_id = ?", [at, by, note, request_id])


def list_tasks(store, *, cycle: str | None = None, open_only: bool = False) -> list[dict]:
    """Tasks with the request's kind, status, license and person, oldest first."""
    where, params = ["TRUE"], []
    if cycle is not None:
        where.append("t.cycle = ?")
        params.append(cycle)
    if open_only:
        where.append("t.closed_at IS NULL")
    return store.query_dicts(
        "SELECT t.*, r.kind, r.status AS request_status, r.license_number, r.contact_id, "
        "trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) AS name "
        "FROM system_tasks t LEFT JOIN requests r USING (request_id) "
        "LEFT JOIN contacts c ON c.contact_id = r.contact_id "
        f"WHERE {' AND '.join(where)} ORDER BY t.opened_at, t.request_id", params)


def open_requests_needing_tasks(cur, request_ids: list[str]) -> list[dict]:
    """Imported open requests (pending or held) without a task, with what C7 reads."""
    if not request_ids:
        return []
    return dicts(cur, "SELECT r.request_id, r.kind, r.campus, r.cycle, r.ecomm_role, "
                      "r.super_user_permissions, r.public_groups, r.campus_speedtype, "
                      "r.unit_speedtypes, r.submitted_by, r.submitted_at, r.license_number, "
                      "r.contact_id FROM requests r WHERE r.request_id IN "
                      "(SELECT unnest(?::VARCHAR[])) AND r.status IN ('pending', 'held') "
                      "AND NOT EXISTS (SELECT 1 FROM system_tasks t "
                      "WHERE t.request_id = r.request_id)", [list(request_ids)])
