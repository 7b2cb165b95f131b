"""SQL for finding a license record by its number or its holder's name, email or employee ID
(issue 18 item 4), limited to the license records the person may read (A1)."""
from __future__ import annotations

from ecomm.storage.contacts import search_contacts
from ecomm.storage.scope import named_specialist_sql


def search_licenses(store, text: str, *, campus: str | None, email: str | None,
                    limit: int = 50) -> list[dict]:
    """License records whose number contains ``text`` or whose holder matches every word of it
    (``search_contacts``); with ``campus``: only that campus's records and those naming
    ``email`` as additional eComm specialist (A1). Rows: license_number, campus, contact_id,
    name, employee_id, email."""
    text = (text or "").strip()
    holders = [r["contact_id"] for r in search_contacts(store, text, limit=500)]
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    scope = "TRUE"
    params: list = [pattern, holders]
    if campus is not None:
        scope = f"(l.affiliated_campus = ? OR {named_specialist_sql('l', '?')})"
        params += [campus, (email or "").strip().lower()]
    rows = store.query_dicts(
        "SELECT l.license_number, l.affiliated_campus AS campus, l.contact_id, c.first_name, "
        "c.last_name, c.employee_id, c.email FROM licenses l "
        "LEFT JOIN contacts c ON c.contact_id = l.contact_id "
        "WHERE (l.license_number ILIKE ? ESCAPE '\\' OR list_contains(?::VARCHAR[], l.contact_id)) "
        f"AND {scope} ORDER BY lower(c.last_name), lower(c.first_name), l.license_number LIMIT ?",
        [*params, int(limit)])
    for r in rows:
        r["name"] = " ".join(p for p in (r.pop("first_name"), r.pop("last_name")) if p)
    return rows
