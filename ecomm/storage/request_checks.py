"""SQL behind checking many requests at once (requests.csv imports): the requests, users,
reference values and open requests the rules read for a set of requests, loaded in a few
set-based queries on the import's transaction cursor.

What the contact rules read (``ContactFacts``, P1-P5, P7, P13) and the licenses (P7, P10) come
from the loaders the form and the batch use (``ecomm.storage.contacts.contact_facts``,
``add_duplicates`` and ``licenses_by_number``), so that ``ecomm.requests.imported`` runs the
same rule functions over the same values as the form, request by request, without a query per
row.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from ecomm.storage.contacts import OPEN_REQUEST_STATUSES

_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"


def _dicts(cur, sql: str, params: list) -> list[dict]:
    res = cur.execute(sql, params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _ids(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if v is not None})


def requests_rows(cur, request_ids: Iterable[str]) -> list[dict]:
    """The stored rows of these requests (any status)."""
    return _dicts(cur, f"SELECT * FROM requests WHERE request_id IN {_IDS}", [_ids(request_ids)])


def users(cur, emails: Iterable[str]) -> dict[str, dict]:
    """App users by (lower-case) email."""
    rows = _dicts(cur, "SELECT email, name, role, campus, quiz_passed_on, active FROM app_users "
                       f"WHERE email IN {_IDS}", [_ids(e.strip().lower() for e in emails if e)])
    return {r["email"]: r for r in rows}


def active_reference(cur) -> dict[tuple[str, str], set[str]]:
    """(campus, kind) -> the active reference values the System team keeps (P11)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for campus, kind, value in cur.execute(
            "SELECT campus, kind, value FROM reference_values WHERE active").fetchall():
        out[(campus, kind)].add(value)
    return out


def open_requests(cur, *, contact_ids: Iterable[str] = (), license_numbers: Iterable[str] = ()
                  ) -> list[dict]:
    """Open (pending/held) requests of these contacts or on these licenses: request_id, kind,
    contact_id, license_number, applications (for P7's 'already requested')."""
    return _dicts(cur, "SELECT request_id, kind, contact_id, license_number, applications "
                       "FROM requests WHERE status IN (?, ?) AND (contact_id IN " + _IDS +
                       " OR license_number IN " + _IDS + ")",
                  [*OPEN_REQUEST_STATUSES, _ids(contact_ids), _ids(license_numbers)])
