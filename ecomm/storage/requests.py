"""SQL for requests, their status history, evidence files, and the license changes they make.

Every function takes either the Store (reads) or the write cursor ``cur`` of the caller's
``store.write(fn)`` transaction; the reads marked *conn* accept either, so a service can
re-read inside its transaction. All SQL is parameterised.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator, Sequence

from ecomm.reference import AGREEMENT_CAMPAIGN, CAMPUS_EMAIL_FIELD
from ecomm.storage import open_requests
from ecomm.storage.request_bulk import (  # noqa: F401  (re-exported)
    add_imported_submissions, add_status_many, deprovision_apps_now, deprovision_apps_rows,
    reassert_salesforce_removals, set_imported_effects_many,
)
from ecomm.storage.scope import named_specialist_sql

REQUEST_COLUMNS = (
    "request_id", "kind", "contact_id", "campus", "submitted_at", "submitted_by",
    "applications", "license_number", "ecomm_role", "salesforce_profile", "replaces_license",
    "ecomm_specialist", "additional_specialists", "business_units", "public_groups",
    "new_public_group", "remove_business_units", "remove_public_groups", "billing_campus",
    "campus_speedtype", "unit_speedtypes", "speedtype_notes", "super_user_permissions",
    "cvent_add_ons", "course_privacy_awareness_on", "course_it_providers_on", "course_pci_on",
    "notes", "status", "cycle", "held_reasons", "processed_at", "salesforce_removed_on",
    "salesforce_upgrade",
)
LICENSE_COLUMNS = (
    "license_number", "contact_id", "affiliated_campus", "ecomm_specialist",
    "additional_specialists", "ecomm_role", "salesforce_profile", "not_a_sender",
    "quiz_passed_on", "business_units", "public_groups", "billing_campus", "campus_speedtype",
    "unit_speedtypes", "speedtype_notes", "super_user_permissions", "cvent_add_ons",
    "replaces_license",
)
OPEN_STATUSES = ("pending", "held")


def dicts(conn, sql: str, params: Sequence[Any] | None = None) -> list[dict]:
    """*conn*: rows as dicts from the Store or from a transaction cursor."""
    if hasattr(conn, "query_dicts"):
        return conn.query_dicts(sql, params)
    res = conn.execute(sql, params or [])
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _one(conn, sql: str, params: Sequence[Any] | None = None) -> dict | None:
    rows = dicts(conn, sql, params)
    return rows[0] if rows else None


# -- scope (A1-A3) in the query itself ------------------------------------------------------
def scope_sql(campus_col: str, license_alias: str, campus: str | None,
              email: str | None) -> tuple[str, list]:
    """A1: a WHERE fragment limiting rows to a campus or to licenses (alias ``license_alias``)
    naming the person (by email) as primary or additional specialist; ('TRUE', []) for
    everything. (The one A1 fragment: ``ecomm.storage.scope``.)"""
    if campus is None and email is None:
        return "TRUE", []
    frag = f"({campus_col} = ? OR coalesce({named_specialist_sql(license_alias, '?')}, FALSE))"
    return frag, [campus or "", (email or "").strip().lower()]


def contact_campuses(conn, contact_id: str) -> set[str] | None:
    """*conn*: the campuses a contact belongs to (A1): a university email in the campus's
    field, an employment, a license or a request there; None when there is no such contact."""
    fields = sorted(set(CAMPUS_EMAIL_FIELD.values()))
    row = _one(conn, f"SELECT {', '.join(fields)} FROM contacts WHERE contact_id = ?", [contact_id])
    if row is None:
        return None
    out = {c for c, f in CAMPUS_EMAIL_FIELD.items() if (row[f] or "").strip()}
    for r in dicts(conn, "SELECT campus FROM employments WHERE contact_id = ? UNION "
                         "SELECT affiliated_campus FROM licenses WHERE contact_id = ? UNION "
                         "SELECT campus FROM requests WHERE contact_id = ?",
                   [contact_id, contact_id, contact_id]):
        out.add(r["campus"])
    return out


# -- ids ----------------------------------------------------------------------------------
def next_request_id(cur) -> str:
    """The next free request id R-000123 from request_seq (skipping imported ids)."""
    while True:
        n = cur.execute("SELECT nextval('request_seq')").fetchone()[0]
        rid = f"R-{int(n):06d}"
        if not cur.execute("SELECT 1 FROM requests WHERE request_id = ?", [rid]).fetchone():
            return rid


def next_license_number(cur) -> str:
    """One more than the highest LN- number held (width at least four digits, as LN-0776)."""
    rows = cur.execute(
        "SELECT license_number FROM licenses WHERE regexp_full_match(license_number, 'LN-[0-9]+')"
    ).fetchall()
    nums = [r[0][3:] for r in rows]
    top = max((int(n) for n in nums), default=0)
    width = max([4] + [len(n) for n in nums])
    return f"LN-{top + 1:0{width}d}"


# -- licenses -----------------------------------------------------------------------------
def license(conn, license_number: str) -> dict | None:
    """*conn*: the license row, or None."""
    return _one(conn, "SELECT * FROM licenses WHERE license_number = ?", [license_number])


def licenses_of_contact(conn, contact_id: str) -> list[dict]:
    """*conn*: a contact's license rows, by number."""
    return dicts(conn, "SELECT * FROM licenses WHERE contact_id = ? ORDER BY license_number",
                 [contact_id])


