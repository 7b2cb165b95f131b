"""SQL for contacts and what the eligibility rules read about them (P1-P5, P7, P10, P13).

``load_contact_facts`` reads one contact with its employments, agreement membership, latest
completion per course, licenses (with their applications) and possible duplicates (same
employee ID, or same name and a matching email) with what sits on them.
"""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from ecomm.errors import NotFound
from ecomm.rules.contact import require_campus
from ecomm.rules.models import (AgreementMember, Contact, ContactFacts, Duplicate, Employment,
                                HeldLicense, LicenseApp, ReplacedLicense)

# Request statuses still waiting for a batch (see the requests table).
OPEN_REQUEST_STATUSES = ("pending", "held")

EMAIL_COLUMNS = ("email", "ucb_email", "ucd_email", "anschutz_email", "uccs_email",
                 "cu_system_email")
CONTACT_COLUMNS = ("contact_id", "last_name", "first_name", "email", "employee_id", "ucb_email",
                   "ucd_email", "anschutz_email", "uccs_email", "cu_system_email", "poi",
                   "poi_active")

_CONTACT_SELECT = "SELECT " + ", ".join(CONTACT_COLUMNS) + " FROM contacts"


def _rows(cur, sql: str, params: list) -> list[dict]:
    res = cur.execute(sql, params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _contact(row: dict) -> Contact:
    return Contact(**{k: row[k] for k in CONTACT_COLUMNS if row.get(k) is not None})


def _agreement(cur, contact_id: str) -> AgreementMember | None:
    # all of the contact's memberships by the contact_id index, then the agreement campaign
    for r in _rows(cur, "SELECT contact_id, campaign, signed_at, added_by, reason "
                        "FROM campaign_members WHERE contact_id = ?", [contact_id]):
        if r["campaign"] == ref.AGREEMENT_CAMPAIGN:
            return AgreementMember(**{k: v for k, v in r.items() if k != "campaign"})
    return None


def _latest_courses(cur, contact_id: str) -> dict[str, date]:
    latest: dict[str, date] = {}
    for course, done in cur.execute("SELECT course, completed_on FROM course_completions "
                                    "WHERE contact_id = ?", [contact_id]).fetchall():
        if course not in latest or done > latest[course]:
            latest[course] = done
    return latest


_LICENSE_COLUMNS = ("license_number", "contact_id", "affiliated_campus", "ecomm_specialist",
                    "additional_specialists", "business_units", "public_groups")


def _fold_licenses(rows: list[dict]) -> list[dict]:
    """License rows joined with their applications -> one dict a license with its ``apps``."""
    out: dict[str, dict] = {}
    for r in rows:
        lic = out.setdefault(r["license_number"], {c: r[c] for c in _LICENSE_COLUMNS} | {"apps": []})
        if r["application"] is not None:
            lic["apps"].append({"application": r["application"],
                                "provisioned_on": r["provisioned_on"],
                                "deprovisioned_on": r["deprovisioned_on"]})
    return list(out.values())


def _licenses(cur, where: str, value: str) -> list[dict]:
    """Licenses (with their applications) of a contact or by number, as plain dicts."""
    rows = _rows(cur, "SELECT " + ", ".join("l." + c for c in _LICENSE_COLUMNS) +
                 ", a.application, a.provisioned_on, a.deprovisioned_on FROM licenses l "
                 "LEFT JOIN license_apps a ON a.license_number = l.license_number "
                 f"WHERE l.{where} = ? ORDER BY l.license_number, a.provisioned_on, a.application", [value])
    return _fold_licenses(rows)


def _license(item: dict) -> HeldLicense:
    return HeldLicense(
        license_number=item["license_number"], contact_id=item["contact_id"],
        affiliated_campus=item["affiliated_campus"], ecomm_specialist=item["ecomm_specialist"],
        additional_specialists=item["additional_specialists"] or [],
        business_units=item["business_units"] or [], public_groups=item["public_groups"] or [],
        apps=[LicenseApp(**a) for a in item["apps"]],
    )


def _emails_of(contact: Contact) -> list[str]:
    out = []
    for col in EMAIL_COLUMNS:
        v = getattr(contact, col)
        if v and v.strip() and v.strip().lower() not in out:
            out.append(v.strip().lower())
    return out


def _emails_of_row(row: dict) -> list[str]:
    """``_emails_of`` of a contacts row (before it is made a Contact)."""
    out = []
    for col in EMAIL_COLUMNS:
        v = row.get(col)
        if v and v.strip() and v.strip().lower() not in out:
            out.append(v.strip().lower())
    return out


# every character str.strip() removes (str.isspace), for SQL trim(text, characters)
_WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())


