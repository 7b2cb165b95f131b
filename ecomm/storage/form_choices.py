"""SQL behind the request form's pickers and the person check: a campus's licenses (the
"replacing another user" picker, P10), the campus speedtype most of a campus's licenses are
billed to (P12's default) and the university emails of search results."""
from __future__ import annotations

from datetime import date

from ecomm.storage.contacts import EMAIL_COLUMNS, OPEN_REQUEST_STATUSES


def campus_licenses(store, campus: str, on: date) -> list[dict]:
    """P10: every license of ``campus`` with its holder's name, the applications it holds on
    ``on``, the last day one was removed and whether a deprovisioning request is waiting.
    Rows: license_number, contact_id, name, held, last_removed_on, pending_deprovision."""
    return store.query_dicts(
        "WITH pend AS (SELECT DISTINCT license_number FROM requests "
        "  WHERE kind = 'deprovision' AND status IN (?, ?)), "
        "apps AS (SELECT license_number, "
        "  list(application ORDER BY application) FILTER (WHERE provisioned_on <= ? AND "
        "    (deprovisioned_on IS NULL OR deprovisioned_on > ?)) AS held, "
        "  max(deprovisioned_on) AS last_removed_on "
        "  FROM license_apps GROUP BY license_number) "
        "SELECT l.license_number, l.contact_id, concat_ws(' ', c.first_name, c.last_name) AS name, "
        "  coalesce(a.held, []::VARCHAR[]) AS held, a.last_removed_on, "
        "  p.license_number IS NOT NULL AS pending_deprovision "
        "FROM licenses l LEFT JOIN contacts c ON c.contact_id = l.contact_id "
        "LEFT JOIN apps a ON a.license_number = l.license_number "
        "LEFT JOIN pend p ON p.license_number = l.license_number "
        "WHERE l.affiliated_campus = ? "
        "ORDER BY lower(c.last_name), lower(c.first_name), l.license_number",
        [*OPEN_REQUEST_STATUSES, on, on, campus])


def usual_campus_speedtype(store, billing_campus: str) -> str | None:
    """P12: the campus billing speedtype most licenses billed to ``billing_campus`` carry."""
    return store.query_value(
        "SELECT campus_speedtype FROM licenses WHERE billing_campus = ? "
        "AND nullif(trim(campus_speedtype), '') IS NOT NULL "
        "GROUP BY campus_speedtype ORDER BY count(*) DESC, campus_speedtype LIMIT 1",
        [billing_campus])


def exact_contacts(store, text: str, limit: int = 5) -> list[dict]:
    """Contacts whose employee ID is ``text`` or one of whose emails is ``text`` (trimmed,
    ignoring case): contact_id, first_name, last_name only (A1: Check a person finds a
    person of another campus only this way)."""
    value = (text or "").strip()
    if not value:
        return []
    emails = " OR ".join(f"lower(trim({c})) = lower(?)" for c in EMAIL_COLUMNS)
    return store.query_dicts(
        f"SELECT contact_id, first_name, last_name FROM contacts WHERE trim(employee_id) = ? "
        f"OR {emails} ORDER BY contact_id LIMIT ?", [value, *[value] * len(EMAIL_COLUMNS), limit])


def contact_emails(store, contact_ids: list[str]) -> dict[str, dict]:
    """Every email field of these contacts, by contact ID (for search results)."""
    if not contact_ids:
        return {}
    marks = ", ".join("?" for _ in contact_ids)
    rows = store.query_dicts(
        f"SELECT contact_id, {', '.join(EMAIL_COLUMNS)} FROM contacts "
        f"WHERE contact_id IN ({marks})", list(contact_ids))
    return {r.pop("contact_id"): r for r in rows}
