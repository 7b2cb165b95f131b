"""Audit log (A4): every change is recorded with who, when and what changed, in the same
transaction as the change itself."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ecomm.clock import now_utc


def _default(o: Any) -> Any:
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, (set, tuple)):
        return list(o)
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    return str(o)


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=_default, sort_keys=True)


def record(cur, *, actor: str, action: str, entity: str, entity_id: str | None = None,
           campus: str | None = None, before: Any = None, after: Any = None,
           detail: str | None = None) -> None:
    """Append one audit entry using the caller's transaction cursor."""
    cur.execute(
        "INSERT INTO audit_log (happened_at, actor, action, entity, entity_id, campus, before, after, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [now_utc(), actor, action, entity, entity_id, campus, to_json(before), to_json(after), detail],
    )


def list_entries(store, *, campus: str | None = None, entity: str | None = None,
                 actor: str | None = None, action: str | None = None,
                 since: datetime | None = None, until: datetime | None = None, limit: int = 5000):
    """Audit entries, newest first, as a DataFrame; every filter is optional."""
    where, params = [], []
    for col, val in (("campus", campus), ("entity", entity), ("actor", actor), ("action", action)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    if since:
        where.append("happened_at >= ?")
        params.append(since)
    if until:
        where.append("happened_at < ?")
        params.append(until)
    sql = "SELECT * FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY audit_id DESC LIMIT ?"
    params.append(limit)
    return store.query_df(sql, params)