def _duplicates(cur, me: Contact) -> list[Duplicate]:
    employee_id = (me.employee_id or "").strip() or None
    first = (me.first_name or "").strip().lower()
    mine = set(_emails_of(me))
    found: dict[str, Duplicate] = {}
    if employee_id:   # idx_contacts_employee
        for r in _rows(cur, _CONTACT_SELECT + " WHERE employee_id = ?", [employee_id]):
            other = _contact(r)
            if other.contact_id != me.contact_id:
                found[other.contact_id] = Duplicate(
                    contact_id=other.contact_id, name=other.name, matched_on="employee_id",
                    employee_id=other.employee_id)
    # idx_contacts_last_name_lower; the first name narrows it in SQL too (its stripped form
    # is inside it; the exact comparison follows): a common last name is shared by thousands
    # of contacts at 250,000 (the contact IDs first, then their rows: projecting every column
    # of a seq scan is slow)
    for r in _rows(cur, _CONTACT_SELECT + " WHERE contact_id IN (SELECT contact_id FROM "
                        "contacts WHERE lower(last_name) = ? AND "
                        "contains(lower(coalesce(first_name, '')), ?))",
                   [me.last_name.lower(), first]):
        other = _contact(r)
        if other.contact_id == me.contact_id or other.contact_id in found:
            continue
        if (other.first_name or "").strip().lower() != first:
            continue
        shared = [e for e in _emails_of(other) if e in mine]
        if shared:
            found[other.contact_id] = Duplicate(
                contact_id=other.contact_id, name=other.name, matched_on="name_email",
                employee_id=other.employee_id, matching_email=shared[0])
    dups = sorted(found.values(), key=lambda d: d.contact_id)
    for d in dups:
        d.agreement = _agreement(cur, d.contact_id)
        d.courses = _latest_courses(cur, d.contact_id)
    return dups


def find_duplicates(store, contact: Contact) -> list[Duplicate]:
    """P13: other contacts with the same employee ID, or the same first and last name (ignoring
    case) and an email in common (in any email field), with their agreement and courses."""
    with store.cursor() as cur:
        return _duplicates(cur, contact)


def load_contact_facts(store, contact_id: str) -> ContactFacts:
    """Everything P1-P5, P7 and P13 read about one contact; NotFound when there is none.

    Indexed point lookups on one cursor (contact, employments, agreement, courses, licenses
    with applications, duplicates): a few milliseconds at 250,000 contacts, where one query
    with nested correlated subqueries is decorrelated by DuckDB into full scans."""
    with store.cursor() as cur:
        rows = _rows(cur, _CONTACT_SELECT + " WHERE contact_id = ?", [contact_id])
        if not rows:
            raise NotFound(f"There is no contact {contact_id!r}: check the contact ID.")
        contact = _contact(rows[0])
        employments = _rows(cur, "SELECT campus, status, start_date, end_date, department, title "
                                 "FROM employments WHERE contact_id = ? "
                                 "ORDER BY start_date NULLS LAST", [contact_id])
        return ContactFacts(
            contact=contact,
            employments=[Employment(**e) for e in employments],
            agreement=_agreement(cur, contact_id),
            courses=_latest_courses(cur, contact_id),
            licenses=[_license(i) for i in _licenses(cur, "contact_id", contact_id)],
            duplicates=_duplicates(cur, contact),
        )


