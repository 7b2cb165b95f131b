"""SQL behind "one open request of a kind for the same thing" (P7, C4, C5), checked inside the
write transaction and backed by a unique index the database holds.

Every request carries an ``open_key``: its kind and what it is about, in canonical text
(``provision|<contact>|<campus>|<applications>``, ``deprovision|<license>|<applications>``,
``change_groups|<license>|<units>|<groups>|<new group>|<units removed>|<groups removed>``,
lists sorted). Migration 7 puts a unique index on ``CASE WHEN status IN ('pending', 'held')
THEN open_key END``: two identical requests can never both be waiting, whoever writes them
(a completed, cancelled or processed request leaves the index by its status alone, so no
code has to clear the key). DuckDB has no partial indexes; the CASE expression makes the
index partial (NULLs never collide).

The index only catches identical requests; the services read the open requests below inside
the same transaction (``ecomm.requests.duplicates``) to refuse overlapping ones with a
sentence naming the rule and the request already waiting.
"""
from __future__ import annotations

from typing import Iterable

import duckdb

from ecomm.errors import EcommError

OPEN = ("pending", "held")


def _items(col: str) -> str:
    return f"coalesce(array_to_string(list_sort(coalesce({col}, []::VARCHAR[])), ';'), '')"


# The canonical key of a request row (unqualified column names of ``requests``).
OPEN_KEY_SQL = (
    "CASE kind "
    f"WHEN 'provision' THEN concat_ws('|', kind, contact_id, campus, {_items('applications')}) "
    "WHEN 'deprovision' THEN concat_ws('|', kind, license_number, "
    f"{_items('applications')}) "
    "WHEN 'change_groups' THEN concat_ws('|', kind, license_number, "
    f"{_items('business_units')}, {_items('public_groups')}, "
    "coalesce(lower(trim(new_public_group)), ''), "
    f"{_items('remove_business_units')}, {_items('remove_public_groups')}) "
    "END")

INDEX_SQL = ("CREATE UNIQUE INDEX uq_requests_open ON requests "
             "((CASE WHEN status IN ('pending', 'held') THEN open_key END))")


def claim(cur, request_id: str, *, what: str) -> None:
    """Set the key of a request just inserted in this transaction; an identical open request
    (the unique index) refuses it with a sentence naming ``what`` ("P7: ...")."""
    try:
        cur.execute(f"UPDATE requests SET open_key = {OPEN_KEY_SQL} WHERE request_id = ?",
                    [request_id])
    except duckdb.ConstraintException:
        raise EcommError(f"{what} Nothing was saved.") from None


def identical_sentence(values: dict) -> str:
    """The refusal when the unique index finds an identical waiting request."""
    kind, lic = values.get("kind"), values.get("license_number")
    if kind == "change_groups":
        return f"C5: the same group change is already pending for {lic}; wait for it or cancel it."
    what = "provisioning" if kind == "provision" else "deprovisioning"
    return (f"P7: an identical {what} request is already waiting for {lic or values.get('contact_id')}"
            "; cancel it first.")


def fill_missing(cur, request_ids: Iterable[str] | None = None) -> int:
    """Give rows without a key (migration 8; imported rows) their key, except where an open
    request with the same key already holds it: of identical open requests made before the
    constraint existed, the oldest (by request id) holds the key and the others stay
    visible for a specialist to cancel. Returns the rows keyed."""
    ids = None if request_ids is None else sorted(set(request_ids))
    only = "" if ids is None else " AND request_id IN (SELECT unnest(?::VARCHAR[]))"
    params = [] if ids is None else [ids]
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS _open_keys (request_id VARCHAR, k VARCHAR)")
    cur.execute("DELETE FROM _open_keys")
    cur.execute(f"INSERT INTO _open_keys SELECT request_id, {OPEN_KEY_SQL} FROM requests "
                f"WHERE open_key IS NULL{only}", params)
    # keep, per key, the open row that may hold it: none when an open row already holds it
    cur.execute(
        "UPDATE requests SET open_key = t.k FROM _open_keys t "
        "WHERE requests.request_id = t.request_id AND t.k IS NOT NULL AND ("
        " requests.status NOT IN ('pending', 'held') OR ("
        "  NOT EXISTS (SELECT 1 FROM requests o WHERE o.open_key = t.k "
        "              AND o.status IN ('pending', 'held'))"
        "  AND requests.request_id = (SELECT min(r2.request_id) FROM requests r2 "
        "      JOIN _open_keys t2 USING (request_id) WHERE t2.k = t.k "
        "      AND r2.status IN ('pending', 'held'))))")
    n = cur.execute("SELECT count(*) FROM _open_keys WHERE k IS NOT NULL").fetchone()[0]
    cur.execute("DROP TABLE _open_keys")
    return int(n)


def open_of_contact(cur, contact_id: str, kind: str) -> list[dict]:
    """The contact's open (pending/held) requests of ``kind``, oldest first."""
    return _dicts(cur, "SELECT request_id, license_number, campus, applications, status "
                       "FROM requests WHERE contact_id = ? AND kind = ? "
                       "AND status IN ('pending', 'held') ORDER BY submitted_at, request_id",
                  [contact_id, kind])


def open_of_license(cur, license_number: str, kind: str) -> list[dict]:
    """The license's open (pending/held) requests of ``kind``, oldest first (every column)."""
    return _dicts(cur, "SELECT * FROM requests WHERE license_number = ? AND kind = ? "
                       "AND status IN ('pending', 'held') ORDER BY submitted_at, request_id",
                  [license_number, kind])


def _dicts(cur, sql: str, params: list) -> list[dict]:
    res = cur.execute(sql, params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]