def license_apps(conn, license_number: str) -> list[dict]:
    """*conn*: every application row a license holds or held, newest provisioning first."""
    return dicts(conn, "SELECT * FROM license_apps WHERE license_number = ? "
                       "ORDER BY application, provisioned_on DESC", [license_number])


def insert_license(cur, values: dict) -> None:
    cols = [c for c in LICENSE_COLUMNS if c in values]
    cur.execute(f"INSERT INTO licenses ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[c] for c in cols])


def set_license_groups(cur, license_number: str, business_units: list[str],
                       public_groups: list[str]) -> None:
    cur.execute("UPDATE licenses SET business_units = ?, public_groups = ? WHERE license_number = ?",
                [business_units, public_groups, license_number])


# -- requests -----------------------------------------------------------------------------
def insert_request(cur, values: dict) -> None:
    """Insert a request and give it its open key (P7, C4, C5: the unique index refuses a
    second identical waiting request, ``ecomm.storage.open_requests``)."""
    cols = [c for c in REQUEST_COLUMNS if c in values]
    cur.execute(f"INSERT INTO requests ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[c] for c in cols])
    open_requests.claim(cur, values["request_id"], what=open_requests.identical_sentence(values))


def add_status(cur, request_id: str, at: datetime, status: str, actor: str,
               note: str | None = None) -> None:
    cur.execute("INSERT INTO request_status_history VALUES (?, ?, ?, ?, ?)",
                [request_id, at, status, actor, note])


def set_status(cur, request_id: str, status: str, processed_at: datetime | None = None) -> None:
    cur.execute("UPDATE requests SET status = ?, processed_at = coalesce(?, processed_at) "
                "WHERE request_id = ?", [status, processed_at, request_id])


def request(conn, request_id: str) -> dict | None:
    """*conn*: a request with its license's campus, additional specialists and every email
    the license names as its specialist (``license_named``: primary and additional, A1)."""
    return _one(conn, "SELECT r.*, l.affiliated_campus AS license_campus, "
                      "l.additional_specialists AS license_additional, "
                      "list_prepend(l.ecomm_specialist, coalesce(l.additional_specialists, []::VARCHAR[])) AS license_named FROM requests r "
                      "LEFT JOIN licenses l USING (license_number) WHERE r.request_id = ?",
                [request_id])


def open_requests_of_contact(conn, contact_id: str, kind: str | None = None) -> list[dict]:
    """*conn*: pending or held requests of a contact (optionally of one kind)."""
    sql = "SELECT * FROM requests WHERE contact_id = ? AND status IN ('pending', 'held')"
    params: list = [contact_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return dicts(conn, sql + " ORDER BY submitted_at", params)


def open_requests_of_license(conn, license_number: str, kind: str | None = None) -> list[dict]:
    """*conn*: pending or held requests on a license (optionally of one kind)."""
    sql = "SELECT * FROM requests WHERE license_number = ? AND status IN ('pending', 'held')"
    params: list = [license_number]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return dicts(conn, sql + " ORDER BY submitted_at", params)


def list_requests(store, *, campus_scope: str | None, email_scope: str | None,
                  status: str | None = None, kind: str | None = None,
                  campus: str | None = None, contact_id: str | None = None,
                  license_number: str | None = None) -> list[dict]:
    """Requests newest first with the contact's name, limited by scope (A1-A3) in the query."""
    frag, params = scope_sql("r.campus", "l", campus_scope, email_scope)
    where = [frag]
    for col, val in (("r.status", status), ("r.kind", kind), ("r.campus", campus),
                     ("r.contact_id", contact_id), ("r.license_number", license_number)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    return store.query_dicts(
        "SELECT r.*, c.first_name, c.last_name FROM requests r "
        "LEFT JOIN licenses l USING (license_number) LEFT JOIN contacts c ON c.contact_id = r.contact_id "
        f"WHERE {' AND '.join(where)} ORDER BY r.submitted_at DESC, r.request_id DESC", params)


def status_history(store, request_ids: list[str]) -> list[dict]:
    if not request_ids:
        return []
    return store.query_dicts(
        "SELECT * FROM request_status_history WHERE request_id IN "
        f"({', '.join('?' for _ in request_ids)}) ORDER BY happened_at, request_id", request_ids)


# -- evidence -----------------------------------------------------------------------------
def insert_evidence(cur, *, file_id: str, request_id: str, license_number: str | None,
                    name: str, stored_name: str, content_type: str, size: int, sha256: str,
                    at: datetime, by: str) -> None:
    cur.execute("INSERT INTO evidence_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [file_id, request_id, license_number, name, stored_name, content_type, size,
                 sha256, at, by])


def evidence_file(store, file_id: str) -> dict | None:
    """An evidence row with the campus and the license's specialists (primary and additional)
    that decide who sees it (A1)."""
    return _one(
        store,
        "SELECT e.*, coalesce(l.affiliated_campus, r.campus) AS campus, "
        "l.ecomm_specialist, l.additional_specialists FROM evidence_files e "
        "LEFT JOIN requests r USING (request_id) "
        "LEFT JOIN licenses l ON l.license_number = coalesce(e.license_number, r.license_number) "
        "WHERE e.file_id = ?", [file_id])


def evidence_of(store, *, request_ids: list[str], license_number: str | None) -> list[dict]:
    params: list = [license_number]
    sql = "SELECT * FROM evidence_files WHERE license_number = ?"
    if request_ids:
        sql += f" OR request_id IN ({', '.join('?' for _ in request_ids)})"
        params += request_ids
    return store.query_dicts(sql + " ORDER BY uploaded_at, original_name", params)


# -- the agreement campaign (P4) ----------------------------------------------------------
def agreement_member(conn, contact_id: str) -> dict | None:
    """*conn*: the contact's row in the eComm user agreement campaign, if any."""
    return _one(conn, "SELECT * FROM campaign_members WHERE contact_id = ? AND campaign = ?",
                [contact_id, AGREEMENT_CAMPAIGN])


def upsert_agreement_member(cur, contact_id: str, signed_at: datetime, added_by: str,
                            reason: str) -> None:
    cur.execute(
        "INSERT INTO campaign_members (contact_id, campaign, signed_at, added_by, reason) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (contact_id, campaign) DO UPDATE SET "
        "signed_at = excluded.signed_at, added_by = excluded.added_by, reason = excluded.reason",
        [contact_id, AGREEMENT_CAMPAIGN, signed_at, added_by, reason])


# -- record pages -------------------------------------------------------------------------
def contact_row(store, contact_id: str) -> dict | None:
    return _one(store, "SELECT * FROM contacts WHERE contact_id = ?", [contact_id])


def employments_of(store, contact_id: str) -> list[dict]:
    return store.query_dicts("SELECT campus, status, start_date, end_date, department, title "
                             "FROM employments WHERE contact_id = ? "
                             "ORDER BY start_date DESC NULLS LAST, campus", [contact_id])


def completions_of(store, contact_id: str) -> list[dict]:
    return store.query_dicts("SELECT course, completed_on FROM course_completions "
                             "WHERE contact_id = ? ORDER BY course, completed_on DESC", [contact_id])


def requests_of_license(store, license_number: str, contact_id: str, campus: str) -> list[dict]:
    """Requests on a license, and the contact's requests at its campus that name no license."""
    return store.query_dicts(
        "SELECT * FROM requests WHERE license_number = ? OR (license_number IS NULL AND "
        "contact_id = ? AND campus = ?) ORDER BY submitted_at DESC, request_id DESC",
        [license_number, contact_id, campus])


def requests_of_contact(store, contact_id: str) -> list[dict]:
    """A contact's requests with every email their license names as its specialist
    (``license_named``, for A1 filtering)."""
    return store.query_dicts(
        "SELECT r.*, list_prepend(l.ecomm_specialist, coalesce(l.additional_specialists, []::VARCHAR[])) AS license_named FROM requests r "
        "LEFT JOIN licenses l USING (license_number) WHERE r.contact_id = ? "
        "ORDER BY r.submitted_at DESC, r.request_id DESC", [contact_id])


def audit_for(store, entity_ids: list[str], limit: int = 500) -> list[dict]:
    """A4: audit entries about these licenses/requests/contacts, newest first."""
    if not entity_ids:
        return []
    return store.query_dicts(
        "SELECT audit_id, happened_at, actor, action, entity, entity_id, campus, before, after, "
        f"detail FROM audit_log WHERE entity_id IN ({', '.join('?' for _ in entity_ids)}) "
        "ORDER BY audit_id DESC LIMIT ?", [*entity_ids, limit])


# -- reading inside a write transaction ---------------------------------------------------
class CursorReader:
    """The Store's read methods over a transaction cursor, so that storage reads written for
    the Store (e.g. ``contacts.load_contact_facts``) see the transaction's own rows."""

    def __init__(self, cur):
        self.cur = cur

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """The transaction's own cursor (left open: the transaction owns it)."""
        yield self.cur

    def query(self, sql: str, params=None) -> list[tuple]:
        return self.cur.execute(sql, params or []).fetchall()

    def query_one(self, sql: str, params=None) -> tuple | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def query_value(self, sql: str, params=None) -> Any:
        row = self.query_one(sql, params)
        return row[0] if row else None

    def query_dicts(self, sql: str, params=None) -> list[dict]:
        res = self.cur.execute(sql, params or [])
        cols = [d[0] for d in res.description]
        return [dict(zip(cols, r)) for r in res.fetchall()]


def requests_by_id(conn, request_ids: list[str]) -> list[dict]:
    """*conn*: the stored rows of these requests."""
    if not request_ids:
        return []
    return dicts(conn, f"SELECT * FROM requests WHERE request_id IN "
                       f"({', '.join('?' for _ in request_ids)})", list(request_ids))


def requested_applications_except(conn, contact_id: str, request_id: str) -> set[str]:
    """*conn*: applications in the contact's open provisioning requests other than this one."""
    rows = dicts(conn, "SELECT DISTINCT unnest(applications) AS app FROM requests "
                       "WHERE contact_id = ? AND kind = 'provision' AND status IN ('pending', 'held') "
                       "AND request_id <> ?", [contact_id, request_id])
    return {r["app"] for r in rows if r["app"]}



# -- P11 reference values (the requests.csv bulk writes are in request_bulk.py) ---------
def group_choices(conn, campus: str):
    """*conn*: P11: the campus's active business units and public groups (reference.csv)."""
    from ecomm.rules.models import GroupChoices

    rows = dicts(conn, "SELECT kind, value FROM reference_values WHERE campus = ? AND active "
                       "AND kind IN ('business_unit', 'public_group')", [campus])
    return GroupChoices(
        campus=campus,
        business_units=frozenset(r["value"] for r in rows if r["kind"] == "business_unit"),
        public_groups=frozenset(r["value"] for r in rows if r["kind"] == "public_group"))
