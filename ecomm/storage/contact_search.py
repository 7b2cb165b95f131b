"""SQL for finding contacts (by name, email or employee ID, within a campus and A1 scope)
and P7's reads of one contact's held and requested applications.
"""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from ecomm.rules.contact import normalise_campus
from ecomm.storage.contact_columns import EMAIL_COLUMNS, OPEN_REQUEST_STATUSES


def contact_exists(store, contact_id: str) -> bool:
    return bool(store.query_value("SELECT count(*) FROM contacts WHERE contact_id = ?", [contact_id]))


def search_contacts(store, text: str, *, campus: str | None = None, limit: int = 50,
                    scope: tuple[str, list] | None = None) -> list[dict]:
    """Contacts whose name, any email or employee ID contains every word of ``text`` (ignoring
    case). With ``campus``: only contacts with that campus's university email, an employment
    there (Boulder and Boulder Advancement count as one here: they read the same UCB Email),
    or a license there. Rows: contact_id, first_name, last_name, name, employee_id,
    email, university_email (of ``campus``, when given). ``scope``: an A1 fragment over alias
    ``c`` with its parameters (``ecomm.storage.scope.contact_scope_sql``)."""
    words = [w for w in (text or "").split() if w.strip()]
    columns = ("first_name", "last_name", "employee_id", *EMAIL_COLUMNS)
    any_column = "(" + " OR ".join(f"c.{col} ILIKE ? ESCAPE '\\'" for col in columns) + ")"
    where, params = [], []
    for w in words:   # every word somewhere in the name, an email or the employee ID
        pattern = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(any_column)
        params += [pattern] * len(columns)
    uni = "NULL"
    if campus:
        campus = normalise_campus(campus)
        field = ref.CAMPUS_EMAIL_FIELD[campus]
        uni = f"c.{field}"
        # campuses reading the same email field (Boulder and Boulder Advancement) share staff
        family = [c for c, f in ref.CAMPUS_EMAIL_FIELD.items() if f == field]
        where.append(
            f"(nullif(trim(c.{field}), '') IS NOT NULL"
            " OR c.contact_id IN (SELECT contact_id FROM employments WHERE list_contains(?, campus))"
            " OR c.contact_id IN (SELECT contact_id FROM licenses WHERE affiliated_campus = ?))")
        params += [family, campus]
    if scope is not None:
        where.append(scope[0])
        params += list(scope[1])
    sql = (f"SELECT c.contact_id, c.first_name, c.last_name, c.employee_id, c.email, "
           f"{uni} AS university_email FROM contacts c")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY lower(c.last_name), lower(c.first_name), c.contact_id LIMIT ?"
    params.append(int(limit))
    rows = store.query_dicts(sql, params)
    for r in rows:
        r["name"] = " ".join(p for p in (r["first_name"], r["last_name"]) if p)
    return rows


def held_applications(store, contact_id: str, on: date) -> set[str]:
    """P7: applications the contact holds on ``on`` (provisioned by then, not deprovisioned)."""
    rows = store.query(
        "SELECT DISTINCT a.application FROM licenses l "
        "JOIN license_apps a ON a.license_number = l.license_number "
        "WHERE l.contact_id = ? AND a.provisioned_on <= ? "
        "AND (a.deprovisioned_on IS NULL OR a.deprovisioned_on > ?)",
        [contact_id, on, on])
    return {r[0] for r in rows}


def requested_applications(store, contact_id: str) -> set[str]:
    """P7: applications in the contact's provisioning requests still waiting for a batch."""
    rows = store.query(
        "SELECT DISTINCT unnest(applications) FROM requests "
        "WHERE contact_id = ? AND kind = 'provision' AND status IN (?, ?)",
        [contact_id, *OPEN_REQUEST_STATUSES])
    return {r[0] for r in rows if r[0]}


def pending_removals(store, license_number: str) -> set[str]:
    """Applications of a license already in a deprovisioning request waiting for a batch."""
    rows = store.query(
        "SELECT DISTINCT unnest(applications) FROM requests "
        "WHERE license_number = ? AND kind = 'deprovision' AND status IN (?, ?)",
        [license_number, *OPEN_REQUEST_STATUSES])
    return {r[0] for r in rows if r[0]}
