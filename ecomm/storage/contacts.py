"""SQL for contacts and what the eligibility rules read about them (P1-P5, P7, P10, P13).

``load_contact_facts`` is two queries: the contact with its employments, agreement membership,
latest completion per course and licenses (with their applications) as nested lists; then its
possible duplicates (same employee ID, or same name and a matching email) with what sits on them.
"""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from ecomm.errors import NotFound
from ecomm.rules.models import (AgreementMember, Contact, ContactFacts, Duplicate, Employment,
                                HeldLicense, LicenseApp, ReplacedLicense)

# Request statuses still waiting for a batch (see the requests table).
OPEN_REQUEST_STATUSES = ("pending", "held")

EMAIL_COLUMNS = ("email", "ucb_email", "ucd_email", "anschutz_email", "uccs_email",
                 "cu_system_email")
CONTACT_COLUMNS = ("contact_id", "last_name", "first_name", "email", "employee_id", "ucb_email",
                   "ucd_email", "anschutz_email", "uccs_email", "cu_system_email", "poi",
                   "poi_active")

_EMAIL_LIST = "[" + ", ".join(f"lower(trim(c.{col}))" for col in EMAIL_COLUMNS) + "]"

_APPS = """(SELECT list(struct_pack(application := a.application, provisioned_on := a.provisioned_on,
                                   deprovisioned_on := a.deprovisioned_on)
                        ORDER BY a.provisioned_on)
            FROM license_apps a WHERE a.license_number = l.license_number)"""

_AGREEMENT = """(SELECT struct_pack(contact_id := m.contact_id, signed_at := m.signed_at,
                                   added_by := m.added_by, reason := m.reason)
                 FROM campaign_members m
                 WHERE m.contact_id = c.contact_id AND m.campaign = $campaign)"""

_COURSES = """(SELECT list(struct_pack(course := cc.course, completed_on := cc.last))
               FROM (SELECT course, max(completed_on) AS last FROM course_completions x
                     WHERE x.contact_id = c.contact_id GROUP BY course) cc)"""

_FACTS_SQL = f"""
SELECT {", ".join("c." + col for col in CONTACT_COLUMNS)},
  (SELECT list(struct_pack(campus := e.campus, status := e.status, start_date := e.start_date,
                           end_date := e.end_date, department := e.department, title := e.title)
               ORDER BY e.start_date NULLS LAST)
   FROM employments e WHERE e.contact_id = c.contact_id) AS employments,
  {_AGREEMENT} AS agreement,
  {_COURSES} AS courses,
  (SELECT list(struct_pack(license_number := l.license_number, contact_id := l.contact_id,
                           affiliated_campus := l.affiliated_campus,
                           ecomm_specialist := l.ecomm_specialist,
                           additional_specialists := l.additional_specialists,
                           business_units := l.business_units, public_groups := l.public_groups,
                           apps := {_APPS})
               ORDER BY l.license_number)
   FROM licenses l WHERE l.contact_id = c.contact_id) AS licenses
FROM contacts c WHERE c.contact_id = $contact_id
"""

# Same employee ID, or same first + last name (ignoring case) and an email in common (any field).
_DUPLICATES_SQL = f"""
WITH cand AS (
  SELECT c.*, {_EMAIL_LIST} AS emails FROM contacts c
  WHERE c.contact_id <> $contact_id
    AND ((c.employee_id = $employee_id)
         OR (lower(c.last_name) = $last_name AND lower(coalesce(c.first_name, '')) = $first_name))
)
SELECT c.contact_id, c.first_name, c.last_name, c.employee_id,
       (c.employee_id IS NOT NULL AND c.employee_id = $employee_id) AS same_id,
       list_intersect(list_filter(c.emails, lambda x: x IS NOT NULL AND x <> ''), $emails) AS shared,
       {_AGREEMENT} AS agreement,
       {_COURSES} AS courses
FROM cand c
WHERE (c.employee_id = $employee_id)
   OR len(list_intersect(list_filter(c.emails, lambda x: x IS NOT NULL AND x <> ''), $emails)) > 0
ORDER BY c.contact_id
"""


def _contact(row: dict) -> Contact:
    return Contact(**{k: row[k] for k in CONTACT_COLUMNS if k in row and row[k] is not None})


def _courses(items: list[dict] | None) -> dict[str, date]:
    return {i["course"]: i["completed_on"] for i in items or []}


def _license(item: dict) -> HeldLicense:
    return HeldLicense(
        license_number=item["license_number"], contact_id=item["contact_id"],
        affiliated_campus=item["affiliated_campus"], ecomm_specialist=item["ecomm_specialist"],
        additional_specialists=item["additional_specialists"] or [],
        business_units=item["business_units"] or [], public_groups=item["public_groups"] or [],
        apps=[LicenseApp(**a) for a in item["apps"] or []],
    )