def load_contact_facts_many(store, contact_ids) -> dict[str, ContactFacts]:
    """``load_contact_facts`` of many contacts at once (the batch reads thousands): the same
    facts from a fixed number of set-based queries instead of a few point lookups per
    contact. NotFound names the first contact (in ID order) that does not exist."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    with store.cursor() as cur:
        contacts = {r["contact_id"]: _contact(r) for r in _rows(
            cur, _CONTACT_SELECT + " WHERE contact_id IN (SELECT unnest(?::VARCHAR[]))", [ids])}
        for cid in ids:
            if cid not in contacts:
                raise NotFound(f"There is no contact {cid!r}: check the contact ID.")
        employments: dict[str, list[Employment]] = {cid: [] for cid in ids}
        for r in _rows(cur, "SELECT contact_id, campus, status, start_date, end_date, department, "
                            "title FROM employments WHERE contact_id IN "
                            "(SELECT unnest(?::VARCHAR[])) "
                            "ORDER BY contact_id, start_date NULLS LAST", [ids]):
            employments[r.pop("contact_id")].append(Employment(**r))
        dups = _duplicates_many(cur, [contacts[cid] for cid in ids])
        around = sorted(set(ids) | {d.contact_id for ds in dups.values() for d in ds})
        agreements = _agreements_many(cur, around)
        courses = _latest_courses_many(cur, around)
        for ds in dups.values():
            for d in ds:
                d.agreement = agreements.get(d.contact_id)
                d.courses = courses.get(d.contact_id, {})
        licenses: dict[str, list[HeldLicense]] = {cid: [] for cid in ids}
        for item in _licenses_many(cur, ids):
            licenses[item["contact_id"]].append(_license(item))
        return {cid: ContactFacts(
            contact=contacts[cid], employments=employments[cid], agreement=agreements.get(cid),
            courses=courses.get(cid, {}), licenses=licenses[cid], duplicates=dups[cid])
            for cid in ids}


def _agreements_many(cur, ids: list[str]) -> dict[str, AgreementMember]:
    out: dict[str, AgreementMember] = {}
    for r in _rows(cur, "SELECT contact_id, signed_at, added_by, reason FROM campaign_members "
                        "WHERE campaign = ? AND contact_id IN (SELECT unnest(?::VARCHAR[]))",
                   [ref.AGREEMENT_CAMPAIGN, ids]):
        out.setdefault(r["contact_id"], AgreementMember(**r))
    return out


def _latest_courses_many(cur, ids: list[str]) -> dict[str, dict[str, date]]:
    out: dict[str, dict[str, date]] = {}
    for cid, course, done in cur.execute(
            "SELECT contact_id, course, max(completed_on) FROM course_completions "
            "WHERE contact_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY contact_id, course",
            [ids]).fetchall():
        out.setdefault(cid, {})[course] = done
    return out


def _licenses_many(cur, ids: list[str]) -> list[dict]:
    """Licenses (with their applications) of many contacts, as ``_licenses`` gives them."""
    rows = _rows(cur, "SELECT " + ", ".join("l." + c for c in _LICENSE_COLUMNS) +
                 ", a.application, a.provisioned_on, a.deprovisioned_on FROM licenses l "
                 "LEFT JOIN license_apps a ON a.license_number = l.license_number "
                 "WHERE l.contact_id IN (SELECT unnest(?::VARCHAR[])) "
                 "ORDER BY l.license_number, a.provisioned_on, a.application", [ids])
    return _fold_licenses(rows)


def _duplicates_many(cur, people: list[Contact]) -> dict[str, list[Duplicate]]:
    """``_duplicates`` of many contacts (without their agreement and courses, added after)."""
    by_employee = [(me.contact_id, (me.employee_id or "").strip()) for me in people
                   if (me.employee_id or "").strip()]
    same_id: dict[str, list[Contact]] = {}
    if by_employee:
        for r in _rows(cur, "SELECT m.me, " + ", ".join("c." + c for c in CONTACT_COLUMNS) +
                            " FROM (SELECT unnest(?::VARCHAR[]) AS me, unnest(?::VARCHAR[]) AS emp) m "
                            "JOIN contacts c ON c.employee_id = m.emp",
                       [[m for m, _ in by_employee], [e for _, e in by_employee]]):
            same_id.setdefault(r.pop("me"), []).append(_contact(r))
    firsts = {me.contact_id: (me.first_name or "").strip().lower() for me in people}
    same_name: dict[str, list[Contact]] = {}
    for r in _rows(cur, "WITH m AS (SELECT unnest(?::VARCHAR[]) AS me, unnest(?::VARCHAR[]) AS last, "
                        "unnest(?::VARCHAR[]) AS first), "
                        "o AS (SELECT contact_id, lower(last_name) AS last, "
                        "lower(trim(coalesce(first_name, ''), ?)) AS first FROM contacts "
                        "WHERE lower(last_name) IN (SELECT last FROM m)) "
                        "SELECT m.me, " + ", ".join("c." + c for c in CONTACT_COLUMNS) +
                        " FROM m JOIN o ON o.last = m.last AND o.first = m.first "
                        "JOIN contacts c ON c.contact_id = o.contact_id",
                   [[me.contact_id for me in people], [me.last_name.lower() for me in people],
                    [firsts[me.contact_id] for me in people], _WHITESPACE]):
        same_name.setdefault(r.pop("me"), []).append(r)   # a Contact only for a match
    out: dict[str, list[Duplicate]] = {}
    for me in people:
        found: dict[str, Duplicate] = {}
        for other in sorted(same_id.get(me.contact_id, []), key=lambda c: c.contact_id):
            if other.contact_id != me.contact_id:
                found[other.contact_id] = Duplicate(
                    contact_id=other.contact_id, name=other.name, matched_on="employee_id",
                    employee_id=other.employee_id)
        mine = set(_emails_of(me))
        for row in sorted(same_name.get(me.contact_id, []), key=lambda r: r["contact_id"]):
            if row["contact_id"] == me.contact_id or row["contact_id"] in found:
                continue
            if (row["first_name"] or "").strip().lower() != firsts[me.contact_id]:
                continue
            shared = [e for e in _emails_of_row(row) if e in mine]
            if shared:
                other = _contact(row)
                found[other.contact_id] = Duplicate(
                    contact_id=other.contact_id, name=other.name, matched_on="name_email",
                    employee_id=other.employee_id, matching_email=shared[0])
        out[me.contact_id] = sorted(found.values(), key=lambda d: d.contact_id)
    return out


def contact_exists(store, contact_id: str) -> bool:
    return bool(store.query_value("SELECT count(*) FROM contacts WHERE contact_id = ?", [contact_id]))


def search_contacts(store, text: str, *, campus: str | None = None, limit: int = 50) -> list[dict]:
    """Contacts whose name, any email or employee ID contains every word of ``text`` (ignoring
    case). With ``campus``: only contacts with that campus's university email, an employment
    there (Boulder and Boulder Advancement count as one here: they read the same UCB Email),
    or a license there. Rows: contact_id, first_name, last_name, name, employee_id,
    email, university_email (of ``campus``, when given)."""
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
        campus = require_campus(campus)
        field = ref.CAMPUS_EMAIL_FIELD[campus]
        uni = f"c.{field}"
        # campuses reading the same email field (Boulder and Boulder Advancement) share staff
        family = [c for c, f in ref.CAMPUS_EMAIL_FIELD.items() if f == field]
        where.append(
            f"(nullif(trim(c.{field}), '') IS NOT NULL"
            " OR c.contact_id IN (SELECT contact_id FROM employments WHERE list_contains(?, campus))"
            " OR c.contact_id IN (SELECT contact_id FROM licenses WHERE affiliated_campus = ?))")
        params += [family, campus]
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


def load_license(store, license_number: str) -> ReplacedLicense | None:
    """A license with its applications, its holder's name and whether a deprovisioning request
    for it is pending (P10; also the license a deprovision/group change is about); None when
    there is no such license."""
    number = (license_number or "").strip()
    with store.cursor() as cur:
        items = _licenses(cur, "license_number", number)
        if not items:
            return None
        item = items[0]
        name = cur.execute("SELECT concat_ws(' ', first_name, last_name) FROM contacts "
                           "WHERE contact_id = ?", [item["contact_id"]]).fetchone()
        pending = cur.execute(
            "SELECT count(*) FROM requests WHERE license_number = ? AND kind = 'deprovision' "
            "AND status IN (?, ?)", [number, *OPEN_REQUEST_STATUSES]).fetchone()[0]
    return ReplacedLicense(**_license(item).model_dump(), contact_name=name[0] if name else "",
                           pending_deprovision=pending > 0)


def load_replaced_license(store, license_number: str | None) -> ReplacedLicense | None:
    """P10: the license a provisioning request replaces (None when not given or not found)."""
    if not license_number or not license_number.strip():
        return None
    return load_license(store, license_number)
