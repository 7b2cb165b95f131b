"""Audit log (A4): every change is recorded with who, when and what changed, in the same
transaction as the change itself."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ecomm.clock import now_utc
from ecomm.storage.scope import named_specialist_sql


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


def record_many(cur, entries: list[dict]) -> None:
    """Append many audit entries in one statement (each a dict of ``record``'s keywords), for
    changes made to many records at once (an import); same columns as ``record``."""
    if not entries:
        return
    at = now_utc()
    cols = ("actor", "action", "entity", "entity_id", "campus", "before", "after", "detail")
    values = {c: [to_json(e.get(c)) if c in ("before", "after") else e.get(c) for e in entries]
              for c in cols}
    cur.execute(
        "INSERT INTO audit_log (happened_at, actor, action, entity, entity_id, campus, before, "
        "after, detail) SELECT ?, unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[])), "
        "unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[])), "
        "unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[]))",
        [at, *(values[c] for c in cols)])


def _filters(*, campuses: list[str] | None = None, named_email: str | None = None,
             campus: str | None = None,
             entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
             action: str | None = None, since: datetime | None = None,
             until: datetime | None = None, search: str | None = None) -> tuple[str, list]:
    """The WHERE clause (with its parameters) of the audit filters; every filter is optional.

    ``campuses`` scopes the rows to those campuses (A1: a specialist's own; entries without a
    campus are left out), plus, with ``named_email``, the entries of the licenses naming that
    specialist as their primary or an additional eComm specialist and of their requests (A1);
    ``campus`` is the person's own choice of one campus."""
    where, params = [], []
    if campuses is not None:
        clause = "campus IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(campuses))
        if named_email:
            named = named_specialist_sql("l", "?")
            clause = (f"({clause} OR (entity = 'license' AND entity_id IN (SELECT "
                      f"l.license_number FROM licenses l WHERE {named})) OR (entity = 'request' "
                      "AND entity_id IN (SELECT r.request_id FROM requests r JOIN licenses l "
                      f"ON l.license_number = r.license_number WHERE {named})))")
            params.extend([named_email, named_email])
        where.append(clause)
    for col, val in (("campus", campus), ("entity", entity), ("entity_id", entity_id),
                     ("actor", actor), ("action", action)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    if since:
        where.append("happened_at >= ?")
        params.append(since)
    if until:
        where.append("happened_at < ?")
        params.append(until)
    if search and search.strip():
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", search.strip()) + "%"
        where.append("(entity_id ILIKE ? ESCAPE '\\' OR detail ILIKE ? ESCAPE '\\' "
                     "OR before ILIKE ? ESCAPE '\\' OR after ILIKE ? ESCAPE '\\' "
                     "OR actor ILIKE ? ESCAPE '\\')")
        params.extend([pattern] * 5)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def list_entries(store, *, limit: int = 5000, offset: int = 0, **filters):
    """Audit entries, newest first, as a DataFrame: at most ``limit`` from ``offset`` (the
    paging is done by the database). Filters: see ``_filters``."""
    where, params = _filters(**filters)
    return store.query_df(
        "SELECT audit_id, happened_at, actor, action, entity, entity_id, campus, before, after, "
        f"detail FROM audit_log{where} ORDER BY audit_id DESC LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)])


def count_entries(store, **filters) -> int:
    """How many audit entries the filters match."""
    where, params = _filters(**filters)
    return int(store.query_value(f"SELECT count(*) FROM audit_log{where}", params))


def distinct_values(store, *, campuses: list[str] | None = None,
                    named_email: str | None = None) -> dict[str, list[str]]:
    """The actors, actions, entities and campuses found in the entries a person may read, each
    sorted, without NULL (one pass over the audit log)."""
    where, params = _filters(campuses=campuses, named_email=named_email)
    cols = ("actor", "action", "entity", "campus")
    lists = ", ".join(f"coalesce(list(DISTINCT {c} ORDER BY {c}) FILTER (WHERE {c} IS NOT NULL), "
                      "[]::VARCHAR[])" for c in cols)
    row = store.query_one(f"SELECT {lists} FROM audit_log{where}", params)
    return {c: list(values) for c, values in zip(cols, row)}