def _emails_of(contact: Contact) -> list[str]:
    out = []
    for col in EMAIL_COLUMNS:
        v = getattr(contact, col)
        if v and v.strip() and v.strip().lower() not in out:
            out.append(v.strip().lower())
    return out


def find_duplicates(store, contact: Contact) -> list[Duplicate]:
    """P13: other contacts with the same employee ID, or the same first and last name and an
    email in common (in any email field), with their agreement membership and courses."""
    employee_id = contact.employee_id.strip() if contact.employee_id and contact.employee_id.strip() \
        else None
    params = {
        "contact_id": contact.contact_id,
        "employee_id": employee_id,
        "last_name": contact.last_name.strip().lower(),
        "first_name": (contact.first_name or "").strip().lower(),
        "emails": _emails_of(contact),
        "campaign": ref.AGREEMENT_CAMPAIGN,
    }
    out = []
    for r in store.query_dicts(_DUPLICATES_SQL, params):
        name = " ".join(p for p in (r["first_name"], r["last_name"]) if p)
        out.append(Duplicate(
            contact_id=r["contact_id"], name=name, employee_id=r["employee_id"],
            matched_on="employee_id" if r["same_id"] else "name_email",
            matching_email=(r["shared"] or [None])[0],
            agreement=AgreementMember(**r["agreement"]) if r["agreement"] else None,
            courses=_courses(r["courses"]),
        ))
    return out


def load_contact_facts(store, contact_id: str) -> ContactFacts:
    """Everything P1-P5, P7 and P13 read about one contact; NotFound when there is none."""
    rows = store.query_dicts(_FACTS_SQL, {"contact_id": contact_id,
                                          "campaign": ref.AGREEMENT_CAMPAIGN})
    if not rows:
        raise NotFound(f"There is no contact {contact_id!r}: check the contact ID.")
    r = rows[0]
    contact = _contact(r)
    return ContactFacts(
        contact=contact,
        employments=[Employment(**e) for e in r["employments"] or []],
        agreement=AgreementMember(**r["agreement"]) if r["agreement"] else None,
        courses=_courses(r["courses"]),
        licenses=[_license(i) for i in r["licenses"] or []],
        duplicates=find_duplicates(store, contact),
    )


def contact_exists(store, contact_id: str) -> bool:
    return bool(store.query_value("SELECT count(*) FROM contacts WHERE contact_id = ?", [contact_id]))


def search_contacts(store, text: str, *, campus: str | None = None, limit: int = 50) -> list[dict]:
    """Contacts whose name, any email or employee ID contains every word of ``text`` (ignoring
    case). With ``campus``: only contacts with that campus's university email, an employment
    there, or a license there. Rows: contact_id, first_name, last_name, name, employee_id,
    email, university_email (of ``campus``, when given)."""
    words = [w.lower() for w in (text or "").split() if w.strip()]
    haystack = ("lower(concat_ws(' ', c.first_name, c.last_name, c.employee_id, "
                + ", ".join(f"c.{col}" for col in EMAIL_COLUMNS) + "))")
    where, params = [], []
    for w in words:
        where.append(f"contains({haystack}, ?)")
        params.append(w)
    uni = "NULL"
    if campus:
        field = ref.CAMPUS_EMAIL_FIELD[campus]
        uni = f"c.{field}"
        where.append(
            f"(nullif(trim(c.{field}), '') IS NOT NULL"
            " OR c.contact_id IN (SELECT contact_id FROM employments WHERE campus = ?)"
            " OR c.contact_id IN (SELECT contact_id FROM licenses WHERE affiliated_campus = ?))")
        params += [campus, campus]
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


_LICENSE_SQL = f"""
SELECT l.license_number, l.contact_id, l.affiliated_campus, l.ecomm_specialist,
       l.additional_specialists, l.business_units, l.public_groups, {_APPS} AS apps,
       concat_ws(' ', c.first_name, c.last_name) AS contact_name,
       EXISTS (SELECT 1 FROM requests r WHERE r.license_number = l.license_number
               AND r.kind = 'deprovision' AND r.status IN ('pending', 'held')) AS pending_deprovision
FROM licenses l LEFT JOIN contacts c ON c.contact_id = l.contact_id
WHERE l.license_number = ?
"""


def load_license(store, license_number: str) -> ReplacedLicense | None:
    """A license with its applications, its holder's name and whether a deprovisioning request
    for it is pending (P10; also the license a deprovision/group change is about); None when
    there is no such license."""
    rows = store.query_dicts(_LICENSE_SQL, [(license_number or "").strip()])
    if not rows:
        return None
    r = rows[0]
    lic = _license(r)
    return ReplacedLicense(**lic.model_dump(), contact_name=r["contact_name"] or "",
                           pending_deprovision=bool(r["pending_deprovision"]))


def load_replaced_license(store, license_number: str | None) -> ReplacedLicense | None:
    """P10: the license a provisioning request replaces (None when not given or not found)."""
    if not license_number or not license_number.strip():
        return None
    return load_license(store, license_number)
