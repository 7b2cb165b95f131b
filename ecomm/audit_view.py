"""Reading the audit log back (A4) for the Audit page: who did what and when (America/Denver),
with the fields each change touched, filterable, a page at a time, and downloadable.

Who reads what (enforced here, in the storage query, never by the widgets):

- A2 the System team reads every entry, including those without a campus (settings, users,
  reference data, batches, backups);
- A1 an eComm specialist reads the entries of their own campus (entries without a campus are
  not theirs), and those of the licenses of any campus naming them as an additional eComm
  specialist, with those licenses' requests;
- A3 a manager reads every entry and changes nothing: rules.md lets managers read everything
  for all campuses, and the audit page changes nothing;
- anyone else (signed out, inactive) reads nothing.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from pydantic import BaseModel

from ecomm import clock, permissions
from ecomm.dashboard import export
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.storage import audit as audit_store
from ecomm.storage import dashboard as dashboard_sql

PAGE_SIZE = 100
EXPORT_LIMIT = 200_000  # rows in one download; narrow the filters for more


class AuditFilters(BaseModel):
    """What the person asked for; dates are America/Denver days, both included."""

    since: date | None = None
    until: date | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    search: str | None = None
    campus: str | None = None


class AuditPage(BaseModel):
    """One page of entries (newest first) and how many the filters match in all."""

    model_config = {"arbitrary_types_allowed": True}

    frame: Any  # pandas DataFrame: see ``_readable``
    total: int
    page: int
    pages: int


def scope(identity: Identity | None) -> list[str] | None:
    """A1-A3: the campuses whose entries this person reads (None: every entry)."""
    who = permissions._require_active(identity)
    if who.is_system or who.is_manager:
        return None
    campuses = permissions.visible_campuses(who)
    if not campuses:
        raise AccessDenied("A1: the audit log shows a specialist their own campus's entries, "
                           "and your account has no campus: ask the CU System eComm team.")
    return campuses


def _query_filters(identity: Identity | None, f: AuditFilters) -> dict:
    campuses = scope(identity)
    if f.campus and campuses is not None and f.campus not in campuses:
        permissions.require_campus(identity, f.campus)  # A1: raises with the sentence
    since = clock.to_utc_naive(datetime.combine(f.since, time.min)) if f.since else None
    until = (clock.to_utc_naive(datetime.combine(f.until + timedelta(days=1), time.min))
             if f.until else None)
    return {"campuses": campuses, "named_email": permissions.additional_email(identity),
            "campus": f.campus or None, "entity": f.entity or None,
            "entity_id": (f.entity_id or "").strip() or None, "actor": f.actor or None,
            "action": f.action or None, "since": since, "until": until,
            "search": (f.search or "").strip() or None}


def choices(store, identity: Identity | None) -> dict[str, list[str]]:
    """The actors, actions, kinds of record and campuses to offer as filters (within scope)."""
    return audit_store.distinct_values(store, campuses=scope(identity),
                                       named_email=permissions.additional_email(identity))


# -- before and after ------------------------------------------------------------------------
def _load(text: str | None) -> Any:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def changes(before: str | None, after: str | None) -> list[dict[str, str]]:
    """The fields a change touched: [{field, before, after}], changed fields only (a new record
    lists every field it was given; a removed one every field it had)."""
    b, a = _load(before), _load(after)
    if isinstance(b, dict) or isinstance(a, dict):
        b = b if isinstance(b, dict) else {}
        a = a if isinstance(a, dict) else {}
        return [{"field": k, "before": _show(b.get(k)), "after": _show(a.get(k))}
                for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)]
    if b == a:
        return []
    return [{"field": "(value)", "before": _show(b), "after": _show(a)}]


def summary(before: str | None, after: str | None, width: int = 300) -> str:
    """The changed fields in one line: ``status: pending → held; cycle: → 2026-12``."""
    parts = []
    for c in changes(before, after):
        if c["before"] and c["after"]:
            parts.append(f"{c['field']}: {c['before']} → {c['after']}")
        elif c["after"]:
            parts.append(f"{c['field']}: {c['after']}")
        else:
            parts.append(f"{c['field']}: {c['before']} → (none)")
    text = "; ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


def _readable(raw: pd.DataFrame) -> pd.DataFrame:
    """Stored entries as people read them: Denver time, the changed fields in one line."""
    cols = ["entry", "when (Denver)", "who", "action", "record", "record id", "campus",
            "what changed", "detail", "before", "after"]
    if raw.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "entry": raw["audit_id"].astype("int64"),
        "when (Denver)": [clock.format_datetime(pd.Timestamp(t).to_pydatetime())
                          for t in raw["happened_at"]],
        "who": raw["actor"], "action": raw["action"], "record": raw["entity"],
        "record id": raw["entity_id"].fillna(""), "campus": raw["campus"].fillna(""),
        "what changed": [summary(b, a) for b, a in zip(raw["before"], raw["after"])],
        "detail": raw["detail"].fillna(""),
        "before": raw["before"].fillna(""), "after": raw["after"].fillna(""),
    }, columns=cols)


# -- reading -----------------------------------------------------------------------------------
def entries(store, identity: Identity | None, filters: AuditFilters | None = None, *,
            page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    """A4: one page of the entries this person may read (A1-A3), newest first."""
    q = _query_filters(identity, filters or AuditFilters())
    total = audit_store.count_entries(store, **q)
    pages = max(1, -(-total // page_size))
    page = min(max(1, int(page)), pages)
    raw = audit_store.list_entries(store, limit=page_size, offset=(page - 1) * page_size, **q)
    return AuditPage(frame=_readable(raw), total=total, page=page, pages=pages)


def export_frame(store, identity: Identity | None, filters: AuditFilters | None = None,
                 limit: int = EXPORT_LIMIT) -> pd.DataFrame:
    """Every entry the filters match (up to ``limit``), for a download."""
    q = _query_filters(identity, filters or AuditFilters())
    return _readable(audit_store.list_entries(store, limit=limit, **q))


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV with cells a spreadsheet would run as a formula neutralised."""
    return export.to_csv(frame)


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """XLSX with cells a spreadsheet would run as a formula neutralised."""
    return export.to_xlsx(frame, sheet="Audit log")


def data_version(store) -> tuple[int, int]:
    """A stamp that changes with every audited write (A4) and every request status change: the
    pages put it in their cache keys, so no one sees numbers from before a change."""
    return dashboard_sql.data_version(store)
